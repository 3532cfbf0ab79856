/**
 * Typo correction policy: which vocabulary words may stand for a question
 * word the corpus has never seen.
 *
 * Real typos keep the first letter and are one edit away, a swap of two
 * neighbouring letters counting as one edit ("ukriane", "soliders"); longer
 * words may carry two. Words that are merely absent from a small corpus
 * ("spectre", "fight") must not be "corrected" into unrelated ones
 * ("spectrum", "light"), so the rules are strict.
 */
import type { SentenceIndex, SimilarWord } from '../index/sentenceIndex.ts';

/** Options of {@link corrections}. */
export interface TypoOptions {
  /** Words shorter than this are never corrected. Default 5. */
  minLength?: number;
  /** Words at least this long may be two edits away, others one. Default 9. */
  twoEditLength?: number;
}

/**
 * Optimal string alignment distance (Levenshtein plus transposition of two
 * adjacent characters, each one edit), as spelling correctors use it
 * (Damerau 1964).
 */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur = new Array<number>(m + 1);
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[m]!;
}

/** Vocabulary words that may be what `word` (unknown to the corpus) was meant to be, closest first. */
export function corrections(word: string, index: SentenceIndex, options: TypoOptions = {}): SimilarWord[] {
  const minLength = options.minLength ?? 5;
  const twoEditLength = options.twoEditLength ?? 9;
  if (word.length < minLength || /[\d-]/.test(word)) return [];
  const maxEdits = word.length >= twoEditLength ? 2 : 1;
  // The radix tree finds words within `maxEdits` Levenshtein edits; a swap of neighbouring letters is two such
  // edits, so swaps are looked up directly (cheaper than searching the tree one edit wider).
  const found = new Map<string, SimilarWord>();
  for (const c of index.similarWords(word, maxEdits)) found.set(c.word, c);
  for (let i = 0; i + 1 < word.length; i++) {
    const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    const term = swapped !== word ? index.termOfWord(swapped) : undefined;
    if (term !== undefined && !found.has(swapped)) found.set(swapped, { word: swapped, term, distance: 1 });
  }
  return [...found.values()]
    .filter((c) => c.word[0] === word[0])
    .map((c) => ({ ...c, distance: editDistance(word, c.word) }))
    .filter((c) => c.distance <= maxEdits)
    .sort((a, b) => a.distance - b.distance || a.word.localeCompare(b.word));
}
