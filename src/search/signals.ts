/**
 * Ranking signals computed on a candidate sentence's own tokens: phrase
 * matches and answer-type cues. Pure functions of the question and the
 * sentence, each pinned by its own tests (test/search/signals.test.ts).
 */
import type { Token } from '../text/analyze.ts';
import { IRREGULAR_BASE_FORMS } from '../text/baseForms.ts';
import type { QuestionKind, QuestionMeasure } from './question.ts';

/**
 * The sentence's content tokens (stop words left out), each with the question
 * group it matches (−1 for none). Phrase and type signals read this.
 */
export interface SentenceTerms {
  tokens: Token[];
  /** For each content token, in order: the question group it matches, or −1. */
  groups: number[];
  /** For each content token: its index in `tokens`. */
  positions: number[];
}

/** Maps a sentence's tokens onto question groups (`termGroup`: question term → group). */
export function sentenceTerms(tokens: Token[], termGroup: ReadonlyMap<string, number>): SentenceTerms {
  const groups: number[] = [];
  const positions: number[] = [];
  tokens.forEach((t, i) => {
    if (t.terms.length === 0) return;
    let g = -1;
    for (const term of t.terms) {
      const found = termGroup.get(term);
      if (found !== undefined) {
        g = found;
        break;
      }
    }
    groups.push(g);
    positions.push(i);
  });
  return { tokens, groups, positions };
}

/** The question group of each content token, by its index in `tokens` (stop words have none). */
function groupsByToken(sentence: SentenceTerms): Map<number, number> {
  const byToken = new Map<number, number>();
  sentence.positions.forEach((p, i) => byToken.set(p, sentence.groups[i]!));
  return byToken;
}

/**
 * Phrase matches: the share of the question's adjacent word pairs ("Operation
 * Unifier", "prime minister") that the sentence also has side by side (stop
 * words between them ignored), each pair weighted by its rarer word.
 * 0 when the question has fewer than two words.
 */
export function phraseScore(sentence: SentenceTerms, groupWeights: readonly number[]): number {
  if (groupWeights.length < 2) return 0;
  let total = 0;
  for (let g = 0; g + 1 < groupWeights.length; g++) total += Math.min(groupWeights[g]!, groupWeights[g + 1]!);
  if (total === 0) return 0;
  const seen = new Set<number>();
  let matched = 0;
  const gs = sentence.groups;
  for (let i = 0; i + 1 < gs.length; i++) {
    const a = gs[i]!;
    const b = gs[i + 1]!;
    // Pairs in either order: "the mission's training" answers "training mission".
    const first = Math.min(a, b);
    if (a >= 0 && b >= 0 && Math.abs(a - b) === 1 && !seen.has(first)) {
      seen.add(first);
      matched += Math.min(groupWeights[first]!, groupWeights[first + 1]!);
    }
  }
  return matched / total;
}

const MONTHS =
  /^(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)$/;
const YEAR = /^(?:1\d{3}|20\d{2})(?:s)?$/;
const TIME_WORDS = /^(?:century|centuries|decade|decades|bc|bce|ad|ce)$/;
const NUMBER_WORDS =
  /^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|dozen|dozens|half|percent|per cent)$/;

/**
 * Whether the sentence holds the kind of thing the question asks for, beyond
 * what the question itself says: a date or year for "when", a number or
 * amount for "how many / how much", a capitalised name for "who" and
 * "where". `questionWords` are the question's normalized words, so a year
 * the question already names does not count.
 */
export function answerTypeMatch(kind: QuestionKind, sentence: SentenceTerms, text: string, questionWords: ReadonlySet<string>): boolean {
  const tokens = sentence.tokens;
  switch (kind) {
    case 'time':
      return tokens.some((t) => !questionWords.has(t.word) && (YEAR.test(t.word) || MONTHS.test(t.word) || TIME_WORDS.test(t.word)));
    case 'quantity':
      return tokens.some((t) => !questionWords.has(t.word) && (/^\d/.test(t.word) || NUMBER_WORDS.test(t.word)));
    case 'person':
    case 'place':
      // A capitalised word that does not start the sentence and is not one of the question's words: a name.
      return tokens.some((t, i) => i > 0 && /^\p{Lu}/u.test(text[t.start]!) && !questionWords.has(t.word) && t.terms.length > 0);
    default:
      return false;
  }
}

