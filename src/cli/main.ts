/**
 * The `verbatim` command line: ask questions, show articles, inspect the
 * index, or open the local console. Answers and articles go to stdout; every
 * log, progress line and warning goes to stderr, so `--json` output is JSON
 * only. Each command is an entry of {@link COMMANDS}: its usage, its options
 * and what it does; `verbatim <command> --help` prints the first two.
 */
import { createInterface } from 'node:readline';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import v8 from 'node:v8';
import path from 'node:path';
import { checkHealth } from '../bot/health.ts';
import { DEFAULT_DATA_DIR, loadSettings, type Settings } from '../config.ts';
import type { SkippedItem } from '../corpus/types.ts';
import { LocalEngine } from '../engine/localEngine.ts';
import { openEngine } from '../engine/open.ts';
import type { AnswerEngine, Progress } from '../engine/types.ts';
import { errorMessage, writeStderr, writeStdout } from '../log.ts';
import { readableParagraphs } from '../render/article.ts';
import { answerToJson } from '../render/json.ts';
import { citation, renderAnswerText, renderIgnored, renderSkipped, splitSkipped } from '../render/text.ts';
import { CORPUS_EXTENSIONS } from '../corpus/paths.ts';
import { openQuestionRecord } from '../record/open.ts';
import { packageVersion } from '../util/packageInfo.ts';
import { runConsole } from './console.ts';
import { DEFAULT_STATS_DAYS, exportUnanswered, MAX_STATS_DAYS, printStats } from './stats.ts';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

/** One command of the command line. */
interface CliCommand {
  /** One line, for the overview. */
  summary: string;
  /** Usage lines, without the program name. */
  usage: string[];
  /** Its own options (besides {@link GLOBAL_OPTIONS}), with one line of help each. */
  options: OptionSpecs;
  help: Record<string, string>;
  /** Most positional arguments accepted (default: any number). */
  maxArgs?: number;
  run(args: string[], values: Values, settings: () => Settings): Promise<number>;
}

/** Longest question accepted on the command line or on a line of stdin, in characters. */
export const MAX_QUESTION_CHARS = 1000;
/** Longest article id, prefix or title accepted by `source`, in characters. */
export const MAX_ARTICLE_ARG_CHARS = 1000;

