/**
 * Ranking: from an analyzed question to the best sentences, best first.
 *
 * **Stage 1** finds and scores candidates. Terms are taken rarest first; the
 * rare ones ("lead" terms) walk their postings and create candidates, and once
 * the postings walked exceed a budget the remaining, common terms are only
 * looked up for the candidates already found. At a few thousand sentences
 * every term leads; at a million, a question's "year" or "first" no longer
 * drags 100,000 sentences into the candidate set. Scores accumulate in typed
 * arrays reused from one question to the next. A candidate's stage-1 score is
 * BM25+ over its text plus the BM25 score of its article's title (the boosted
 * second field), times a power of its *coverage*: the share of the question's
 * words, weighted by rarity, that it contains — counting the words of its
 * article's title as present, so a sentence of the "Notre Dame" article need
 * not repeat "Notre Dame".
 *
 * **Stage 2** re-ranks the best stage-1 candidates, and their neighbours, with
 * evidence beyond the sentence's own words. Each signal is a number
 * ({@link Signals}); the final score is `log(1 + stage1)` plus a weighted sum
 * of them ({@link combineSignals}). Every weight can be set to 0 to switch its
 * signal off, which is how `npm run bench:quality -- --ablate` measures what
 * each is worth.
 */
import type { Library } from '../library/library.ts';
import type { ParsedQuestion, QueryGroup, QuestionKind } from './question.ts';
import { answerTypeMatch, exactShare, hasNewName, orderScore, phraseScore, sentenceTerms } from './signals.ts';
import { TopK } from './topK.ts';

/** Options of {@link SentenceRanker.rank}; defaults in {@link DEFAULT_RANK_OPTIONS}. */
export interface RankOptions {
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
  /** Add the neighbours of the stage-1 candidates as candidates: an answer often follows the sentence naming its subject. */
  neighbours: boolean;
  /** Of the stage-2 candidates, how many (best first) also get the token signals (phrase, answer type). */
  tokenDepth: number;
  /** Weight of {@link Signals.coverage}. */
  coverageWeight: number;
  /** Weight of {@link Signals.contextGain}. */
  contextWeight: number;
  /** Weight of {@link Signals.paragraphGain}. */
  paragraphWeight: number;
  /** Weight of `log(1 + ` {@link Signals.paragraphBm25} `)`. */
  paragraphBm25Weight: number;
  /** Weight of {@link Signals.articleCoverage}. */
  articleWeight: number;
  /** Weight of {@link Signals.anaphoraGain}. */
  anaphoraGainWeight: number;
  /** Weight of {@link Signals.phrase}. */
  phraseWeight: number;
  /** Weight of {@link Signals.answerType} for "when" questions (a date or year in the sentence). */
  answerTypeWeight: number;
  /** Weight of {@link Signals.answerType} for "how many / how much" questions (a number). */
  quantityTypeWeight: number;
  /** Weight of {@link Signals.answerType} for "who" and "where" questions (a capitalised name). */
  nameTypeWeight: number;
  /** Weight of `log(1 + length)`. */
  lengthWeight: number;
  /** Weight of {@link Signals.order}. */
  orderWeight: number;
  /** Weight of {@link Signals.exact}. */
  exactWeight: number;
  /** Weight of {@link Signals.newName}. */
  newNameWeight: number;
  /** Attach each result's {@link Signals} (for tuning and debugging); token signals then reach all candidates. */
  explain: boolean;
}

/**
 * Defaults. The stage-2 weights were tuned by coordinate ascent on hit@1 of
 * one half of the articles of the development benchmark and checked on the
 * other half (see README, "Answer quality").
 */
export const DEFAULT_RANK_OPTIONS: Readonly<RankOptions> = {
  titleBoost: 0.4,
  coverageExponent: 1.5,
  coverageIdfPower: 1,
  depth: 30,
  maxLeadPostings: 25_000,
  neighbours: true,
  tokenDepth: 30,
  coverageWeight: 2.2,
  contextWeight: 1.1,
  paragraphWeight: 0.6,
  paragraphBm25Weight: 0.6,
  articleWeight: 2.2,
  anaphoraGainWeight: 0.8,
  phraseWeight: 0.5,
  answerTypeWeight: 1,
  quantityTypeWeight: 1.6,
  nameTypeWeight: 0.3,
  lengthWeight: -0.1,
  orderWeight: 0.3,
  exactWeight: 0.8,
  newNameWeight: 0.3,
  explain: false,
};

