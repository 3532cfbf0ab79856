/**
 * Asking every question of the bench through one system and timing it.
 */
import type { Question, ResultItem, ResultLine } from './score.ts';

/** What a system returns for one question. */
export type Search = (question: string) => ResultItem[];

/** The outcome of asking all questions. */
export interface Run {
  lines: ResultLine[];
  /** Wall time of each question in ms, in question order. */
  latencies: number[];
  /** Questions that threw, with the message (their results are left empty). */
  errors: Array<{ id: string; question: string; error: string }>;
}

/**
 * Asks each question, timing the call with `performance.now()` around it
 * (so both systems are timed the same way, result mapping included).
 */
export function runQuestions(questions: readonly Question[], search: Search, onProgress?: (done: number) => void): Run {
  const lines: ResultLine[] = [];
  const latencies: number[] = [];
  const errors: Run['errors'] = [];
  for (let i = 0; i < questions.length; i++) {
    const q = questions[i]!;
    let results: ResultItem[] = [];
    const t0 = performance.now();
    try {
      results = search(q.question);
    } catch (err) {
      // Keep going: one bad question should show up in the report, not end the run.
      errors.push({ id: q.id, question: q.question, error: err instanceof Error ? err.message : String(err) });
    }
    latencies.push(performance.now() - t0);
    lines.push({ id: q.id, results });
    if (onProgress && (i + 1) % 1000 === 0) onProgress(i + 1);
  }
  return { lines, latencies, errors };
}

/** The p-th percentile (0–100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Seconds since `t0` (a `performance.now()` value). */
export function secondsSince(t0: number): number {
  return (performance.now() - t0) / 1000;
}
