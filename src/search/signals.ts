/**
 * Ranking signals computed on a candidate sentence's own tokens: phrase
 * matches and answer-type cues. Pure functions of the question and the
 * sentence, each pinned by its own tests (test/search/signals.test.ts).
 */
import type { Token } from '../text/analyze.ts';
import type { QuestionKind } from './question.ts';

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

const MONTHS = /^(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)$/;
const YEAR = /^(?:1\d{3}|20\d{2})(?:s)?$/;
const TIME_WORDS = /^(?:century|centuries|decade|decades|bc|bce|ad|ce)$/;
const NUMBER_WORDS =
  /^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|dozen|dozens|half|percent|per cent)$/;

/**
 * Whether the sentence holds the kind of thing the question asks for, beyond
 * what the question itself says: a date or year for "when", a number or
 * amount for "how many / how much", a capitalised name for "who" and
 * "where". `questionWords` are the question's normalised words, so a year
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
 * How tightly the question's words sit together in the sentence: the number
 * of distinct question groups matched, divided by the length (in content
 * tokens) of the shortest stretch holding all of them. 1 for matches side by
 * side, smaller as they spread out; 0 with fewer than two groups matched.
 */
export function compactness(sentence: SentenceTerms): number {
  const gs = sentence.groups;
  const wanted = new Set(gs.filter((g) => g >= 0));
  if (wanted.size < 2) return 0;
  // Sliding window over content tokens: the shortest window holding every matched group.
  const counts = new Map<number, number>();
  let have = 0;
  let best = Infinity;
  let left = 0;
  for (let right = 0; right < gs.length; right++) {
    const g = gs[right]!;
    if (g >= 0) {
      counts.set(g, (counts.get(g) ?? 0) + 1);
      if (counts.get(g) === 1) have++;
    }
    while (have === wanted.size) {
      best = Math.min(best, right - left + 1);
      const h = gs[left]!;
      if (h >= 0) {
        counts.set(h, counts.get(h)! - 1);
        if (counts.get(h) === 0) have--;
      }
      left++;
    }
  }
  return wanted.size / best;
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
