/**
 * Record bench: what the record of questions costs the bot's main thread,
 * next to a reference measured in the same run: the median time of one
 * answer from the engine in this thread, on the seed corpus. Machines
 * differ, so the ratio is the figure to compare.
 *
 *   npm run bench:record -- [--answers 10000,100000]
 *
 * For each size, a record is filled with that many answers (a third of them
 * unanswered, three quotes per answer, a vote on every tenth), spread over
 * 90 days, and measured:
 *
 * - write: the time of recording one answer on the main thread (queueing it
 *   and the transaction that writes it, one answer per transaction, as when
 *   questions come one at a time; WAL, synchronous=NORMAL);
 * - /stats: the time of `collectStats` for the last 30 days, with the seed
 *   corpus's article list (what the statistics thread spends), and the
 *   longest pause of this thread's event loop while /stats runs them in a
 *   thread of its own (`collectStatsOffThread`, as the bot does; sampled
 *   every 5 ms);
 * - the database's size per answer.
 *
 * Results go to stdout, progress to stderr. Files are written under
 * .bench-out/record/ (recreated each run).
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LocalEngine } from '../src/engine/localEngine.ts';
import { openDatabase } from '../src/record/database.ts';
import { DATABASE_MIGRATIONS } from '../src/record/open.ts';
import { QuestionRecord } from '../src/record/questions.ts';
import { collectStats, collectStatsOffThread } from '../src/record/stats.ts';
import type { Answer } from '../src/search/answer.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(repoRoot, '.bench-out', 'record');
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
const DAY = 86_400_000;

const { values } = parseArgs({ options: { answers: { type: 'string', default: '10000,100000' } } });
const sizes = values.answers.split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new Error('--answers takes sizes of at least 100, comma-separated');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, digits = 3): string => x.toFixed(digits);

// The reference: one answer from the engine, in this thread.
const { engine } = await LocalEngine.open({ corpusDir: path.join(repoRoot, 'corpus') });
const questions = ['what is Operation Unifier', 'Leopard 2 tanks', 'sanctions on Russia', 'who is Melanie Joly', 'capital of Australia'];
const answers: Answer[] = questions.map((q) => engine.askSync(q));
for (let i = 0; i < 200; i++) engine.askSync(questions[i % questions.length]!); // warm-up
const askTimes: number[] = [];
for (let i = 0; i < 500; i++) {
  const t = performance.now();
  engine.askSync(questions[i % questions.length]!);
  askTimes.push(performance.now() - t);
}
const reference = median(askTimes);
const corpus = await engine.suggestArticles('', 10_000);
await engine.close();

/** A synthetic answer: one of the seed corpus's, with its question varied so that groups form. */
function syntheticAnswer(i: number): Answer {
  const base = answers[i % answers.length]!;
  const unanswered = i % 3 === 0;
  const variant = `${base.question} ${i % 50}`;
  return unanswered
    ? { ...base, question: variant, quotes: [], total: 0, reason: 'no-match', searchedWords: [...base.searchedWords, String(i % 50)] }
    : { ...base, question: variant };
}

if (!process.env.KEEP) rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const rows: string[][] = [];
for (const size of sizes) {
  const file = path.join(out, `record-${size}.db`);
  const now = Date.now();
  const { db } = openDatabase(file, DATABASE_MIGRATIONS);
  const record = new QuestionRecord(db, { retentionDays: 90, hashSecret: 'b'.repeat(32), log: () => undefined });
  log(`filling ${size.toLocaleString('en')} answers…`);
  for (let i = 0; i < size; i++) {
    const id = record.newAnswerId();
    record.answered({
      id,
      kind: i % 5 === 0 ? 'message' : 'ask',
      guildId: '1300000000000000100',
      answer: syntheticAnswer(i),
      latencyMs: 5 + (i % 97),
      at: now - (i / size) * 90 * DAY,
    });
    if (i % 10 === 0) record.vote(id, `member ${i % 300}`, i % 20 === 0);
    if (i % 5000 === 4999) record.flush();
  }
  record.flush();

  // One answer at a time, as replies come: queue, then the transaction that writes it.
  const writeTimes: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    record.answered({ id: record.newAnswerId(), kind: 'ask', answer: syntheticAnswer(i), latencyMs: 10 });
    record.flush();
    writeTimes.push(performance.now() - t);
  }
  const statsTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    collectStats(db, { days: 30, guildId: '1300000000000000100' }, { corpus });
    statsTimes.push(performance.now() - t);
  }
  // The bot's way: in a thread of its own, while this thread's event loop is watched.
  let loopMax = 0;
  let last = performance.now();
  const sampler = setInterval(() => {
    const t = performance.now();
    loopMax = Math.max(loopMax, t - last - 5);
    last = t;
  }, 5);
  const offStart = performance.now();
  await collectStatsOffThread(file, { days: 30, guildId: '1300000000000000100' }, { corpus });
  const offThread = performance.now() - offStart;
  clearInterval(sampler);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = statSync(file).size;
  record.close();
  const write = median(writeTimes);
  const stats = median(statsTimes);
  rows.push([
    size.toLocaleString('en'),
    fmt(write),
    fmt(write / reference, 2),
    fmt(stats, 1),
    fmt(stats / reference, 0),
    fmt(offThread, 0),
    fmt(loopMax, 1),
    Math.round(bytes / size).toLocaleString('en'),
  ]);
}

const head = ['answers', 'write ms', 'write / ask', '/stats ms', '/stats / ask', 'off-thread ms', 'main loop max ms', 'bytes per answer'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
process.stdout.write(`Reference: one answer from the engine on the seed corpus, median ${fmt(reference)} ms (same run).\n\n`);
process.stdout.write([line(head), `| ${widths.map((w) => `${'-'.repeat(w - 1)}:`).join(' | ')} |`, ...rows.map(line)].join('\n') + '\n');
if (!process.env.KEEP) rmSync(out, { recursive: true, force: true });