const GLOBAL_OPTIONS: OptionSpecs = {
  corpus: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
const GLOBAL_HELP: Record<string, string> = {
  corpus: '--corpus DIR   corpus folder (default: $CORPUS_DIR, else ./corpus)',
  help: '-h, --help     this help',
};
const JSON_HELP = '--json         machine-readable output on stdout, one JSON object per line (logs stay on stderr)';

const COMMANDS: Record<string, CliCommand> = {
  ask: {
    summary: 'answer a question (or one per line of stdin) with quotes from the corpus',
    usage: ['ask "question" [--top K] [--json]', 'ask [--top K] [--json] < questions.txt'],
    options: { top: { type: 'string' }, json: { type: 'boolean' } },
    help: { top: '--top K        quotes per question, 1–25 (default 3)', json: JSON_HELP },
    run: async (args, values, settings) => {
      const top = parseTop(values.top as string | undefined);
      return withEngine(settings(), (engine) => ask(engine, args.join(' '), top, values.json === true));
    },
  },
  source: {
    summary: 'show an article, by id, id prefix or title',
    usage: ['source <article id, id prefix or title> [--json]'],
    options: { json: { type: 'boolean' } },
    help: { json: JSON_HELP },
    run: async (args, values, settings) => {
      const wanted = args.join(' ').trim();
      if (!wanted) throw new UsageError('source needs an article id, id prefix or title');
      if (wanted.length > MAX_ARTICLE_ARG_CHARS)
        throw new UsageError(`an article id or title is at most ${MAX_ARTICLE_ARG_CHARS} characters (got ${wanted.length})`);
      return withEngine(settings(), (engine) => source(engine, wanted, values.json === true));
    },
  },
  index: {
    summary: 'build the index (or load its snapshot), save the snapshot, and report what was loaded',
    usage: ['index [--json]'],
    options: { json: { type: 'boolean' } },
    help: { json: JSON_HELP },
    maxArgs: 0,
    run: async (_args, values, settings) => index(settings(), values.json === true),
  },
  stats: {
    summary: 'what was asked and how the answers did, from the record of questions (as /stats)',
    usage: ['stats [--days N] [--guild ID] [--json]', 'stats --export FILE.csv [--days N] [--guild ID]'],
    options: { days: { type: 'string' }, guild: { type: 'string' }, json: { type: 'boolean' }, export: { type: 'string' } },
    help: {
      days: `--days N       the last N days, 1–${MAX_STATS_DAYS} (default ${DEFAULT_STATS_DAYS})`,
      guild: '--guild ID     one server’s questions only (default: every question recorded)',
      json: '--json         the statistics as one JSON object on stdout',
      export: '--export FILE  write the unanswered questions to FILE as CSV (spreadsheet-safe) instead',
    },
    maxArgs: 0,
    run: async (_args, values, settings) => {
      const days = parseDays(values.days as string | undefined);
      const guild = (values.guild as string | undefined)?.trim();
      if (guild !== undefined && !/^\d{15,22}$/.test(guild))
        throw new UsageError('--guild must be a numeric Discord server id of 15 to 22 digits');
      const exportFile = values.export as string | undefined;
      if (exportFile !== undefined && values.json) throw new UsageError('--export and --json do not go together');
      if (exportFile !== undefined && !exportFile.trim()) throw new UsageError('--export needs a file name');
      const resolved = settings();
      const scope = { days, ...(guild !== undefined && { guildId: guild }) };
      if (exportFile !== undefined) return exportUnanswered(resolved, scope, exportFile);
      return withEngine(resolved, (engine) => printStats(resolved, scope, engine, values.json === true));
    },
  },
  health: {
    summary: 'exit 0 when the bot using this data folder is connected and responsive, else say why and exit 1',
    usage: ['health'],
    options: {},
    help: {},
    maxArgs: 0,
    run: async () => {
      // Only the data folder matters here: no corpus is read, so a health check stays cheap.
      const problem = await checkHealth(path.resolve(process.env.DATA_DIR?.trim() || DEFAULT_DATA_DIR));
      if (problem) writeStderr(`verbatim: unhealthy: ${problem}\n`);
      else writeStdout('healthy\n');
      return problem ? 1 : 0;
    },
  },
  console: {
    summary: 'the interactive console: the bot’s commands without Discord',
    usage: ['console'],
    options: {},
    help: {},
    maxArgs: 0,
    run: async (_args, _values, settings) => {
      const resolved = settings();
      const record = openQuestionRecord(resolved);
      try {
        return await runConsole({ corpusDir: resolved.corpusDir, snapshotDir: resolved.snapshotDir, record });
      } finally {
        record?.close();
      }
    },
  },
};

/** A wrong invocation: one line naming what is wrong and where help is, exit code 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

function overview(): string {
  const width = Math.max(...Object.values(COMMANDS).flatMap((c) => c.usage.map((u) => u.length)));
  const lines = Object.values(COMMANDS).flatMap((c) =>
    c.usage.map((u, i) => `  verbatim ${u.padEnd(width)}   ${i === 0 ? c.summary : ''}`.trimEnd()),
  );
  return [
    'verbatim — answers questions by quoting a corpus, each quote with its source',
    '',
    'Usage:',
    ...lines,
    '',
    'Options:',
    `  ${GLOBAL_HELP.corpus}`,
    `  ${GLOBAL_HELP.help}`,
    '  --version      print the version',
    '  --             end of options: what follows is arguments (a question may start with "-")',
    '',
    'Run "verbatim <command> --help" for a command’s options.',
    '',
  ].join('\n');
}

function commandHelp(name: string, command: CliCommand): string {
  return [
    `verbatim ${name} — ${command.summary}`,
    '',
    'Usage:',
    ...command.usage.map((u) => `  verbatim ${u}`),
    '',
    'Options:',
    ...Object.values(command.help).map((h) => `  ${h}`),
    ...Object.values(GLOBAL_HELP).map((h) => `  ${h}`),
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    writeStderr(overview());
    return 2;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    writeStdout(`${packageVersion()}\n`);
    return 0;
  }
  const name = commandName(argv);
  if (name === undefined || name === 'help') {
    if (argv.includes('--help') || argv.includes('-h') || name === 'help') {
      writeStdout(overview());
      return 0;
    }
    return usage(new UsageError(argv[0]!.startsWith('-') ? `unknown option ${argv[0]}` : 'no command given'));
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) return usage(new UsageError(`unknown command "${name}"`));
  try {
    const { values, positionals } = parseCommandLine(name, command, argv);
    if (values.help) {
      writeStdout(commandHelp(name, command));
      return 0;
    }
    const args = positionals.slice(1);
    if (command.maxArgs !== undefined && args.length > command.maxArgs)
      throw new UsageError(`${name} takes no arguments (got "${args[0]}")`, name);
    return await command.run(args, values, () => loadSettings(process.env, { corpusDir: values.corpus as string | undefined }));
  } catch (err) {
    if (err instanceof UsageError) return usage(err.command ? err : new UsageError(err.message, name));
    writeStderr(`verbatim: ${errorMessage(err)}\n`);
    return 1;
  }
}

/** The command: the first argument that is neither an option nor the value of `--corpus`. */
function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return argv[i + 1];
    if (a === '--corpus') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** Parses a command's arguments strictly; a bad option becomes one line naming it. */
function parseCommandLine(name: string, command: CliCommand, argv: string[]): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...GLOBAL_OPTIONS, ...command.options } });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (err) {
    const message = errorMessage(err);
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) throw new UsageError(`unknown option ${unknown[1]}`, name);
    const missing = /Option '(-\S+?)(?:, -\S+)?(?: <value>)?' argument missing/.exec(message);
    if (missing) throw new UsageError(`option ${missing[1]} needs a value`, name);
    const unexpected = /Option '(-\S+?)(?:, -\S+)?' does not take an argument/.exec(message);
    if (unexpected) throw new UsageError(`option ${unexpected[1]} takes no value`, name);
    throw new UsageError(message.split('\n')[0]!, name);
  }
}

