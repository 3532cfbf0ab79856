/**
 * Question analysis: a question → the terms to look for, grouped by the word
 * they came from, and what kind of answer it asks for.
 *
 * Each content word of the question becomes a *group*. A group usually holds
 * one term; a word the corpus has never seen (a likely typo: "unifer",
 * "soliders", "ukriane") instead holds the corpus words within one or two
 * edits of it, weighted below an exact match. Ranking counts coverage by
 * group, so a misspelt word found through two spellings still counts once.
 */
import type { SentenceIndex } from '../library/sentenceIndex.ts';
import { asOrdinaryWord, isMostlyCapitals, surfaceTokens, type AnalyzedToken } from '../text/analyze.ts';
import { corrections, type TypoOptions } from './typos.ts';

/** What kind of answer the interrogative asks for. */
export type QuestionKind = 'time' | 'quantity' | 'person' | 'place' | 'reason' | 'manner' | 'thing' | 'other';

/**
 * What a quantity question measures, read from its wording ("how long",
 * "how far", "what percentage"): the units an answer gives it in
 * ({@link measureUnits} in signals.ts).
 */
export type QuestionMeasure = 'percent' | 'often' | 'long' | 'far' | 'tall' | 'high' | 'deep' | 'wide' | 'size' | 'old' | 'much' | 'fast';

/** One term to search for. */
export interface QueryTerm {
  term: string;
  /** Multiplies the term's score: 1 for an exact word, less for a typo correction. */
  weight: number;
  /** Index of the group (question word) this term stands for. */
  group: number;
}

/** A question word, with the terms that stand for it. */
export interface QueryGroup {
  /** The normalized question word. */
  word: string;
  terms: QueryTerm[];
  /** True when the word is unknown to the corpus and its terms are typo corrections. */
  corrected: boolean;
  /** The corpus words searched instead of an unknown word (empty otherwise). */
  corrections: string[];
  /** Position of the word among the question's tokens (for phrase and proximity signals). */
  position: number;
  /**
   * True for a word of the question's frame rather than its topic: "mean" in
   * "what does X mean", "used" in "what is X used for". It weighs less in
   * coverage, so a sentence that only says "means" does not half answer.
   */
  frame?: boolean;
}

/** A question, analyzed. */
export interface ParsedQuestion {
  text: string;
  kind: QuestionKind;
  /** For a quantity question, what it measures, when its wording says ("how long", "what percentage"). */
  measure?: QuestionMeasure;
  groups: QueryGroup[];
  /** All terms of all groups. */
  terms: QueryTerm[];
}

/** Options of {@link parseQuestion}. */
export interface QuestionOptions extends TypoOptions {
  /** Score weight of a correction one edit away; two edits weigh less. Default 0.6. */
  fuzzyWeight?: number;
  /** Most corrections kept per unknown word. Default 3. */
  maxCorrections?: number;
}

/**
 * Words that, in a question, state what kind of fact is asked about the topic
 * ("what does X mean", "what does X stand for", "what is X used / known for",
 * "what is X called", "how does X work", "what happens to X", "where is X
 * located", "what was the name of X"), not the topic. The measure right after
 * "how" ("how large", "how long": {@link HOW_MEASURES}) frames a question too.
 */
const FRAME_WORDS: ReadonlySet<string> = new Set([
  'mean',
  'means',
  'meaning',
  'stand',
  'stands',
  'use',
  'used',
  'uses',
  'known',
  'called',
  'work',
  'works',
  'happen',
  'happens',
  'happened',
  'located',
  'name',
  'named',
  'title',
  'titled',
]);

/**
 * Analyzes a question against an index (whose vocabulary decides which words
 * are unknown and what they might be misspellings of).
 */
