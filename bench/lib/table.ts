/**
 * The results table printed to stdout.
 */
import type { ScoreRow } from './score.ts';

/** One printed row: score.mjs's numbers plus timings. */
export interface TableRow {
  name: string;
  score: ScoreRow;
  p50Ms?: number;
  p95Ms?: number;
  buildS?: number;
}

const pct = (x: number): string => (x * 100).toFixed(1);
const fixed =
  (digits: number) =>
  (x: number | undefined): string =>
    x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits);

/** Formats rows as an aligned, Markdown-compatible table. */
export function formatTable(rows: readonly TableRow[]): string {
  const head = ['engine', 'hit@1', 'hit@3', 'hit@5', 'MRR@10', 'doc@1', 'p50 ms', 'p95 ms', 'build s'];
  const body = rows.map((r) => [
    r.name,
    pct(r.score['hit@1']),
    pct(r.score['hit@3']),
    pct(r.score['hit@5']),
    pct(r.score['mrr@10']),
    pct(r.score['doc@1']),
    fixed(2)(r.p50Ms),
    fixed(2)(r.p95Ms),
    fixed(2)(r.buildS),
  ]);
  const all = [head, ...body];
  const widths = head.map((_, j) => Math.max(...all.map((row) => row[j]!.length)));
  const line = (row: string[]): string => `| ${row.map((v, j) => (j === 0 ? v.padEnd(widths[j]!) : v.padStart(widths[j]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, j) => (j === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...body.map(line)].join('\n');
}