function usage(err: UsageError): number {
  const help = err.command ? `verbatim ${err.command} --help` : 'verbatim --help';
  writeStderr(`verbatim: ${err.message} (see ${help})\n`);
  return 2;
}

function parseDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_STATS_DAYS;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > MAX_STATS_DAYS)
    throw new UsageError(`--days must be a whole number from 1 to ${MAX_STATS_DAYS} (got "${value.slice(0, 20)}")`);
  return n;
}

function parseTop(value: string | undefined): number {
  if (value === undefined) return 3;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 25)
    throw new UsageError(`--top must be a whole number from 1 to 25 (got "${value.slice(0, 20)}")`);
  return n;
}

/**
 * Opens the engine in this thread (a one-shot needs no worker), reading the
 * snapshot when there is a valid one but not writing one (that is `index`'s
 * job), with progress and warnings on stderr; runs `body`; closes it.
 */
async function withEngine(settings: Settings, body: (engine: AnswerEngine) => Promise<number>): Promise<number> {
  const { engine, report } = await openEngine(
    { corpusDir: settings.corpusDir, snapshotDir: settings.snapshotDir, saveSnapshots: false, inProcess: true },
    progressPrinter(),
  );
  const { skipped, warnings } = splitSkipped(report.skipped);
  for (const line of renderSkipped(skipped)) writeStderr(`warning: skipped ${line}\n`);
  for (const line of renderSkipped(warnings)) writeStderr(`warning: ${line}\n`);
  try {
    return await body(engine);
  } finally {
    await engine.close();
  }
}

async function ask(engine: AnswerEngine, question: string, top: number, json: boolean): Promise<number> {
  const answerOne = async (q: string): Promise<void> => {
    const text = q.trim();
    if (json && !text) {
      // Every input line gets its output line, so that a script can pair them.
      writeStdout(`${JSON.stringify({ question: '', answers: [], reason: 'empty-question' })}\n`);
      return;
    }
    const answer = await engine.ask(text, { top, maxQuestionLength: MAX_QUESTION_CHARS });
    if (json) writeStdout(JSON.stringify(answerToJson(answer)) + '\n');
    else writeStdout(`${renderAnswerText(answer, { color: process.stdout.isTTY })}\n`);
  };
  if (question.trim()) {
    await answerOne(question);
    return 0;
  }
  // Batch mode: one question per line of stdin, answered in order from one index, one answer per line.
  if (process.stdin.isTTY) writeStderr('Type one question per line; Ctrl-D to finish.\n');
  let first = true;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!json) writeStdout(`${first ? '' : '\n'}Q: ${line.trim()}\n`);
    await answerOne(line);
    first = false;
  }
  return 0;
}

async function source(engine: AnswerEngine, wanted: string, json: boolean): Promise<number> {
  let view = await engine.article(wanted);
  if (!view) {
    // As /source's autocomplete does: an id prefix or words of a title; one clear best match is taken.
    const near = await engine.suggestArticles(wanted, 6);
    const byPrefix = near.filter((a) => a.id.startsWith(wanted));
    const pick =
      byPrefix.length === 1
        ? byPrefix[0]
        : near.length === 1 || (near.length > 1 && isTitleMatch(near[0]!.title, wanted))
          ? near[0]
          : undefined;
    if (pick) view = await engine.article(pick.id);
    if (!view) {
      const list = near.map((a) => `\n  ${a.id}  ${a.title}`).join('');
      writeStderr(
        near.length
          ? `verbatim: "${shorten(wanted)}" matches more than one article; name one by its id:${list}\n`
          : `verbatim: no article "${shorten(wanted)}"\n`,
      );
      return 1;
    }
    if (near.length > 1)
      writeStderr(
        `(showing ${view.article.id}; also matching: ${near
          .filter((a) => a.id !== view!.article.id)
          .map((a) => a.id)
          .join(', ')})\n`,
      );
  }
  if (json) {
    const sentences = view.sentences.map((s, i) => ({ index: i, ...s, text: view.text.slice(s.start, s.end) }));
    writeStdout(JSON.stringify({ article: view.article, text: view.text, sentences }) + '\n');
    return 0;
  }
  const paragraphs = readableParagraphs(view).map((p) => view.text.slice(p.start, p.end));
  writeStdout(`${citation(view.article)}\n[${view.article.id}, ${view.sentences.length} sentences]\n\n${paragraphs.join('\n\n')}\n`);
  return 0;
}

