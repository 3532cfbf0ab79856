/**
 * The local console: the bot's commands without Discord. It reads commands
 * from stdin (a terminal or a pipe), runs the same command handlers as the
 * bot through the same router, and prints their replies as text.
 *
 *   /ask <question> [results:N] [private:true]   (a bare line is an /ask)
 *   /source <article id or title>
 *   /reload, /help
 *   /more, /open N, /next, /prev                 press the last reply's buttons
 *   /quit                                        (or end of input)
 */
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { openEngine } from '../engine/open.ts';
import type { AnswerEngine } from '../engine/types.ts';
import { loadCommands } from '../interaction/registry.ts';
import { CommandRouter } from '../interaction/router.ts';
import type { BaseContext, Choice, CommandOptions, Reply } from '../interaction/types.ts';
import { renderReplyText } from '../render/replyText.ts';
import { renderSkipped } from '../render/text.ts';

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
}

const OPTION = /\s+(results|private):(\S+)$/i;

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
    for (const line of renderSkipped(opened.report.skipped)) log(`warning: skipped ${line}`);
  }
  const router = new CommandRouter(await loadCommands());
  const status = await engine.status();
  print(
    `Verbatim console — ${status.articles.toLocaleString('en')} articles, ${status.sentences.toLocaleString('en')} sentences from ${status.corpusDir}.\nType a question, or /help. /quit to leave.`,
  );

  const base: BaseContext = {
    engine,
    invoker: { id: 'console', name: userInfo().username, inGuild: true, isModerator: true },
    log: (m) => log(m),
  };
  /** The last reply with buttons, so /more, /open N, /next and /prev can press them. */
  let lastReply: Reply | undefined;
  const show = (reply: Reply) => {
    if (reply.components?.length) lastReply = reply;
    print(renderReplyText(reply, { color }));
  };

  const runCommand = async (name: string, values: Record<string, string | number | boolean>) => {
    const opts: CommandOptions = {
      getString: (n) => (typeof values[n] === 'string' ? (values[n] as string) : null),
      getInteger: (n) => (typeof values[n] === 'number' ? (values[n] as number) : null),
      getBoolean: (n) => (typeof values[n] === 'boolean' ? (values[n] as boolean) : null),
    };
    await router.command(name, {
      ...base,
      options: opts,
      defer: async () => undefined,
      reply: async (r) => show(r),
      edit: async (r) => show(r),
    });
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
    switch (command.toLowerCase()) {
      case 'quit':
      case 'exit':
        return false;
      case 'ask': {
        const values: Record<string, string | number | boolean> = {};
        let question = argText;
        for (let m = OPTION.exec(question); m; m = OPTION.exec(question)) {
          values[m[1]!.toLowerCase()] = m[1]!.toLowerCase() === 'results' ? Number(m[2]) : /^(?:true|yes|1)$/i.test(m[2]!);
          question = question.slice(0, m.index);
        }
        await runCommand('ask', { ...values, question });
        return true;
      }
      case 'source':
        await runCommand('source', { article: await resolveArticle(argText) });
        return true;
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
      default:
        await runCommand(command.toLowerCase(), {});
        return true;
    }
  };

  /** Like picking the first autocomplete choice in Discord when the input is not an id already. */
  const resolveArticle = async (text: string): Promise<string> => {
    const input = text.trim();
    if (!input || (await engine!.article(input))) return input;
    let choices: Choice[] = [];
    await router.autocomplete('source', { ...base, focused: { name: 'article', value: input }, respond: async (c) => void (choices = c) });
    return choices[0]?.value ?? input;
  };

  const rl = createInterface({ input, terminal: interactive, ...(interactive && { output: output as NodeJS.WritableStream }) });
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
