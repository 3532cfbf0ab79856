/**
 * The vocabulary: every normalized word seen in an indexed sentence, with
 * its index term, and the look-up that typo correction needs — the words
 * within one or two edits of a word the corpus has never seen.
 *
 * A radix tree (MiniSearch's SearchableMap) answers that too, but costs
 * about 3 KB a word in Maps. Here the words are a Map plus arrays bucketed by
 * first letter and length: words one edit away are found by generating every
 * one-edit variant of the misspelling (a few hundred Map look-ups); words two
 * edits away, allowed only for long words, by scanning the few buckets of the
 * same first letter and nearby lengths.
 */

/** A vocabulary word close to a misspelt one. */
export interface SimilarWord {
  word: string;
  term: string;
  distance: number;
}

/**
 * Optimal string alignment distance (Levenshtein plus transposition of two
 * adjacent characters, each one edit), as spelling correctors use it
 * (Damerau 1964). Stops early and returns `max + 1` once the distance must
 * exceed `max`.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur = new Array<number>(m + 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[m]!;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

export class Vocabulary {
  private readonly terms = new Map<string, string>();
  /**
   * Words by first character and length, for two-edit scans; made when first
   * needed, so that a vocabulary restored from a snapshot is ready sooner.
   */
  private buckets: Map<string, string[]> | undefined = new Map();

  /** A vocabulary of `words[i]` → `terms[i]`, in that order. */
  static restore(words: readonly string[], terms: readonly string[]): Vocabulary {
    if (words.length !== terms.length) throw new Error('words and terms differ in number');
    const vocabulary = new Vocabulary();
    vocabulary.buckets = undefined;
    for (let i = 0; i < words.length; i++) vocabulary.terms.set(words[i]!, terms[i]!);
    if (vocabulary.terms.size === words.length) return vocabulary;
    // A word twice (a list that `entries` did not make): the first wins, as with `add`.
    vocabulary.terms.clear();
    for (let i = 0; i < words.length; i++) if (!vocabulary.terms.has(words[i]!)) vocabulary.terms.set(words[i]!, terms[i]!);
    return vocabulary;
  }

  get size(): number {
    return this.terms.size;
  }

  has(word: string): boolean {
    return this.terms.has(word);
  }

  /** The term of a word, or `undefined`. */
  get(word: string): string | undefined {
    return this.terms.get(word);
  }

  /** Adds a word (no-op when known). */
  add(word: string, term: string): void {
    if (this.terms.has(word)) return;
    this.terms.set(word, term);
    if (this.buckets) addToBucket(this.buckets, word);
  }

  private bucketsNow(): Map<string, string[]> {
    if (!this.buckets) {
      // Words in insertion order, as adding them one by one would have made the buckets.
      this.buckets = new Map();
      for (const word of this.terms.keys()) addToBucket(this.buckets, word);
    }
    return this.buckets;
  }

  entries(): IterableIterator<[string, string]> {
    return this.terms.entries();
  }

  /** Known words within `maxEdits` (1 or 2) edits of `word`, each with its distance. */
  similar(word: string, maxEdits: number): SimilarWord[] {
    const found = new Map<string, SimilarWord>();
    const consider = (w: string, distance: number) => {
      const term = this.terms.get(w);
      if (term !== undefined && w !== word && !found.has(w)) found.set(w, { word: w, term, distance });
    };
    if (maxEdits >= 2) {
      // Typos keep their first letter (see search/typos.ts), so only that letter's buckets are scanned.
      for (let len = word.length - maxEdits; len <= word.length + maxEdits; len++) {
        for (const w of this.bucketsNow().get(bucketKey(word[0]!, len)) ?? []) {
          const d = editDistance(word, w, maxEdits);
          if (d <= maxEdits) consider(w, d);
        }
      }
    } else if (maxEdits >= 1) {
      // Every one-edit variant: deletions, transpositions, substitutions, insertions.
      const letters = new Set(ALPHABET + word);
      for (let i = 0; i < word.length; i++) {
        consider(word.slice(0, i) + word.slice(i + 1), 1);
        if (i + 1 < word.length) consider(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2), 1);
        for (const c of letters) consider(word.slice(0, i) + c + word.slice(i + 1), 1);
      }
      for (let i = 0; i <= word.length; i++) for (const c of letters) consider(word.slice(0, i) + c + word.slice(i), 1);
    }
    return [...found.values()].sort((a, b) => a.distance - b.distance || a.word.localeCompare(b.word));
  }
}

function addToBucket(buckets: Map<string, string[]>, word: string): void {
  const key = bucketKey(word[0]!, word.length);
  const bucket = buckets.get(key);
  if (bucket) bucket.push(word);
  else buckets.set(key, [word]);
}

function bucketKey(first: string, length: number): string {
  return `${first}${length}`;
}
