/**
 * Stage 1 of ranking: finding and scoring candidate sentences.
 *
 * Terms are taken rarest first; the rare ones ("lead" terms) walk their
 * postings and create candidates, and once the postings walked exceed a
 * budget the remaining, common terms are only looked up for the candidates
 * already found. At a few thousand sentences every term leads; at a million,
 * a question's "year" or "first" no longer drags 100,000 sentences into the
 * candidate set. Scores accumulate in typed arrays reused from one question
 * to the next.
 *
 * A candidate's stage-1 score is BM25+ over its text plus the BM25 score of
 * its article's title (the boosted second field), times a power of its
 * *coverage*: the share of the question's words, weighted by rarity, that it
 * contains — counting the words of its article's title as present, so a
 * sentence of the "Notre Dame" article need not repeat "Notre Dame".
 */
import type { PostingList } from '../library/encodedPostings.ts';
import type { Library } from '../library/library.ts';
import type { QueryGroup } from './question.ts';
import { TopK } from './topK.ts';

/** The options stage 1 reads (part of {@link RankOptions}). */
export interface Stage1Options {
  /** Weight of the article title's BM25 score in stage 1. */
  titleBoost: number;
  /** Exponent applied to coverage in stage 1 (0 = ignore coverage). */
  coverageExponent: number;
  /** Coverage weighs each question word by its idf to this power (1: plain idf; higher: rare words count for more). */
  coverageIdfPower: number;
  /** Candidates kept after stage 1 and re-ranked in stage 2. */
  depth: number;
  /**
   * Postings walked before the remaining (common) terms only re-rank: the
   * query-time budget at scale. At a million sentences 25,000 keeps p99 under
   * 25 ms; below ~100,000 sentences nearly every term leads anyway.
   */
  maxLeadPostings: number;
  /**
   * A word of the question's frame ("mean" in "what does X mean", "used" in
   * "what is X used for") weighs this share of its idf in coverage, and so in
   * the no-answer check and the confidence.
   */
  frameWordWeight: number;
}

/**
 * What stage 1 found for one question. Valid until {@link release}, which
 * clears the scratch buffers for the next question.
 */
export interface Stage1Result {
  /** Rarity weight (idf) of each question group; unknown words weigh the most. */
  readonly groupWeights: number[];
  /** Number of candidate sentences scored. */
  readonly candidates: number;
  /** The best `depth` candidates, best first. */
  readonly top: Array<{ id: number; score: number }>;
  /** Coverage of a mask of question groups: their share of the (idf-weighted) question. */
  coverageOf(mask: number): number;
  /** The stage-1 score of a sentence. */
  score(id: number): number;
  /** Stage 1 as if the sentence also contained the question words of `extra` (a group mask), each once. */
  scoreWith(id: number, extra: number): number;
  /** The question groups a sentence matches (0 for a sentence stage 1 did not reach). */
  mask(id: number): number;
  /** The question groups an article's title matches, by article slot. */
  titleMask(slot: number): number;
  /** BM25+ of the question over a paragraph `[first, end)` as one text. */
  paragraphBm25(first: number, end: number): number;
  /** Clears what this question wrote into the scratch buffers. */
  release(): void;
}

/** A title term in more titles than this is looked up per candidate article rather than walked. */
const RARE_TITLE_POSTINGS = 2000;

/**
 * Finds and scores candidates. Holds scratch buffers sized to the library, so
 * one instance serves every question of a library (one question at a time).
 */
export class CandidateFinder {
  private scores = new Float64Array(0);
  private masks = new Uint32Array(0);
  private touched = new Int32Array(0);
  /** Title score and matched groups by article slot, for the articles whose title matches. */
  private titleScores = new Float64Array(0);
  private titleMasks = new Uint32Array(0);
  /** Per article slot: visited in this question (reset after). */
  private slotSeen = new Uint8Array(0);

  constructor(private readonly library: Library) {}

