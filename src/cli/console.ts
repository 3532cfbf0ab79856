/**
 * The local console: the bot's commands without Discord. It reads commands
 * from stdin (a terminal or a pipe), runs the same command handlers as the
 * bot through the same router, and prints their replies as text.
 *
 *   /ask <question> [results:N] [private:true]   (a bare line is an /ask)
 *   /source <article id or title>
 *   /corpus add file:<path> | url:<link> [title:…], /corpus list, /corpus remove <article>
 *   /<any command> [subcommand] [text] [name:value …]   (see consoleCommand.ts)
 *   /find-sources <text>                         a message command ("Find sources") on that text
 *   /more, /open N, /next, /prev                 press the last reply's buttons
 *   /helpful, /not-helpful                       vote on the last answer
 *   /press <label>                               press any button of the last reply (/press Remove)
 *   /quit                                        (or end of input)
 */
import { userInfo } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { CorpusEditor } from '../corpus/editor/index.ts';
import { openEngine } from '../engine/open.ts';
import type { AnswerEngine } from '../engine/types.ts';
import { loadCommands } from '../interaction/registry.ts';
import { isMessageCommand } from '../interaction/registry.ts';
import { CommandRouter } from '../interaction/router.ts';
import type { QuestionRecord } from '../record/questions.ts';
import type { BaseContext, Choice, CommandOptions, Reply } from '../interaction/types.ts';
import { parseConsoleCommand, type ConsoleValues } from './consoleCommand.ts';
import { renderReplyText } from '../render/replyText.ts';
import { renderSkipped, splitSkipped } from '../render/text.ts';

/** Options of {@link runConsole}. */
export interface ConsoleOptions {
  corpusDir: string;
  /** Where the index snapshot is kept (optional). */
  snapshotDir?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where logs go (default stderr). */
  log?: (line: string) => void;
  /** Use an already open engine instead of opening one. */
  engine?: AnswerEngine;
  /** Where the command files are (default: the project's `commands/`). */
  commandsDir?: string;
  /** The record of questions (the caller opens and closes it); without it nothing is recorded. */
  record?: QuestionRecord | undefined;
  /** The data folder (the audit log of `/corpus`); without it, `/corpus` cannot change the corpus. */
  dataDir?: string;
  /** Hosts `/corpus add url:` may fetch from although they are private (FETCH_ALLOW_HOSTS). */
  fetchAllowHosts?: string[];
}