/**
 * Whether a name of two or more capitalised words ("Thomas Newman") that
 * the question does not contain stands in the sentence: the usual shape of
 * the answer to a "who" question.
 */
export function hasNewName(sentence: SentenceTerms, text: string, questionWords: ReadonlySet<string>): boolean {
  let run = 0;
  const tokens = sentence.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const capital = /^\p{Lu}/u.test(text[t.start]!) && !questionWords.has(t.word);
    run = capital ? run + 1 : 0;
    if (run >= 2) return true;
  }
  return false;
}

/**
 * Word order: the share of the question's (rarity-weighted) words that the
 * sentence has in the question's order — the heaviest subsequence of matched
 * words whose question positions only increase. A sentence that keeps the
 * question's order ("…devoted himself to anapanasati meditation" for "devoted
 * himself to what type of meditation") scores near its coverage; one with the
 * same words shuffled scores less. 0–1.
 */
export function orderScore(sentence: SentenceTerms, groupWeights: readonly number[]): number {
  const total = groupWeights.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const seq = sentence.groups.filter((g) => g >= 0);
  // Heaviest strictly increasing subsequence, O(n²) on a sentence's few matched tokens.
  const best = new Array<number>(seq.length).fill(0);
  let top = 0;
  for (let i = 0; i < seq.length; i++) {
    const g = seq[i]!;
    let b = 0;
    for (let j = 0; j < i; j++) if (seq[j]! < g && best[j]! > b) b = best[j]!;
    best[i] = b + groupWeights[g]!;
    if (best[i]! > top) top = best[i]!;
  }
  return top / total;
}

/**
 * Exact forms: the share of the question's words that the sentence has in
 * the very form the question used ("founded", not only "found…"), a sign of
 * a close paraphrase. `questionWords` are the question's normalized words. 0–1.
 */
export function exactShare(sentence: SentenceTerms, questionWords: ReadonlySet<string>): number {
  if (questionWords.size === 0) return 0;
  const found = new Set<string>();
  for (const t of sentence.tokens) if (questionWords.has(t.word)) found.add(t.word);
  return found.size / questionWords.size;
}

/** Verbs that make a sentence a definition when they follow its subject: "X is a…", "X refers to…". */
const DEFINING_VERBS: ReadonlySet<string> = new Set(['is', 'are', 'was', 'were', 'refers', 'means', 'denotes']);
/** Words after a defining verb that make it a passive ("was written by"), not a definition. */
const isParticiple = (word: string): boolean => word.endsWith('ed') || IRREGULAR_BASE_FORMS.has(word);
/** The subject of a definition is short: the defining verb comes within this many words (parentheses skipped). */
const MAX_SUBJECT_WORDS = 8;

/**
 * A definitional sentence about the question's subject: "Arraignment is a
 * formal reading…", "Richard Nixon (1913–1994) was the 37th President…". The
 * value is the share of the question's rarity-weighted words found in the
 * sentence's subject, the words before its first defining verb (at most
 * {@link MAX_SUBJECT_WORDS} of them, words in parentheses not counted, no
 * comma among them); 0 when the sentence does not open that way, or when the
 * verb is a passive's ("The play was written by…"). 0–1.
 */
