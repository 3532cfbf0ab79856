/**
 * Ranking: from an analysed question to the best sentences, best first.
 *
 * Stage 1 finds candidates. Terms are taken rarest first; the rare ones
 * ("lead" terms) walk their postings and create candidates, and once the
 * postings walked exceed a budget the remaining, common terms are only looked
 * up for the candidates already found. At a few thousand sentences every term
 * leads; at a million, a question's "year" or "first" no longer drags 100,000
 * sentences into the candidate set. Scores accumulate in typed arrays reused
 * from one question to the next.
 *
 * A candidate's stage-1 score is BM25+ over its text, plus the BM25 score of
 * its article's title (the boosted second field), times a power of its
 * coverage: the share of the question's words (weighted by rarity) it
 * contains, so a sentence matching more of the question's distinct words
 * comes first.
 */
import type { Library } from '../index/library.ts';
import type { ParsedQuestion } from './question.ts';
import { TopK } from './topK.ts';

/** Options of {@link SentenceRanker.rank}; defaults in {@link DEFAULT_RANK_OPTIONS}. */
export interface RankOptions {
  /** Weight of the article title's BM25 score. */
  titleBoost: number;
  /** Exponent applied to coverage (0 = ignore coverage). */
  coverageExponent: number;
  /** Number of candidates kept after stage 1. */
  depth: number;
  /** Postings walked before the remaining (common) terms only re-rank. */
  maxLeadPostings: number;
}

export const DEFAULT_RANK_OPTIONS: Readonly<RankOptions> = {
  titleBoost: 0.4,
  coverageExponent: 1.5,
  depth: 100,
  maxLeadPostings: 200_000,
};

/** A ranked sentence. */
export interface RankedSentence {
  id: number;
  score: number;
  /** Share (0–1) of the question's rarity-weighted words that the sentence contains. */
  coverage: number;
  /** Bit `g` is set when the sentence contains a term of question group `g`. */
  groups: number;
}

/** Outcome of ranking one question. */
export interface Ranking {
  results: RankedSentence[];
  /** Number of candidate sentences scored. */
  candidates: number;
  /** Rarity weight (idf) of each question group; unknown words weigh the most. */
  groupWeights: number[];
}

/** Groups beyond this many (rarest kept) are ignored: masks are 32-bit. */
const MAX_GROUPS = 31;

/**
 * Ranks sentences of one library. Holds scratch buffers sized to the library,
 * so reuse one ranker per library rather than creating one per question.
 */
export class SentenceRanker {
  private scores = new Float64Array(0);
  private masks = new Uint32Array(0);
  private touched = new Int32Array(0);

  constructor(private readonly library: Library) {}

  rank(question: ParsedQuestion, options: Partial<RankOptions> = {}): Ranking {
    const opts = { ...DEFAULT_RANK_OPTIONS, ...options };
    const { sentences: index, store } = this.library;
    const groups = question.groups.slice(0, MAX_GROUPS);
    const groupWeights = groups.map((g) => Math.max(...g.terms.map((t) => index.idf(index.documentFrequency(t.term)))));
    const totalWeight = groupWeights.reduce((a, b) => a + b, 0);
    if (groups.length === 0 || index.documentCount === 0) return { results: [], candidates: 0, groupWeights };

    this.ensureCapacity(store.sentenceIdLimit);
    const { scores, masks, touched } = this;
    let touchedCount = 0;

    // Rarest terms first; they create candidates until the posting budget is spent.
    const terms = groups
      .flatMap((g, gi) => g.terms.map((t) => ({ ...t, gi, postings: index.postings(t.term) })))
      .filter((t) => t.postings && t.postings.size > 0)
      .sort((a, b) => a.postings!.size - b.postings!.size);
    let walked = 0;
    let lead = 0;
    for (; lead < terms.length; lead++) {
      const t = terms[lead]!;
      if (lead > 0 && walked + t.postings!.size > opts.maxLeadPostings) break;
      walked += t.postings!.size;
      const w = t.weight * index.idf(t.postings!.size);
      const bit = 1 << t.gi;
      for (const [id, tf] of t.postings!) {
        if (!store.isLive(id)) continue;
        if (masks[id] === 0) touched[touchedCount++] = id;
        scores[id]! += w * index.termWeight(tf, index.length(id));
        masks[id]! |= bit;
      }
    }
    // Common terms only add to candidates that the rare ones found.
    for (let i = lead; i < terms.length; i++) {
      const t = terms[i]!;
      const w = t.weight * index.idf(t.postings!.size);
      const bit = 1 << t.gi;
      for (let j = 0; j < touchedCount; j++) {
        const id = touched[j]!;
        const tf = t.postings!.get(id);
        if (tf === undefined) continue;
        scores[id]! += w * index.termWeight(tf, index.length(id));
        masks[id]! |= bit;
      }
    }

    const titleScores = this.titleScores(question, opts.titleBoost);
    const coverageOf = new Map<number, number>();
    const top = new TopK(opts.depth);
    for (let j = 0; j < touchedCount; j++) {
      const id = touched[j]!;
      const mask = masks[id]!;
      let coverage = coverageOf.get(mask);
      if (coverage === undefined) {
        let covered = 0;
        for (let g = 0; g < groups.length; g++) if (mask & (1 << g)) covered += groupWeights[g]!;
        coverage = totalWeight > 0 ? covered / totalWeight : 0;
        coverageOf.set(mask, coverage);
      }
      const title = titleScores.get(store.slotOf(id)) ?? 0;
      top.push(id, (scores[id]! + title) * coverage ** opts.coverageExponent);
    }

    const results: RankedSentence[] = top.sorted().map(({ id, score }) => ({
      id,
      score,
      coverage: coverageOf.get(masks[id]!)!,
      groups: masks[id]!,
    }));
    // Reset only what this question touched.
    for (let j = 0; j < touchedCount; j++) {
      const id = touched[j]!;
      scores[id] = 0;
      masks[id] = 0;
    }
    return { results, candidates: touchedCount, groupWeights };
  }

  /** Title BM25 by article slot, already multiplied by the boost. */
  private titleScores(question: ParsedQuestion, boost: number): Map<number, number> {
    const bySlot = new Map<number, number>();
    if (boost === 0) return bySlot;
    const byId = this.library.titles.score(question.terms.map((t) => t.term));
    for (const [id, score] of byId) {
      const article = this.library.store.get(id);
      if (article) bySlot.set(article.slot, boost * score);
    }
    return bySlot;
  }

  private ensureCapacity(n: number): void {
    if (this.scores.length >= n) return;
    const size = Math.max(n, this.scores.length * 2, 1024);
    this.scores = new Float64Array(size);
    this.masks = new Uint32Array(size);
    this.touched = new Int32Array(size);
  }
}
