/**
 * The `verbatim` command line: ask questions, show articles, inspect the
 * index, or open the local console. Answers and articles go to stdout; every
 * log, progress line and warning goes to stderr, so `--json` output is JSON
 * only.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { loadSettings, type Settings } from '../config.ts';
import { LocalEngine } from '../engine/localEngine.ts';
import { openEngine } from '../engine/open.ts';
import type { AnswerEngine, Progress } from '../engine/types.ts';
import { readableParagraphs } from '../render/article.ts';
import { answerToJson } from '../render/json.ts';
import { citation, renderAnswerText, renderSkipped } from '../render/text.ts';
import { runConsole } from './console.ts';

const USAGE = `verbatim — answers questions by quoting a corpus, each quote with its source

Usage:
  verbatim ask "question" [--top K] [--json]   answer one question
  verbatim ask [--json] < questions.txt         answer one question per line of stdin
  verbatim source <article-id> [--json]         show an article
  verbatim index [--json]                       build the index and report what was loaded
  verbatim console                              the interactive console (/ask, /source, /reload, /help)

Options:
  --corpus DIR   corpus folder (default: $CORPUS_DIR, else ./corpus)
  --top K        quotes per question, 1–25 (default 3)
  --json         machine-readable output on stdout (logs stay on stderr)
  -h, --help     this help
`;

/** A wrong invocation: print the message and the usage, exit 2. */
class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        corpus: { type: 'string' },
        top: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }

  try {
    const settings = loadSettings(process.env, { corpusDir: values.corpus });
    const top = parseTop(values.top);
    switch (command) {
      case 'ask':
        return await withEngine(settings, (engine) => ask(engine, rest.join(' '), top, values.json));
      case 'source':
        if (rest.length !== 1) throw new UsageError('source takes one article id');
        return await withEngine(settings, (engine) => source(engine, rest[0]!, values.json));
      case 'index':
        return await index(settings, values.json);
      case 'console':
        return await runConsole({ corpusDir: settings.corpusDir, snapshotDir: settings.snapshotDir });
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    process.stderr.write(`verbatim: ${(err as Error).message}\n`);
    return 1;
  }
}

function usage(message: string): number {
  process.stderr.write(`verbatim: ${message}\n\n${USAGE}`);
  return 2;
}

function parseTop(value: string | undefined): number {
  if (value === undefined) return 3;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 25) throw new UsageError(`--top must be a whole number from 1 to 25 (got "${value}")`);
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
  for (const line of renderSkipped(report.skipped)) process.stderr.write(`warning: skipped ${line}\n`);
  try {
    return await body(engine);
  } finally {
    await engine.close();
  }
}

async function ask(engine: AnswerEngine, question: string, top: number, json: boolean): Promise<number> {
  const answerOne = async (q: string): Promise<void> => {
    const answer = await engine.ask(q, { top });
    if (json) process.stdout.write(JSON.stringify(answerToJson(answer)) + '\n');
    else process.stdout.write(`${renderAnswerText(answer, { color: process.stdout.isTTY })}\n`);
  };
  if (question.trim()) {
    await answerOne(question);
    return 0;
  }
  // Batch mode: one question per line of stdin, answered in order from one index.
  if (process.stdin.isTTY) process.stderr.write('Type one question per line; Ctrl-D to finish.\n');
  let first = true;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    if (!json && !first) process.stdout.write('\n');
    if (!json) process.stdout.write(`Q: ${line.trim()}\n`);
    await answerOne(line);
    first = false;
  }
  return 0;
}

async function source(engine: AnswerEngine, id: string, json: boolean): Promise<number> {
  const view = await engine.article(id);
  if (!view) {
    const near = await engine.suggestArticles(id, 5);
    process.stderr.write(`verbatim: no article "${id}".${near.length ? ` Did you mean: ${near.map((a) => a.id).join(', ')}?` : ''}\n`);
    return 1;
  }
  if (json) {
    const sentences = view.sentences.map((s, i) => ({ index: i, ...s, text: view.text.slice(s.start, s.end) }));
    process.stdout.write(JSON.stringify({ article: view.article, text: view.text, sentences }) + '\n');
    return 0;
  }
  const paragraphs = readableParagraphs(view).map((p) => view.text.slice(p.start, p.end));
  process.stdout.write(
    `${citation(view.article)}\n[${view.article.id}, ${view.sentences.length} sentences]\n\n${paragraphs.join('\n\n')}\n`,
  );
  return 0;
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
      process.stdout.write(
        JSON.stringify({ ...summary, heapUsedBytes: memory.heapUsed, skipped: report.skipped, articles: articles }) + '\n',
      );
      return 0;
    }
    process.stdout.write(
      [
        `Corpus: ${corpusDir}`,
        `${report.mode === 'snapshot' ? 'Loaded from the snapshot' : 'Indexed'} ${status.articles.toLocaleString('en')} articles, ${status.sentences.toLocaleString('en')} sentences, ${status.terms.toLocaleString('en')} terms in ${(report.tookMs / 1000).toFixed(2)} s${report.note ? ` (${report.note})` : ''}.`,
        status.snapshot
          ? `Snapshot: ${status.snapshot.path} (${(status.snapshot.bytes / 2 ** 20).toFixed(1)} MiB).`
          : 'No snapshot folder: set SNAPSHOT_DIR to keep one.',
        `Memory: ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB of heap + ${(memory.external / 2 ** 20).toFixed(0)} MiB of buffers${status.sentences ? ` (${Math.round(memory.heapUsed / status.sentences).toLocaleString('en')} + ${Math.round(memory.external / status.sentences).toLocaleString('en')} bytes per sentence, including the process's fixed ~20 MiB)` : ''}; heap limit ${(v8.getHeapStatistics().heap_size_limit / 2 ** 20).toFixed(0)} MiB (raise with NODE_OPTIONS=--max-old-space-size=MiB).`,
        ...(report.skipped.length
          ? [`Skipped ${report.skipped.length}:`, ...renderSkipped(report.skipped).map((s) => `  - ${s}`)]
          : ['Nothing skipped.']),
      ].join('\n') + '\n',
    );
    return 0;
  } finally {
    await engine.close();
  }
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
    process.stderr.write(`\r\x1b[K${p.phase} ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')}${pct}`);
    if (p.phase === 'indexing' && p.done === p.total) process.stderr.write('\r\x1b[K');
  };
}