/** The evidence for one candidate sentence; all signals are ≥ 0. */
export interface Signals {
  /** Stage-1 score: BM25+ and title, times coverage. */
  stage1: number;
  /** Share (0–1) of the question's rarity-weighted words in the sentence (title words count as present). */
  coverage: number;
  /** What the neighbouring sentences add to coverage. */
  contextGain: number;
  /** What the rest of the sentence's paragraph adds to coverage. */
  paragraphGain: number;
  /** BM25+ of the question over the whole paragraph as one text (term frequencies summed over its sentences). */
  paragraphBm25: number;
  /** Share of the question's words found anywhere in the article (as far as the candidates show) or its title. */
  articleCoverage: number;
  /** 1 when the sentence opens by pointing back ("It", "These", "The latter"), else 0. */
  refersBack: number;
  /**
   * For a sentence that refers back: how much its stage-1 score grows (in log
   * terms) when the question words of the sentence before it count as its own
   * ("This mural is known as…" after the sentence naming the mural). 0 otherwise.
   */
  anaphoraGain: number;
  /** Share of the question's adjacent word pairs found side by side (token signal). */
  phrase: number;
  /** 1 when the sentence holds the kind of answer asked for: a date for "when", a number for "how many"… (token signal). */
  answerType: number;
  /** The kind of answer the question asks for. */
  kind: QuestionKind;
  /** Sentence length in distinct terms. */
  length: number;
  /** Share of the question's words that the sentence has in the question's order, 0–1 (token signal). */
  order: number;
  /** Share of the question's words found in the very form the question used, 0–1 (token signal). */
  exact: number;
  /** 1 for a "who" question when the sentence holds a multi-word name the question lacks (token signal). */
  newName: number;
}

/** The stage-2 score: `log(1 + stage1)` plus the weighted signals. */
export function combineSignals(s: Signals, o: RankOptions): number {
  return (
    Math.log1p(s.stage1) +
    o.coverageWeight * s.coverage +
    o.contextWeight * s.contextGain +
    o.paragraphWeight * s.paragraphGain +
    o.paragraphBm25Weight * Math.log1p(s.paragraphBm25) +
    o.articleWeight * s.articleCoverage +
    o.anaphoraGainWeight * s.anaphoraGain +
    o.phraseWeight * s.phrase +
    s.answerType * (s.kind === 'time' ? o.answerTypeWeight : s.kind === 'quantity' ? o.quantityTypeWeight : o.nameTypeWeight) +
    o.lengthWeight * Math.log1p(s.length) +
    o.orderWeight * s.order +
    o.exactWeight * s.exact +
    o.newNameWeight * s.newName
  );
}

/** A ranked sentence. */
export interface RankedSentence {
  id: number;
  score: number;
  /** Share (0–1) of the question's rarity-weighted words that the sentence contains (title words count). */
  coverage: number;
  /** The same share over the sentence and its neighbours. */
  contextCoverage: number;
  /** The same share over the sentence's paragraph. */
  paragraphCoverage: number;
  /** The same share over the sentence's whole article and its title. */
  articleCoverage: number;
  /** With `explain`: every signal. */
  signals?: Signals;
}

/** Outcome of ranking one question. */
export interface Ranking {
  results: RankedSentence[];
  /** Number of candidate sentences scored in stage 1. */
  candidates: number;
  /** Rarity weight (idf) of each question group; unknown words weigh the most. */
  groupWeights: number[];
}

/** A title term in more titles than this is looked up per candidate article rather than walked. */
const RARE_TITLE_POSTINGS = 2000;

/** Groups beyond this many (rarest kept) are ignored: masks are 32-bit. */
const MAX_GROUPS = 31;

