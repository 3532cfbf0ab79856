/**
 * Ablation variants: the engine with one ranking signal switched off at a
 * time, to see what each signal is worth. Add a row here when the ranking
 * gains a signal (each must be switchable through {@link RankOptions}, or
 * through {@link LibraryOptions} for a change in analysis).
 */
import type { LibraryOptions } from '../../src/library/library.ts';
import type { RankOptions } from '../../src/search/rank.ts';

/** One engine variant: a name for the table and the options it overrides. */
export interface Ablation {
  name: string;
  rank?: Partial<RankOptions>;
  /** Analysis options: the variant gets a library of its own, built with them. */
  library?: LibraryOptions;
}

/** The variants `--ablate` runs, each against the default library unless it sets `library`. */
export const ABLATIONS: readonly Ablation[] = [
  {
    name: 'stage 1 only (no stage-2 signals)',
    rank: {
      coverageWeight: 0,
      contextWeight: 0,
      paragraphWeight: 0,
      paragraphBm25Weight: 0,
      articleWeight: 0,
      anaphoraGainWeight: 0,
      phraseWeight: 0,
      orderWeight: 0,
      exactWeight: 0,
      answerTypeWeight: 0,
      quantityTypeWeight: 0,
      nameTypeWeight: 0,
      newNameWeight: 0,
      lengthWeight: 0,
      neighbours: false,
    },
  },
  { name: 'no title field', rank: { titleBoost: 0 } },
  { name: 'no stage-1 coverage', rank: { coverageExponent: 0 } },
  { name: 'no neighbour candidates', rank: { neighbours: false } },
  { name: 'no coverage signal', rank: { coverageWeight: 0 } },
  { name: "no context (neighbours' words)", rank: { contextWeight: 0 } },
  { name: 'no paragraph coverage', rank: { paragraphWeight: 0 } },
  { name: 'no paragraph BM25', rank: { paragraphBm25Weight: 0 } },
  { name: 'no article coverage', rank: { articleWeight: 0 } },
  { name: 'no anaphora ("It…", "This…")', rank: { anaphoraGainWeight: 0 } },
  { name: 'no phrase matches', rank: { phraseWeight: 0 } },
  { name: 'no word order', rank: { orderWeight: 0 } },
  { name: 'no exact word forms', rank: { exactWeight: 0 } },
  {
    name: 'no answer types (date, number, name)',
    rank: { answerTypeWeight: 0, quantityTypeWeight: 0, nameTypeWeight: 0, newNameWeight: 0 },
  },
  { name: 'no length', rank: { lengthWeight: 0 } },
  { name: 'no irregular base forms ("wrote" → "write")', library: { baseForms: new Map() } },
];
