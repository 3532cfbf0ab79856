/**
 * Ranking: from an analyzed question to the best sentences, best first.
 *
 * **Stage 1** (stage1.ts) finds candidates through the rarest question terms
 * and scores them by BM25+ and title, times coverage. **Stage 2** (stage2.ts)
 * re-ranks the best of them, and their neighbours, by `log(1 + stage1)` plus
 * the weighted signals of one table (signalTable.ts). Every weight can be set
 * to 0 to switch its signal off, which is how `npm run bench:quality --
 * --ablate` measures what each is worth.
 */
import type { Library } from '../library/library.ts';
import type { ParsedQuestion } from './question.ts';
import { DEFAULT_WEIGHTS, type SignalWeights } from './signalTable.ts';
import { CandidateFinder, type Stage1Options } from './stage1.ts';
import { rerank, type RankedSentence, type Stage2Options } from './stage2.ts';

/** Options of {@link SentenceRanker.rank}; defaults in {@link DEFAULT_RANK_OPTIONS}. */
export type RankOptions = Stage1Options & Stage2Options;

/** Rank options as callers give them: any subset, weights too. */
export type RankSettings = Partial<Omit<RankOptions, 'weights'>> & { weights?: Partial<SignalWeights> };

/** Defaults; the weights are the signal table's (see README, "Answer quality"). */
export const DEFAULT_RANK_OPTIONS: Readonly<RankOptions> = {
  titleBoost: 0.4,
  coverageExponent: 1.5,
  coverageIdfPower: 1,
  depth: 30,
  maxLeadPostings: 25_000,
  frameWordWeight: 0.5,
  neighbours: true,
  tokenDepth: 30,
  weights: DEFAULT_WEIGHTS,
  explain: false,
};

/** The full options: defaults overridden by `settings`. */
export function rankOptions(settings: RankSettings = {}): RankOptions {
  return { ...DEFAULT_RANK_OPTIONS, ...settings, weights: { ...DEFAULT_WEIGHTS, ...settings.weights } };
}

/** Outcome of ranking one question. */
export interface Ranking {
  results: RankedSentence[];
  /** Number of candidate sentences scored in stage 1. */
  candidates: number;
  /** Rarity weight (idf) of each question group; unknown words weigh the most. */
  groupWeights: number[];
}

/** Groups beyond this many (the question's first ones kept) are ignored: masks are 32-bit. */
const MAX_GROUPS = 31;

/**
 * Ranks sentences of one library. Holds scratch buffers sized to the library,
 * so reuse one ranker per library rather than creating one per question.
 */
export class SentenceRanker {
  private readonly finder: CandidateFinder;

  constructor(private readonly library: Library) {
    this.finder = new CandidateFinder(library);
  }

  rank(question: ParsedQuestion, settings: RankSettings = {}): Ranking {
    const opts = rankOptions(settings);
    const s1 = this.finder.find(question.groups.slice(0, MAX_GROUPS), opts);
    try {
      const results = s1.top.length === 0 ? [] : rerank(this.library, question, s1, opts);
      return { results, candidates: s1.candidates, groupWeights: s1.groupWeights };
    } finally {
      s1.release();
    }
  }
}
