/**
 * Stage 2 of ranking: re-ranks the best stage-1 candidates, and their
 * neighbours, with the signals of {@link SIGNALS}: evidence beyond the
 * sentence's own words (its neighbours, paragraph and article) and, for the
 * best few, cues read from its tokens (phrases, answer types, word order).
 */
import type { PostingList } from '../library/encodedPostings.ts';
import type { Library } from '../library/library.ts';
import type { ParsedQuestion } from './question.ts';
import {
  CANDIDATE_SIGNALS,
  combineSignals,
  contributions,
  TOKEN_SIGNALS,
  zeroValues,
  type CandidateFacts,
  type SignalName,
  type SignalValues,
  type SignalWeights,
  type TokenFacts,
} from './signalTable.ts';
import { associationsOf } from './associations.ts';
import { sentenceTerms } from './signals.ts';
import type { Stage1Result } from './stage1.ts';

/** The options stage 2 reads (part of {@link RankOptions}). */
export interface Stage2Options {
  /** Add the neighbours of the stage-1 candidates as candidates: an answer often follows the sentence naming its subject. */
  neighbours: boolean;
  /** Of the stage-2 candidates, how many (best first) also get the token signals (phrase, answer type…). */
  tokenDepth: number;
  /** The weight of each stage-2 signal (see {@link SIGNALS}); 0 switches a signal off. */
  weights: Readonly<SignalWeights>;
  /** Attach each result's {@link Explanation} (for tuning and debugging); token signals then reach all candidates. */
  explain: boolean;
}

/** Why a sentence scored what it did (with `explain`). */
export interface Explanation {
  /** The stage-1 score; the final score starts from `log(1 + stage1)`. */
  stage1: number;
  /** Each signal's value. */
  signals: SignalValues;
  /** What each signal added to the score: weight × scaled value. */
  contributions: SignalValues;
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
  /** With `explain`: every signal and what it added. */
  explanation?: Explanation;
}