/** A sentence that opens by pointing back at the one before it: "It", "These factors", "The latter", "However". */
const REFERS_BACK =
  /^["“‘']?(?:it|its|he|she|his|her|they|their|them|this|that|these|those|there|such|the latter|the former|the same|the purpose|the reason|however|but|also|in addition|meanwhile|then|thus|therefore|as a result)\b/i;

/**
 * Ranks sentences of one library. Holds scratch buffers sized to the library,
 * so reuse one ranker per library rather than creating one per question.
 */
export class SentenceRanker {
  private scores = new Float64Array(0);
  private masks = new Uint32Array(0);
  private touched = new Int32Array(0);
  /** Title score and matched groups by article slot, for the articles whose title matches. */
  private titleScores = new Float64Array(0);
  private titleMasks = new Uint32Array(0);
  /** Per article slot: visited in this question (reset after). */
  private slotSeen = new Uint8Array(0);

  constructor(private readonly library: Library) {}

  rank(question: ParsedQuestion, options: Partial<RankOptions> = {}): Ranking {
    const opts = { ...DEFAULT_RANK_OPTIONS, ...options };
    const { sentences: index, store } = this.library;
    const groups = question.groups.slice(0, MAX_GROUPS);
    const groupWeights = groups.map((g) => Math.max(...g.terms.map((t) => index.idf(index.documentFrequency(t.term)))));
    if (groups.length === 0 || index.documentCount === 0) return { results: [], candidates: 0, groupWeights };
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

    // Stage 1: BM25+ and title, times coverage (title words count as present).
    const titleSlots = this.markTitles(groups, touchedCount, opts.titleBoost);
    const stage1 = (id: number): number => {
      const slot = store.slotOf(id);
      return (scores[id]! + titleScores[slot]!) * coverageOf(masks[id]! | titleMasks[slot]!) ** opts.coverageExponent;
    };
    /** Stage 1 as if the sentence also contained the question words of `extra` (a group mask), each once. */
    const groupScore = groups.map((g) => Math.max(...g.terms.map((t) => t.weight * index.idf(index.documentFrequency(t.term)))));
    const stage1With = (id: number, extra: number): number => {
      const slot = store.slotOf(id);
      const own = masks[id]! | titleMasks[slot]!;
      const implied = extra & ~own;
      if (implied === 0) return stage1(id);
      let score = scores[id]! + titleScores[slot]!;
      const once = index.termWeight(1, index.length(id));
      for (let g = 0; g < groups.length; g++) if (implied & (1 << g)) score += once * groupScore[g]!;
      return score * coverageOf(own | implied) ** opts.coverageExponent;
    };
    const top = new TopK(opts.depth);
    for (let j = 0; j < touchedCount; j++) top.push(touched[j]!, stage1(touched[j]!));

    /** BM25+ of the question over a paragraph `[first, end)` as one text. */
    // A paragraph's length is compared with the average paragraph's, as BM25 compares a sentence with the average sentence.
    const lengthScale = store.paragraphCount > 0 ? store.sentenceCount / store.paragraphCount : 1;
    const paragraphBm25 = (first: number, end: number): number => {
      let length = 0;
      for (let s = first; s < end; s++) length += index.length(s);
      let score = 0;
      for (const t of terms) {
        let tf = 0;
        for (let s = first; s < end; s++) tf += t.postings!.get(s) ?? 0;
        if (tf > 0) score += t.weight * index.idf(t.postings!.size) * index.termWeight(tf, length / lengthScale);
      }
      return score;
    };
    const results = this.rerank(question, top.sorted(), stage1, stage1With, paragraphBm25, groupWeights, coverageOf, opts);

    // Reset only what this question touched.
    for (let j = 0; j < touchedCount; j++) {
      scores[touched[j]!] = 0;
      masks[touched[j]!] = 0;
    }
    for (const slot of titleSlots) {
      titleScores[slot] = 0;
      titleMasks[slot] = 0;
    }
    return { results, candidates: touchedCount, groupWeights };
  }

  /** Stage 2: signals beyond the sentence for the stage-1 candidates and their neighbours. */
  private rerank(
    question: ParsedQuestion,
    top: Array<{ id: number; score: number }>,
    stage1: (id: number) => number,
    stage1With: (id: number, extra: number) => number,
    paragraphBm25: (first: number, end: number) => number,
    groupWeights: number[],
    coverageOf: (mask: number) => number,
    opts: RankOptions,
  ): RankedSentence[] {
    const paragraphScores = new Map<number, number>();
    const { store, analyzer } = this.library;
    const { masks, titleMasks } = this;
    const articleMasks = new Map<number, number>();

    const ids = new Set(top.map((c) => c.id));
    if (opts.neighbours) {
      for (const { id } of top) {
        const a = store.articleOf(id);
        if (id > a.firstSentence) ids.add(id - 1);
        if (id + 1 < a.firstSentence + a.sentenceCount) ids.add(id + 1);
      }
    }

    const ranked: Array<RankedSentence & { signals: Signals }> = [...ids].map((id) => {
      const slot = store.slotOf(id);
      const article = store.atSlot(slot)!;
      const title = titleMasks[slot]!;
      const first = id === article.firstSentence;
      const last = id + 1 === article.firstSentence + article.sentenceCount;
      const own = masks[id]! | title;
      const context = own | (first ? 0 : masks[id - 1]!) | (last ? 0 : masks[id + 1]!);
      let articleMask = articleMasks.get(slot);
      if (articleMask === undefined) {
        // Sentences without any lead term have mask 0, so this is the article's coverage as far as the candidates show it.
        articleMask = title;
        for (let s = article.firstSentence; s < article.firstSentence + article.sentenceCount; s++) articleMask |= masks[s]!;
        articleMasks.set(slot, articleMask);
      }
      const [pFirst, pEnd] = store.paragraphOf(id);
      let paragraphMask = own;
      for (let s = pFirst; s < pEnd; s++) paragraphMask |= masks[s]!;
      const coverage = coverageOf(own);
      const contextCoverage = coverageOf(context);
      const paragraphCoverage = coverageOf(paragraphMask);
      const articleCoverage = coverageOf(articleMask);
      const signals: Signals = {
        stage1: stage1(id),
        coverage,
        contextGain: contextCoverage - coverage,
        paragraphGain: paragraphCoverage - coverage,
        paragraphBm25:
          opts.paragraphBm25Weight === 0 && !opts.explain ? 0 : memo(paragraphScores, pFirst, () => paragraphBm25(pFirst, pEnd)),
        articleCoverage,
        refersBack: 0,
        anaphoraGain: 0,
        phrase: 0,
        answerType: 0,
        kind: question.kind,
        length: this.library.sentences.length(id),
        order: 0,
        exact: 0,
        newName: 0,
      };
      if (!first && REFERS_BACK.test(store.text(id))) {
        signals.refersBack = 1;
        signals.anaphoraGain = Math.log1p(stage1With(id, masks[id - 1]!)) - Math.log1p(signals.stage1);
      }
      return { id, score: combineSignals(signals, opts), coverage, contextCoverage, paragraphCoverage, articleCoverage, signals };
    });
    ranked.sort(byScore);

    // Token signals (phrases, answer type) for the best few: they need the sentence's tokens.
    const tokenSignals = [
      opts.phraseWeight,
      opts.answerTypeWeight,
      opts.quantityTypeWeight,
      opts.nameTypeWeight,
      opts.orderWeight,
      opts.exactWeight,
      opts.newNameWeight,
    ].some((w) => w !== 0);
    const tokenDepth = opts.explain ? ranked.length : tokenSignals ? opts.tokenDepth : 0;
    if (tokenDepth > 0) {
      const termGroup = new Map<string, number>();
      question.groups.forEach((g, gi) => g.terms.forEach((t) => termGroup.set(t.term, gi)));
      const questionWords = new Set(question.groups.map((g) => g.word));
      for (const r of ranked.slice(0, tokenDepth)) {
        const text = store.text(r.id);
        const terms = sentenceTerms(analyzer.tokens(text), termGroup);
        r.signals.phrase = phraseScore(terms, groupWeights);
        r.signals.answerType = answerTypeMatch(question.kind, terms, text, questionWords) ? 1 : 0;
        r.signals.order = orderScore(terms, groupWeights);
        r.signals.exact = exactShare(terms, questionWords);
        r.signals.newName = question.kind === 'person' && hasNewName(terms, text, questionWords) ? 1 : 0;
        r.score = combineSignals(r.signals, opts);
      }
      const head = ranked.slice(0, tokenDepth).sort(byScore);
      ranked.splice(0, tokenDepth, ...head);
    }
    if (!opts.explain) for (const r of ranked) delete (r as RankedSentence).signals;
    return ranked;
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
    const common: Array<{ postings: ReadonlyMap<number, number>; weight: number; bit: number }> = [];
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

function memo<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

const byScore = (a: RankedSentence, b: RankedSentence): number => b.score - a.score || a.id - b.id;

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
