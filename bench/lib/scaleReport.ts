/**
 * The scale bench's numbers per corpus size, and the tables printed from them.
 */
import type { ReferenceResult } from './referenceIndex.ts';
import type { SynthResult } from './synth.ts';

/** Everything measured at one corpus size. `undefined` = not measured or not reported by the engine ("n/a"). */
export interface SizeResult {
  target: number;
  corpus: SynthResult;
  build: { s: number; articles: number; sentences: number; mode: string | undefined; skipped: number };
  memory: {
    /** Where the numbers come from: the engine's status, or this process as a fallback. */
    source: 'engine' | 'main process';
    heapUsed: number;
    /** heapUsed + arrayBuffers + external. */
    total: number;
    heapPerSentence: number;
    totalPerSentence: number;
    /** This (main) process's own heapUsed after a GC. */
    mainHeapUsed: number;
  };
  queries: { count: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number; noAnswer: number; errors: number };
  restart: {
    openS: number;
    firstAnswerS: number;
    /** When the background check of the snapshot against the corpus was over. */
    checkedS: number;
    mode: string | undefined;
    snapshotBytes: number | undefined;
    snapshotSource: 'status' | 'disk' | 'none';
    maxLoopDelayMs: number;
  };
  incremental: { s: number; mode: string | undefined; answerable: boolean; restoreS: number; restoreMode: string | undefined };
  underLoad: {
    filesChanged: number;
    reloadS: number;
    mode: string | undefined;
    answers: number;
    slowestMs: number;
    p99Ms: number;
    maxLoopDelayMs: number;
    errors: number;
    restoreS: number;
  };
  /** The typed-array BM25 reference over the same sentences, in the same run. */
  reference?: ReferenceResult;
  notes: string[];
}

const MB = 1024 * 1024;

/** A number with `digits` decimals, or "n/a". */
export function num(v: number | undefined, digits = 0): string {
  return v === undefined || Number.isNaN(v)
    ? 'n/a'
    : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const mode = (m: string | undefined): string => m ?? 'n/a';

/** A pipe table; columns after the first are right-aligned. */
export function formatTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/**
 * The final tables, one row per size, grouped so each fits a terminal:
 * build and memory, queries and restart, reloads.
 */
export function formatResults(results: readonly SizeResult[]): string {
  const key = (r: SizeResult): string => `${num(r.target)} ${r.corpus.shape}`;
  const build = formatTable(
    ['sentences', 'articles', 'indexed sent.', 'cold build s', 'heap B/sent', 'heap+ext B/sent', 'memory of', 'main heap MB'],
    results.map((r) => [
      key(r),
      num(r.build.articles),
      num(r.build.sentences),
      num(r.build.s, 1),
      num(r.memory.heapPerSentence),
      num(r.memory.totalPerSentence),
      r.memory.source,
      num(r.memory.mainHeapUsed / MB),
    ]),
  );
  const queries = formatTable(
    [
      'sentences',
      'Qs',
      'no answer',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'snapshot MB',
      'restart s',
      'first answer s',
      'checked s',
      'restart mode',
      'restart loop max ms',
    ],
    results.map((r) => [
      key(r),
      num(r.queries.count),
      num(r.queries.noAnswer),
      num(r.queries.p50Ms, 1),
      num(r.queries.p95Ms, 1),
      num(r.queries.p99Ms, 1),
      num(r.queries.maxMs, 1),
      r.restart.snapshotBytes === undefined ? 'n/a' : num(r.restart.snapshotBytes / MB, 1),
      num(r.restart.openS, 1),
      num(r.restart.firstAnswerS, 1),
      num(r.restart.checkedS, 1),
      mode(r.restart.mode),
      num(r.restart.maxLoopDelayMs),
    ]),
  );
  const reloads = formatTable(
    [
      'sentences',
      '1-file reload s',
      'mode',
      'new word found',
      'files changed',
      'reload s',
      'mode',
      'answers',
      'slowest ms',
      'p99 ms',
      'loop max ms',
    ],
    results.map((r) => [
      key(r),
      num(r.incremental.s, 2),
      mode(r.incremental.mode),
      r.incremental.answerable ? 'yes' : 'NO',
      num(r.underLoad.filesChanged),
      num(r.underLoad.reloadS, 1),
      mode(r.underLoad.mode),
      num(r.underLoad.answers),
      num(r.underLoad.slowestMs, 1),
      num(r.underLoad.p99Ms, 1),
      num(r.underLoad.maxLoopDelayMs),
    ]),
  );
  const withReference = results.filter((r) => r.reference);
  const ratio = (v: number, ref: number): string => (ref > 0 ? `${num(v / ref, 2)}×` : 'n/a');
  const versus = formatTable(
    ['sentences', 'measure', 'Verbatim', 'reference', 'ratio', 'target'],
    withReference.flatMap((r) => {
      const ref = r.reference!;
      const restartLimit = 3 * ref.loadS + 1;
      return [
        [key(r), 'cold build s', num(r.build.s, 1), num(ref.buildS, 1), ratio(r.build.s, ref.buildS), '≤ 1.00×'],
        [
          key(r),
          'restart to first answer s',
          num(r.restart.firstAnswerS, 2),
          num(ref.firstAnswerS, 2),
          ratio(r.restart.firstAnswerS, ref.firstAnswerS),
          `≤ 3 × load + 1 s = ${num(restartLimit, 2)} s: ${r.restart.firstAnswerS <= restartLimit ? 'met' : 'NOT met'}`,
        ],
        [key(r), 'query p50 ms', num(r.queries.p50Ms, 2), num(ref.p50Ms, 2), ratio(r.queries.p50Ms, ref.p50Ms), ''],
        [key(r), 'query p95 ms', num(r.queries.p95Ms, 2), num(ref.p95Ms, 2), ratio(r.queries.p95Ms, ref.p95Ms), 'not worse than before'],
        [key(r), 'query p99 ms', num(r.queries.p99Ms, 2), num(ref.p99Ms, 2), ratio(r.queries.p99Ms, ref.p99Ms), 'not worse than before'],
        [
          key(r),
          'snapshot MB',
          r.restart.snapshotBytes === undefined ? 'n/a' : num(r.restart.snapshotBytes / MB, 1),
          num(ref.snapshotBytes / MB, 1),
          r.restart.snapshotBytes === undefined ? 'n/a' : ratio(r.restart.snapshotBytes, ref.snapshotBytes),
          '',
        ],
      ];
    }),
  );
  return [
    'Build and memory (B/sent = bytes per indexed sentence):',
    build,
    '',
    'Queries (ask(q, { top: 3 }) one after another) and restart from the snapshot folder:',
    queries,
    '',
    'Reloads: one file changed (a new word appended), then ~5% of files changed while asking 20 questions/s:',
    reloads,
    ...(withReference.length
      ? [
          '',
          'Against the reference, measured in the same run over the same sentences (a typed-array BM25 index on one thread, built, saved, loaded and queried top 10 in this process; bench/lib/referenceIndex.ts):',
          versus,
        ]
      : []),
  ].join('\n');
}