/** A sentence that opens by pointing back at the one before it: "It", "These factors", "The latter", "However". */
const REFERS_BACK =
  /^["“‘']?(?:it|its|he|she|his|her|they|their|them|this|that|these|those|there|such|the latter|the former|the same|the purpose|the reason|however|but|also|in addition|meanwhile|then|thus|therefore|as a result)\b/i;

interface Scored extends RankedSentence {
  stage1: number;
  values: SignalValues;
}

/** Stage 2: the stage-1 candidates (and their neighbours) with every signal, best first. */
export function rerank(library: Library, question: ParsedQuestion, s1: Stage1Result, opts: Stage2Options): RankedSentence[] {
  const { store, analyzer } = library;
  const { weights, explain } = opts;
  const wanted = (name: SignalName): boolean => explain || weights[name] !== 0;
  const paragraphScores = new Map<number, number>();
  const articleMasks = new Map<number, number>();

  const ids = new Set(s1.top.map((c) => c.id));
  if (opts.neighbours) {
    for (const { id } of s1.top) {
      const a = store.articleOf(id);
      if (id > a.firstSentence) ids.add(id - 1);
      if (id + 1 < a.firstSentence + a.sentenceCount) ids.add(id + 1);
    }
  }

  const candidateSignals = CANDIDATE_SIGNALS.filter((s) => wanted(s.name));
  const associated = wanted('associated') ? associationScorer(library, question, s1.groupWeights) : () => 0;

  const ranked: Scored[] = [...ids].map((id) => {
    const slot = store.slotOf(id);
    const article = store.atSlot(slot)!;
    const title = s1.titleMask(slot);
    const first = id === article.firstSentence;
    const last = id + 1 === article.firstSentence + article.sentenceCount;
    const own = s1.mask(id) | title;
    const context = own | (first ? 0 : s1.mask(id - 1)) | (last ? 0 : s1.mask(id + 1));
    let articleMask = articleMasks.get(slot);
    if (articleMask === undefined) {
      // Sentences without any lead term have mask 0, so this is the article's coverage as far as the candidates show it.
      articleMask = title;
      for (let s = article.firstSentence; s < article.firstSentence + article.sentenceCount; s++) articleMask |= s1.mask(s);
      articleMasks.set(slot, articleMask);
    }
    const [pFirst, pEnd] = store.paragraphOf(id);
    let paragraphMask = own;
    for (let s = pFirst; s < pEnd; s++) paragraphMask |= s1.mask(s);
    const stage1 = s1.score(id);
    const facts: CandidateFacts = {
      stage1,
      coverage: s1.coverageOf(own),
      contextCoverage: s1.coverageOf(context),
      paragraphCoverage: s1.coverageOf(paragraphMask),
      articleCoverage: s1.coverageOf(articleMask),
      titleCoverage: s1.coverageOf(title),
      length: library.sentences.length(id),
      novelty: Math.max(0, library.sentences.length(id) - bitCount(s1.mask(id))),
      paragraphBm25: () => memo(paragraphScores, pFirst, () => s1.paragraphBm25(pFirst, pEnd)),
      associated: () => associated(id, own),
      anaphoraGain: () =>
        !first && REFERS_BACK.test(store.text(id)) ? Math.log1p(s1.scoreWith(id, s1.mask(id - 1))) - Math.log1p(stage1) : 0,
    };
    const values = zeroValues();
    for (const s of candidateSignals) values[s.name] = s.compute(facts);
    return {
      id,
      score: combineSignals(stage1, values, weights),
      coverage: facts.coverage,
      contextCoverage: facts.contextCoverage,
      paragraphCoverage: facts.paragraphCoverage,
      articleCoverage: facts.articleCoverage,
      stage1,
      values,
    };
  });
  ranked.sort(byScore);

  // Token signals for the best few: they need the sentence's tokens.
  const tokenSignals = TOKEN_SIGNALS.filter((s) => wanted(s.name));
  const tokenDepth = explain ? ranked.length : tokenSignals.length > 0 ? opts.tokenDepth : 0;
  if (tokenDepth > 0) {
    const termGroup = new Map<string, number>();
    question.groups.forEach((g, gi) => g.terms.forEach((t) => termGroup.set(t.term, gi)));
    const questionWords = new Set(question.groups.map((g) => g.word));
    for (const r of ranked.slice(0, tokenDepth)) {
      const text = store.text(r.id);
      const facts: TokenFacts = {
        kind: question.kind,
        measure: question.measure,
        terms: sentenceTerms(analyzer.tokens(text), termGroup),
        text,
        questionWords,
        groupWeights: s1.groupWeights,
      };
      for (const s of tokenSignals) r.values[s.name] = s.compute(facts);
      r.score = combineSignals(r.stage1, r.values, weights);
    }
    const head = ranked.slice(0, tokenDepth).sort(byScore);
    ranked.splice(0, tokenDepth, ...head);
  }
  return ranked.map(({ stage1, values, ...r }) =>
    explain ? { ...r, explanation: { stage1, signals: values, contributions: contributions(values, weights) } } : r,
  );
}

/**
 * The `associated` signal's function for one question: for each question word
 * the sentence lacks (`covered`: the groups it has), the word's share of the
 * question's rarity weight times the strongest learned association
 * (associations.ts) that the sentence contains, summed: 0–1, what the words
 * answers to such questions tend to use add to coverage.
 */
function associationScorer(
  library: Library,
  question: ParsedQuestion,
  groupWeights: readonly number[],
): (id: number, covered: number) => number {
  const own = new Set(question.terms.map((t) => t.term));
  const total = groupWeights.reduce((a, b) => a + b, 0);
  const perGroup: Array<{ gi: number; share: number; targets: Array<{ postings: PostingList; weight: number }> }> = [];
  question.groups.forEach((g, gi) => {
    if (g.corrected || total <= 0 || gi >= groupWeights.length) return;
    const targets: Array<{ postings: PostingList; weight: number }> = [];
    for (const t of g.terms)
      for (const a of associationsOf(t.term)) {
        if (own.has(a.term)) continue;
        const postings = library.sentences.postings(a.term);
        if (postings && postings.size > 0) targets.push({ postings, weight: a.weight * t.weight });
      }
    if (targets.length > 0) perGroup.push({ share: groupWeights[gi]! / total, targets, gi });
  });
  if (perGroup.length === 0) return () => 0;
  return (id, covered) => {
    let sum = 0;
    for (const { share, targets, gi } of perGroup) {
      if (covered & (1 << gi)) continue; // the sentence has the word itself
      let best = 0;
      for (const t of targets) if (t.weight > best && t.postings.has(id)) best = t.weight;
      sum += share * best;
    }
    return sum;
  };
}

/** The number of set bits of a 32-bit mask: the question groups a sentence matches. */
function bitCount(mask: number): number {
  let n = mask - ((mask >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function memo<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

const byScore = (a: RankedSentence, b: RankedSentence): number => b.score - a.score || a.id - b.id;
