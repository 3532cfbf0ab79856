/**
 * Ablation variants: the engine with one ranking signal (or one ablation
 * group of signals) switched off at a time, to see what each is worth. The
 * stage-2 variants come from the signal table (src/search/signalTable.ts);
 * the structural and analysis variants are listed here.
 */
import type { LibraryOptions } from '../../src/library/library.ts';
import type { RankSettings } from '../../src/search/rank.ts';
import { SIGNALS, signalAblations, type SignalName, type SignalWeights } from '../../src/search/signalTable.ts';

/** One engine variant: a name for the table and the options it overrides. */
export interface Ablation {
  name: string;
  rank?: RankSettings;
  /** Analysis options: the variant gets a library of its own, built with them. */
  library?: LibraryOptions;
}

/** Weights that switch the named signals off. */
function off(names: readonly SignalName[]): Partial<SignalWeights> {
  const weights: Partial<SignalWeights> = {};
  for (const n of names) weights[n] = 0;
  return weights;
}

/** The variants `--ablate` runs, each against the default library unless it sets `library`. */
export const ABLATIONS: readonly Ablation[] = [
  {
    name: 'stage 1 only (no stage-2 signals)',
    rank: { weights: off(SIGNALS.map((s) => s.name)), neighbours: false },
  },
  { name: 'no title field', rank: { titleBoost: 0 } },
  { name: 'no stage-1 coverage', rank: { coverageExponent: 0 } },
  { name: 'no neighbour candidates', rank: { neighbours: false } },
  ...signalAblations().map(({ ablation, signals }) => ({ name: `no ${ablation}`, rank: { weights: off(signals) } })),
  { name: 'no irregular base forms ("wrote" → "write")', library: { baseForms: new Map() } },
];