/** Whether every word typed is a word (or the start of one, for the last) of the title. */
function isTitleMatch(title: string, typed: string): boolean {
  const words = title
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const wanted = typed
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return wanted.length > 0 && wanted.every((w, i) => (i === wanted.length - 1 ? words.some((t) => t.startsWith(w)) : words.includes(w)));
}

function shorten(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

async function index(settings: Settings, json: boolean): Promise<number> {
  const { corpusDir, snapshotDir } = settings;
  const { engine, report } = await LocalEngine.open({ corpusDir, snapshotDir }, progressPrinter());
  try {
    await engine.flushSnapshot();
    const status = await engine.status();
    const memory = await engine.memory();
    if (json) {
      const articles = [];
      for (const ref of await engine.suggestArticles('', Number.MAX_SAFE_INTEGER)) {
        const view = (await engine.article(ref.id))!;
        articles.push({ ...view.article, sentences: view.sentences.map((s) => view.text.slice(s.start, s.end)) });
      }
      const summary = {
        articles: status.articles,
        sentences: status.sentences,
        terms: status.terms,
        words: status.words,
        tookMs: Math.round(report.tookMs),
      };
      const snapshot = status.snapshot ?? (status.snapshotError && { path: status.snapshotError.path, error: status.snapshotError.error });
      writeStdout(
        JSON.stringify({
          ...summary,
          heapUsedBytes: memory.heapUsed,
          snapshot,
          skipped: report.skipped,
          ignored: report.ignored ?? {},
          articles,
        }) + '\n',
      );
      return 0;
    }
    const n = (x: number) => x.toLocaleString('en');
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    const perSentence = status.sentences
      ? ` (${n(Math.round(memory.heapUsed / status.sentences))} + ${n(Math.round(memory.external / status.sentences))} bytes per sentence, including the process's fixed ~20 MiB)`
      : '';
    const snapshotLine = status.snapshot
      ? `Snapshot: ${status.snapshot.path} (${(status.snapshot.bytes / 2 ** 20).toFixed(1)} MiB).`
      : status.snapshotError
        ? `Snapshot: could not write ${status.snapshotError.path}: ${status.snapshotError.error}. The index works without it; a restart rebuilds it from the text.`
        : `Snapshot: none written to ${snapshotDir}.`;
    writeStdout(
      [
        `Corpus: ${corpusDir}`,
        `${report.mode === 'snapshot' ? 'Loaded from the snapshot' : 'Indexed'} ${n(status.articles)} articles, ${n(status.sentences)} sentences, ${n(status.terms)} terms in ${(report.tookMs / 1000).toFixed(2)} s${report.note ? ` (${report.note})` : ''}.`,
        snapshotLine,
        `Memory: ${mib(memory.heapUsed)} MiB of heap + ${mib(memory.external)} MiB of buffers${perSentence}; heap limit ${mib(v8.getHeapStatistics().heap_size_limit)} MiB (raise with NODE_OPTIONS=--max-old-space-size=MiB).`,
        ...listing('Skipped', splitSkipped(report.skipped).skipped, 'Nothing skipped.'),
        ...listing('Loaded with a warning', splitSkipped(report.skipped).warnings),
        ...(renderIgnored(report.ignored)
          ? [`Not read, other file types: ${renderIgnored(report.ignored)} (supported: ${CORPUS_EXTENSIONS.join(' ')}).`]
          : []),
      ].join('\n') + '\n',
    );
    return 0;
  } finally {
    await engine.close();
  }
}

/** "Title N:" and one indented line per item, or `none` (nothing when absent) when there are none. */
function listing(title: string, items: readonly SkippedItem[], none?: string): string[] {
  if (items.length === 0) return none ? [none] : [];
  return [`${title} ${items.length}:`, ...renderSkipped(items).map((s) => `  - ${s}`)];
}

/** Prints load progress on stderr when it is a terminal (and only then). */
function progressPrinter(): ((p: Progress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 200 && p.done !== p.total) return;
    last = now;
    const pct = p.total ? ` ${Math.floor((100 * p.done) / p.total)}%` : '';
    writeStderr(`\r\x1b[K${p.phase} ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')}${pct}`);
    if (p.phase === 'indexing' && p.done === p.total) writeStderr('\r\x1b[K');
  };
}
