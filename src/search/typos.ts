/**
 * Typo correction policy: which vocabulary words may stand for a question
 * word the corpus has never seen.
 *
 * Real typos keep the first letter and are one edit away, a swap of two
 * neighbouring letters counting as one edit ("ukriane", "soliders"); longer
 * words may carry two. Words that are merely absent from a small corpus
 * ("spectre", "fight") must not be "corrected" into unrelated ones
 * ("spectrum", "light"), so the rules are strict, and an ordinary English
 * word is never a typo: "how do I reset my password" must not search "rest".
 */
import type { SentenceIndex, SimilarWord } from '../library/sentenceIndex.ts';
import { isEnglishWord } from '../text/englishWords.ts';

/** Longest word that may be corrected, in characters. */
const MAX_CORRECTED_LENGTH = 40;

/** Options of {@link corrections}. */
export interface TypoOptions {
  /** Words shorter than this are never corrected. Default 5. */
  minLength?: number;
  /** Words at least this long may be two edits away, others one. Default 9. */
  twoEditLength?: number;
  /** Leave words of the English word list (WordNet's lemmas and their inflections) as they are. Default true. */
  keepEnglishWords?: boolean;
}

/** Vocabulary words that may be what `word` (unknown to the corpus) was meant to be, closest first. */
export function corrections(word: string, index: SentenceIndex, options: TypoOptions = {}): SimilarWord[] {
  const minLength = options.minLength ?? 5;
  const twoEditLength = options.twoEditLength ?? 9;
  // No English word is this long; the cost of the search grows with the word.
  if (word.length < minLength || word.length > MAX_CORRECTED_LENGTH || /[\d-]/.test(word)) return [];
  if ((options.keepEnglishWords ?? true) && isEnglishWord(word)) return [];
  const maxEdits = word.length >= twoEditLength ? 2 : 1;
  return index.similarWords(word, maxEdits).filter((c) => c.word[0] === word[0]);
}