/** Runs the console until end of input or /quit. Returns the exit code. */
export async function runConsole(options: ConsoleOptions): Promise<number> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const interactive = Boolean((input as { isTTY?: boolean }).isTTY);
  const color = Boolean(output.isTTY);
  const print = (text: string) => output.write(`${text}\n\n`);

  let engine = options.engine;
  if (!engine) {
    const opened = await openEngine({ corpusDir: options.corpusDir, ...(options.snapshotDir && { snapshotDir: options.snapshotDir }) });
    engine = opened.engine;
    const { skipped, warnings } = splitSkipped(opened.report.skipped);
    for (const line of renderSkipped(skipped)) log(`warning: skipped ${line}`);
    for (const line of renderSkipped(warnings)) log(`warning: ${line}`);
  }
  const router = new CommandRouter(await loadCommands(options.commandsDir));
  const status = await engine.status();
  print(
    `Verbatim console — ${status.articles.toLocaleString('en')} articles, ${status.sentences.toLocaleString('en')} sentences from ${status.corpusDir}.\nType a question, or /help. /quit to leave.`,
  );

  const base: BaseContext = {
    engine,
    // The id is the user's name: the audit log of /corpus says who changed the corpus.
    invoker: { id: userInfo().username, name: userInfo().username, inGuild: true, isModerator: true },
    record: options.record,
    log: (m) => log(m),
    via: 'console',
    ...(options.dataDir !== undefined && {
      corpus: new CorpusEditor({
        corpusDir: options.corpusDir,
        dataDir: options.dataDir,
        engine,
        fetch: { allowHosts: options.fetchAllowHosts ?? [] },
      }),
    }),
  };
  /** Message commands by their console name: "Find sources" → find-sources. */
  const messageCommands = new Map(
    [...router.commands.values()].filter(isMessageCommand).map((c) => [c.data.name.toLowerCase().replace(/\s+/g, '-'), c.data.name]),
  );
  /** The last reply with buttons, so /more, /open N, /next and /prev can press them. */
  let lastReply: Reply | undefined;
  const show = (reply: Reply) => {
    if (reply.components?.length) lastReply = reply;
    print(renderReplyText(reply, { color }));
  };

  const runCommand = async (name: string, values: ConsoleValues, subcommand?: string) => {
    const opts: CommandOptions = {
      getString: (n) => (typeof values[n] === 'string' ? values[n] : null),
      getInteger: (n) => (typeof values[n] === 'number' ? values[n] : null),
      getNumber: (n) => (typeof values[n] === 'number' ? values[n] : null),
      getBoolean: (n) => (typeof values[n] === 'boolean' ? values[n] : null),
      // In the console an attachment is a file on this machine: `/corpus add file:report.pdf`.
      getAttachment: (n) => {
        const value = values[n];
        if (typeof value !== 'string' || value === '') return null;
        const localPath = path.resolve(value);
        return { url: pathToFileURL(localPath).href, name: path.basename(localPath), size: 0, contentType: null, localPath };
      },
      getSubcommand: () => subcommand ?? null,
      // The console has no channels.
      getChannel: () => null,
    };
    await router.command(name, {
      ...base,
      options: opts,
      defer: async () => undefined,
      reply: async (r) => show(r),
      edit: async (r) => show(r),
    });
  };

  /** Like picking from Discord's autocomplete: a value that is one of the choices stays, else the first choice is taken. */
  const complete = async (command: string, option: string, value: string): Promise<string> => {
    let choices: Choice[] = [];
    await router.autocomplete(command, { ...base, focused: { name: option, value }, respond: async (c) => void (choices = c) });
    return choices.some((c) => c.value === value) ? value : (choices[0]?.value ?? value);
  };

  const press = async (label: (l: string) => boolean) => {
    const button = lastReply?.components?.flatMap((r) => r.components).find((b) => !b.disabled && 'label' in b && label(b.label ?? ''));
    if (!lastReply || !button || !('custom_id' in button)) return print('There is no such button on the last reply.');
    const message = { content: lastReply.content ?? '', embeds: lastReply.embeds ?? [] };
    await router.button(button.custom_id, {
      ...base,
      args: button.custom_id.split(':'),
      message,
      update: async (r) => show(r),
      reply: async (r) => show(r),
    });
  };

  const handle = async (raw: string): Promise<boolean> => {
    const line = raw.trim();
    if (!line) return true;
    if (!line.startsWith('/')) {
      await runCommand('ask', { question: line });
      return true;
    }
    const [, command = '', argText = ''] = /^\/(\S+)\s*(.*)$/s.exec(line) ?? [];
    const name = command.toLowerCase();
    switch (name) {
      case 'quit':
      case 'exit':
        return false;
      case 'more':
        await press((l) => l === 'More');
        return true;
      case 'open':
        await press((l) => l === `Source ${argText.trim()}`);
        return true;
      case 'next':
        await press((l) => l === '▶');
        return true;
      case 'prev':
        await press((l) => l === '◀');
        return true;
      case 'press': // any button of the last reply by its label: /press Remove
        await press((l) => l.toLowerCase() === argText.trim().toLowerCase());
        return true;
      case 'helpful':
        await press((l) => l === 'Helpful');
        return true;
      case 'not-helpful':
        await press((l) => l === 'Not helpful');
        return true;
    }
    const messageCommand = messageCommands.get(name);
    if (messageCommand) {
      await router.messageCommand(messageCommand, {
        ...base,
        target: { id: 'console', content: argText },
        defer: async () => undefined,
        reply: async (r) => show(r),
        edit: async (r) => show(r),
      });
      return true;
    }
    const definition = router.commands.get(name)?.data.toJSON();
    if (!definition) {
      await runCommand(name, {}); // the router answers "unknown command"
      return true;
    }
    const parsed = parseConsoleCommand(definition, argText);
    if (!parsed.ok) {
      print(parsed.error);
      return true;
    }
    for (const option of parsed.autocomplete) parsed.values[option] = await complete(name, option, String(parsed.values[option]));
    await runCommand(name, parsed.values, parsed.subcommand);
    return true;
  };

  const rl = createInterface({ input, terminal: interactive, ...(interactive && { output }) });
  if (interactive) {
    rl.setPrompt('verbatim> ');
    rl.prompt();
  }
  for await (const line of rl) {
    if (!(await handle(line))) break;
    if (interactive) rl.prompt();
  }
  rl.close();
  if (!options.engine) await engine.close();
  return 0;
}