  /** Stage 1 for the question's groups (at most 31: masks are 32-bit). */
  find(groups: readonly QueryGroup[], opts: Stage1Options): Stage1Result {
    const { sentences: index, store } = this.library;
    const groupWeights = groups.map(
      (g) => Math.max(...g.terms.map((t) => index.idf(index.documentFrequency(t.term)))) * (g.frame ? opts.frameWordWeight : 1),
    );
    if (groups.length === 0 || index.documentCount === 0) return emptyResult(groupWeights);
    const coverageOf = coverageFunction(groupWeights.map((w) => w ** opts.coverageIdfPower));

    this.ensureCapacity(store.sentenceIdLimit, store.slotLimit);
    const { scores, masks, touched, titleScores, titleMasks } = this;
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

    // BM25+ and title, times coverage (title words count as present).
    const titleSlots = this.markTitles(groups, touchedCount, opts.titleBoost);
    const score = (id: number): number => {
      const slot = store.slotOf(id);
      return (scores[id]! + titleScores[slot]!) * coverageOf(masks[id]! | titleMasks[slot]!) ** opts.coverageExponent;
    };
    const groupScore = groups.map((g) => Math.max(...g.terms.map((t) => t.weight * index.idf(index.documentFrequency(t.term)))));
    const scoreWith = (id: number, extra: number): number => {
      const slot = store.slotOf(id);
      const own = masks[id]! | titleMasks[slot]!;
      const implied = extra & ~own;
      if (implied === 0) return score(id);
      let s = scores[id]! + titleScores[slot]!;
      const once = index.termWeight(1, index.length(id));
      for (let g = 0; g < groups.length; g++) if (implied & (1 << g)) s += once * groupScore[g]!;
      return s * coverageOf(own | implied) ** opts.coverageExponent;
    };
    const best = new TopK(opts.depth);
    for (let j = 0; j < touchedCount; j++) best.push(touched[j]!, score(touched[j]!));

    // A paragraph's length is compared with the average paragraph's, as BM25 compares a sentence with the average sentence.
    const lengthScale = store.paragraphCount > 0 ? store.sentenceCount / store.paragraphCount : 1;
    const paragraphBm25 = (first: number, end: number): number => {
      let length = 0;
      for (let s = first; s < end; s++) length += index.length(s);
      let total = 0;
      for (const t of terms) {
        let tf = 0;
        for (let s = first; s < end; s++) tf += t.postings!.get(s) ?? 0;
        if (tf > 0) total += t.weight * index.idf(t.postings!.size) * index.termWeight(tf, length / lengthScale);
      }
      return total;
    };

    const release = (): void => {
      // Reset only what this question touched.
      for (let j = 0; j < touchedCount; j++) {
        scores[touched[j]!] = 0;
        masks[touched[j]!] = 0;
      }
      for (const slot of titleSlots) {
        titleScores[slot] = 0;
        titleMasks[slot] = 0;
      }
    };
    return {
      groupWeights,
      candidates: touchedCount,
      top: best.sorted(),
      coverageOf,
      score,
      scoreWith,
      mask: (id) => masks[id]!,
      titleMask: (slot) => titleMasks[slot]!,
      paragraphBm25,
      release,
    };
  }

  /**
   * Writes the title BM25 (times the boost) and the matched question groups of
   * the candidates' articles into the by-slot scratch arrays; returns the
   * slots written, for the reset. A title term found in few titles walks its
   * postings; one found in many (a corpus of "Canada …" titles) is looked up
   * for each candidate article only.
   */
  private markTitles(groups: readonly QueryGroup[], touchedCount: number, boost: number): number[] {
    const { titles, store } = this.library;
    const { titleScores, titleMasks, slotSeen, touched } = this;
    const written: number[] = [];
    const mark = (slot: number, score: number, bit: number): void => {
      if (titleMasks[slot] === 0) written.push(slot);
      titleScores[slot]! += boost * score;
      titleMasks[slot]! |= bit;
    };
    const common: Array<{ postings: PostingList; weight: number; bit: number }> = [];
    groups.forEach((g, gi) => {
      for (const t of g.terms) {
        const postings = titles.postings(t.term);
        if (!postings || postings.size === 0) continue;
        if (postings.size > RARE_TITLE_POSTINGS) {
          common.push({ postings, weight: t.weight, bit: 1 << gi });
          continue;
        }
        for (const [shortId, tf] of postings) {
          const id = titles.articleIdOf(shortId);
          const article = id === undefined ? undefined : store.get(id);
          if (article) mark(article.slot, t.weight * titles.bm25(tf, postings.size, shortId), 1 << gi);
        }
      }
    });
    if (common.length > 0) {
      const seen: number[] = [];
      for (let j = 0; j < touchedCount; j++) {
        const slot = store.slotOf(touched[j]!);
        if (slotSeen[slot]) continue;
        slotSeen[slot] = 1;
        seen.push(slot);
        const shortId = titles.shortIdOf(store.atSlot(slot)!.id);
        if (shortId === undefined) continue;
        for (const c of common) {
          const tf = c.postings.get(shortId);
          if (tf !== undefined) mark(slot, c.weight * titles.bm25(tf, c.postings.size, shortId), c.bit);
        }
      }
      for (const slot of seen) slotSeen[slot] = 0;
    }
    return written;
  }

  private ensureCapacity(sentences: number, slots: number): void {
    if (this.scores.length < sentences) {
      const size = Math.max(sentences, this.scores.length * 2, 1024);
      this.scores = new Float64Array(size);
      this.masks = new Uint32Array(size);
      this.touched = new Int32Array(size);
    }
    if (this.titleScores.length < slots) {
      const size = Math.max(slots, this.titleScores.length * 2, 256);
      this.titleScores = new Float64Array(size);
      this.titleMasks = new Uint32Array(size);
      this.slotSeen = new Uint8Array(size);
    }
  }
}

/** The result of a question that cannot match anything. */
function emptyResult(groupWeights: number[]): Stage1Result {
  const zero = (): number => 0;
  return {
    groupWeights,
    candidates: 0,
    top: [],
    coverageOf: zero,
    score: zero,
    scoreWith: zero,
    mask: zero,
    titleMask: zero,
    paragraphBm25: zero,
    release: () => {},
  };
}

/** Coverage of a group mask: the matched groups' share of the total weight, memoised per mask. */
function coverageFunction(groupWeights: readonly number[]): (mask: number) => number {
  const total = groupWeights.reduce((a, b) => a + b, 0);
  const memo = new Map<number, number>();
  return (mask) => {
    let c = memo.get(mask);
    if (c === undefined) {
      let covered = 0;
      for (let g = 0; g < groupWeights.length; g++) if (mask & (1 << g)) covered += groupWeights[g]!;
      c = total > 0 ? covered / total : 0;
      memo.set(mask, c);
    }
    return c;
  };
}