export function definitionScore(sentence: SentenceTerms, text: string, groupWeights: readonly number[]): number {
  const total = groupWeights.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  // Parenthesis depth at each token: one pass over the text, tokens in order.
  let depth = 0;
  let at = 0;
  let words = 0;
  let mask = 0;
  const groupOf = groupsByToken(sentence);
  for (let i = 0; i < sentence.tokens.length; i++) {
    const token = sentence.tokens[i]!;
    for (; at < token.start; at++) {
      const c = text[at];
      if (c === '(' || c === '[') depth++;
      else if ((c === ')' || c === ']') && depth > 0) depth--;
      else if (c === ',' && depth === 0) return 0; // "During the arraignment, the defendant is…": not a subject
    }
    if (depth > 0) continue;
    if (DEFINING_VERBS.has(token.word)) {
      const next = sentence.tokens[i + 1];
      if (words === 0 || mask === 0 || (next !== undefined && isParticiple(next.word))) return 0;
      let covered = 0;
      for (let g = 0; g < groupWeights.length; g++) if (mask & (1 << g)) covered += groupWeights[g]!;
      return covered / total;
    }
    if (++words > MAX_SUBJECT_WORDS) return 0;
    const g = groupOf.get(i);
    if (g !== undefined && g >= 0) mask |= 1 << g;
  }
  return 0;
}

const DAY = /^(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?$/;
const FULL_YEAR = /^(?:1\d{3}|20\d{2})$/;

/**
 * Whether the sentence gives a full date, day, month and year ("April 16,
 * 2001", "8 August 1991"), that the question does not already give: the
 * precise answer to a "when" question, where a bare year or month is often a
 * date of something else. `questionWords` are the question's normalized words.
 */
export function hasFullDate(sentence: SentenceTerms, questionWords: ReadonlySet<string>): boolean {
  const w = sentence.tokens.map((t) => t.word);
  for (let i = 0; i < w.length; i++) {
    if (!MONTHS.test(w[i] ?? '')) continue;
    const before = w[i - 1];
    const after = w[i + 1];
    const year = DAY.test(after ?? '') ? w[i + 2] : DAY.test(before ?? '') ? after : undefined;
    if (year !== undefined && FULL_YEAR.test(year) && !questionWords.has(year)) return true;
  }
  return false;
}

/**
 * Whether the sentence names an agent after "by" ("performed by The
 * Capitols", "was written by the duo along with Ester Dean", "directed by
 * Steven Spielberg"): a capitalised word, "the" skipped, that is not one of
 * the question's words. The usual shape of the answer to "who sang / wrote /
 * directed X", whose answer sentence is so often a passive.
 */
export function hasAgent(sentence: SentenceTerms, text: string, questionWords: ReadonlySet<string>): boolean {
  const tokens = sentence.tokens;
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i]!.word !== 'by') continue;
    let j = i + 1;
    if (tokens[j]!.word === 'the' && j + 1 < tokens.length) j++;
    const t = tokens[j]!;
    if (/^\p{Lu}/u.test(text[t.start]!) && !questionWords.has(t.word) && t.terms.length > 0) return true;
  }
  return false;
}

/** A number, in digits or in words ("12", "1,400", "twelve", "hundreds"). */
const isNumber = (word: string): boolean => /^\d/.test(word) || NUMBER_WORDS.test(word);
/** How far after a number the counted thing may come: "nineteen districts", "four successful robotic rovers". */
const COUNTED_WITHIN = 3;

/**
 * Whether the sentence counts one of the question's words: a number the
 * question does not give, followed within {@link COUNTED_WITHIN} words of
 * the same phrase (no comma, colon or bracket between) by a question word ("West Bengal is divided into nineteen districts" for "how
 * many districts are in West Bengal"). A number that counts what was asked
 * answers a "how many" question better than a number of something else.
 */
export function countsQuestionWord(sentence: SentenceTerms, text: string, questionWords: ReadonlySet<string>): boolean {
  const tokens = sentence.tokens;
  const groupAt = groupsByToken(sentence);
  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i]!.word;
    if (!isNumber(word) || questionWords.has(word)) continue;
    for (let j = i + 1; j <= i + COUNTED_WITHIN && j < tokens.length; j++) {
      // A comma, colon or bracket ends the phrase: "in 2014, Canada has…" does not count Canada.
      if (/[,;:()[\]]/.test(text.slice(tokens[j - 1]!.end, tokens[j]!.start))) break;
      if ((groupAt.get(j) ?? -1) >= 0) return true;
    }
  }
  return false;
}

