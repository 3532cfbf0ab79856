/**
 * How recorded questions are grouped: by their words, not their wording.
 *
 * A question's key is the set of terms the engine searched for
 * (`Answer.searchedWords`: normalized, stop words left out), each reduced to
 * its stem the way the index reduces words, sorted and without repeats. So
 * "What is the capital of Australia?", "capital of australia" and "Australia's
 * capitals?" share the key `australia capit`, and /stats counts them as one
 * gap in the corpus. Word order, stop words, case, accents and inflection do
 * not split a group; a different content word does ("capital of Austria" is
 * another group), and a question made only of stop words has the empty key.
 */
import { Analyzer } from '../text/analyze.ts';

/** The analyzer of a default index: the key must reduce words as the index does, without the index. */
const analyzer = new Analyzer();

/** The grouping key of a question from the words the engine searched for. */
export function questionKey(searchedWords: readonly string[]): string {
  const stems = new Set<string>();
  for (const word of searchedWords) {
    // A word the analyzer drops (an acronym that spells a stop word, such as "US") keeps its own form.
    const stem = analyzer.analyzeToken(word).terms[0] ?? word.toLowerCase();
    if (stem) stems.add(stem);
  }
  return [...stems].sort().join(' ');
}
