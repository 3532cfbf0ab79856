/**
 * Ablation variants: the engine with one ranking signal switched off at a
 * time, to see what each signal is worth. Add a row here when the ranking
 * gains a signal (each must be switchable through {@link RankOptions}).
 */
import type { RankOptions } from '../../src/search/rank.ts';

/** One engine variant: a name for the table and the rank options it overrides. */
export interface Ablation {
  name: string;
  rank: Partial<RankOptions>;
}

/** The variants `--ablate` runs, each against the same library. */
export const ABLATIONS: readonly Ablation[] = [
  { name: 'no title field', rank: { titleBoost: 0 } },
  { name: 'no coverage', rank: { coverageExponent: 0 } },
];