/**
 * A number in digits, matched only from its first digit ("1,400", "39.1"):
 * the lookbehind keeps a long run of digits from being tried at every one of
 * its positions, so matching stays linear in the sentence's length.
 */
const DIGITS = String.raw`(?<![\d,.])\d+(?:[,.]\d+)*`;
const NUMERAL = String.raw`(?:${DIGITS}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundreds?|thousands?|several|many|few)`;
const LENGTH_UNITS = String.raw`(?:km|kilomet(?:re|er)s?|miles?|mi|feet|foot|ft|met(?:re|er)s?|m|cm|mm|inch(?:es)?|in|yards?|yd)`;
/** Groups of people, counted to give a size ("200 service members", "50,000 troops"). */
const PEOPLE = String.raw`(?:people|persons|inhabitants|residents|citizens|employees|members|personnel|troops|soldiers|staff|students|workers)`;

/**
 * For each measure, how a sentence states it: a number with its unit ("15
 * mL", "3,000 km", "42 years"), or the words that give it ("twice a year",
 * "life tenure"). Built from the units of measurement, not from any question
 * set. Matched against the sentence's text, case-insensitively.
 */
const MEASURE_UNITS: Readonly<Record<QuestionMeasure, RegExp>> = {
  percent: /\d\s?%|\bper ?cent\b/i,
  often:
    /\b(?:daily|weekly|monthly|quarterly|annually|yearly|biannually|hourly|every|once|twice|thrice|times (?:a|per|each)|(?:per|a|each) (?:year|day|week|month|decade|century))\b/i,
  long: new RegExp(
    String.raw`\b${NUMERAL}[\s-]+(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|millennia)\b|\b(?:for life|lifetime|life tenure|until|since)\b|\d\s?${LENGTH_UNITS}\b`,
    'i',
  ),
  far: new RegExp(String.raw`\d\s?${LENGTH_UNITS}\b|\blight[- ]years?\b|\d\s?au\b`, 'i'),
  tall: new RegExp(String.raw`\d\s?${LENGTH_UNITS}\b|\d\s?(?:′|')`, 'i'),
  high: new RegExp(String.raw`\d\s?${LENGTH_UNITS}\b`, 'i'),
  deep: new RegExp(String.raw`\d\s?(?:${LENGTH_UNITS}|fathoms?)\b`, 'i'),
  wide: new RegExp(String.raw`\d\s?${LENGTH_UNITS}\b`, 'i'),
  size: new RegExp(
    String.raw`\d\s?(?:${LENGTH_UNITS}|km2|km²|sq|square|acres?|hectares?|ha|kg|kilograms?|tons?|tonnes?|pounds?|lbs?|litres?|liters?|gallons?)\b|\b${NUMERAL}\s+(?:\w+\s+)?${PEOPLE}\b`,
    'i',
  ),
  old: new RegExp(String.raw`\b(?:aged?|born)\b|${DIGITS}[\s-]+years?[\s-]+old\b`, 'i'),
  much: new RegExp(
    String.raw`[$£€¥]\s?\d|${DIGITS}\s?(?:dollars|euros|pounds|usd|million|billion|ml|millilitres?|litres?|liters?|grams?|g|kg|tons?|tonnes?)\b|\d\s?%|\b(?:costs?|worth|priced?)\b`,
    'i',
  ),
  fast: /\d\s?(?:km\/h|kph|mph|knots|m\/s|km\/s|miles per hour|kilomet(?:re|er)s per hour)\b/i,
};

/**
 * Whether the sentence states the measure the question asks for in its units:
 * a duration for "how long", a distance for "how far", a share for "what
 * percentage", a sum of money for "how much"… (the question's measure, from
 * `questionMeasure`).
 */
export function statesMeasure(measure: QuestionMeasure, text: string): boolean {
  return MEASURE_UNITS[measure].test(text);
}