export function parseQuestion(question: string, index: SentenceIndex, options: QuestionOptions = {}): ParsedQuestion {
  const fuzzyWeight = options.fuzzyWeight ?? 0.6;
  const maxCorrections = options.maxCorrections ?? 3;
  const analyzer = index.analyzer;
  const groups: QueryGroup[] = [];
  const seen = new Set<string>();
  let position = 0;

  const capitals = isMostlyCapitals(question);
  const afterHow = new Set<number>();
  let previous = '';
  for (const { surface } of surfaceTokens(question)) {
    const { word, terms } = capitals ? analyzer.analyzeToken(asOrdinaryWord(surface)) : readCapitals(surface, index);
    position++;
    if (previous === 'how') afterHow.add(position);
    previous = surface.toLowerCase();
    if (terms.length === 0) continue;
    if (!index.hasWord(word)) {
      const group: QueryGroup = { word, terms: [], corrected: true, corrections: [], position };
      for (const c of corrections(word, index, options)) {
        if (group.terms.length >= maxCorrections || seen.has(c.term)) continue;
        if (group.terms.some((t) => t.term === c.term)) continue;
        group.terms.push({ term: c.term, weight: fuzzyWeight * (c.distance === 1 ? 1 : 0.75), group: groups.length });
        group.corrections.push(c.word);
      }
      if (group.terms.length > 0) {
        for (const t of group.terms) seen.add(t.term);
        groups.push(group);
        continue;
      }
      // Nothing close: keep the word as it is; it matches nothing but still counts against coverage.
    }
    for (const term of terms) {
      if (seen.has(term)) continue;
      seen.add(term);
      groups.push({ word, terms: [{ term, weight: 1, group: groups.length }], corrected: false, corrections: [], position });
    }
  }
  const kind = questionKind(question);
  // Frame words only frame a question that asks something: "the mean temperature" or "work permits" in a plain search stay topic words.
  if (kind !== 'other' && groups.length > 1)
    for (const g of groups)
      if ((FRAME_WORDS.has(g.word) || (afterHow.has(g.position) && HOW_MEASURES.has(g.word))) && !g.corrected) g.frame = true;
  const measure = kind === 'quantity' ? questionMeasure(question) : undefined;
  return { text: question, kind, ...(measure && { measure }), groups, terms: groups.flatMap((g) => g.terms) };
}

/**
 * The analysis of a question token. An all-capitals word in a question that
 * is otherwise in lower case is an acronym ("US", "NATO") when the corpus
 * knows it as one; else it is the word it spells, written in capitals for
 * emphasis ("WHAT is…"), and a stop word stays a stop word.
 */
function readCapitals(surface: string, index: SentenceIndex): AnalyzedToken {
  const analyzed = index.analyzer.analyzeToken(surface);
  const ordinary = asOrdinaryWord(surface);
  if (ordinary === surface) return analyzed;
  const plain = index.analyzer.analyzeToken(ordinary);
  const same = plain.terms.length === analyzed.terms.length && plain.terms.every((t, i) => t === analyzed.terms[i]);
  if (same || analyzed.terms.some((t) => index.documentFrequency(t) > 0)) return analyzed;
  return plain;
}

/** "how <adjective>" → what it measures ("big" and "large" both ask for a size). */
const HOW_MEASURES: ReadonlyMap<string, QuestionMeasure> = new Map([
  ['often', 'often'],
  ['long', 'long'],
  ['far', 'far'],
  ['tall', 'tall'],
  ['high', 'high'],
  ['deep', 'deep'],
  ['wide', 'wide'],
  ['big', 'size'],
  ['large', 'size'],
  ['old', 'old'],
  ['much', 'much'],
  ['fast', 'fast'],
]);
const HOW_MEASURE = new RegExp(String.raw`\bhow (${[...HOW_MEASURES.keys()].join('|')})\b`);

/**
 * What a quantity question measures: "how long" a duration, "how far" a
 * distance, "what percentage" a share… `undefined` when its wording does not
 * say ("how many", "what number").
 */
export function questionMeasure(question: string): QuestionMeasure | undefined {
  const q = question.toLowerCase();
  const how = HOW_MEASURE.exec(q);
  if (how) return HOW_MEASURES.get(how[1]!);
  if (/\b(?:percentage|percent|proportion)\b/.test(q)) return 'percent';
  return undefined;
}

/** Reads the kind of answer wanted from the question's interrogative. */
export function questionKind(question: string): QuestionKind {
  const q = question.toLowerCase().replace(/[’']/g, "'");
  if (
    /\b(?:when|what (?:year|date|day|month|century|decade|time|period)|which (?:year|date|day|month|century|decade)|how long ago|since when)\b/.test(
      q,
    )
  )
    return 'time';
  if (
    /\bhow (?:many|much|long|far|old|big|large|tall|high|deep|wide|often|fast)\b|\b(?:what|which)(?: (?:is|was|are|were))?(?: the| an?)?(?: \w+)? (?:percentage|percent|proportion|number|amount|size|population|cost|price|total|count|rate|length|height|area|distance|speed|temperature)\b/.test(
      q,
    )
  )
    return 'quantity';
  if (
    /\b(?:who|whom|whose)\b|\b(?:what|which) (?:person|man|woman|people|king|queen|emperor|president|leader|author|writer|composer|artist|director|actor|actress|player|coach|scientist|general|minister|pope|founder)\b/.test(
      q,
    )
  )
    return 'person';
  if (/\bwhere\b|\b(?:what|which) (?:country|city|state|place|region|town|continent|location)\b/.test(q)) return 'place';
  if (/\bwhy\b/.test(q)) return 'reason';
  if (/\bhow\b/.test(q)) return 'manner';
  if (/\b(?:what|which)\b/.test(q)) return 'thing';
  return 'other';
}
