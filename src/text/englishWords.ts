/**
 * Is a word an ordinary English word? WordNet's single-word lemmas
 * (data/english-words.txt.gz, built by scripts/build-english-words.ts), with
 * inflected forms brought back to a lemma by WordNet's own detachment rules.
 *
 * Typo correction uses it: a question word the corpus has never seen is a
 * typo only when it is not an English word either. "reset" in "how do I
 * reset my password" is a word of its own, not a misspelling of "rest".
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { projectRoot } from '../util/packageInfo.ts';
import { IRREGULAR_BASE_FORMS } from './baseForms.ts';

/** Where the word list is; beside `src/` in the checkout and in the installed package. */
export const ENGLISH_WORDS_FILE = path.join(projectRoot(), 'data', 'english-words.txt.gz');

/**
 * Suffix detachments, each `[ending, replacement]`, from WordNet's morphy
 * (https://wordnet.princeton.edu/documentation/morphy7wn: nouns, verbs,
 * adjectives), plus "ies" → "y" for verbs and nouns alike and "ier", "iest" → "y"
 * for adjectives ("happier").
 */
const DETACHMENTS: ReadonlyArray<readonly [string, string]> = [
  ['s', ''],
  ['ses', 's'],
  ['xes', 'x'],
  ['zes', 'z'],
  ['ches', 'ch'],
  ['shes', 'sh'],
  ['men', 'man'],
  ['ies', 'y'],
  ['es', 'e'],
  ['es', ''],
  ['ed', 'e'],
  ['ed', ''],
  ['ing', 'e'],
  ['ing', ''],
  ['er', ''],
  ['est', ''],
  ['er', 'e'],
  ['est', 'e'],
  ['ier', 'y'],
  ['iest', 'y'],
];

let lemmas: ReadonlySet<string> | undefined;

/** The lemmas, read once on first use (about 78,000 words, a few milliseconds). */
function wordList(): ReadonlySet<string> {
  lemmas ??= new Set(gunzipSync(fs.readFileSync(ENGLISH_WORDS_FILE)).toString('latin1').split('\n').filter(Boolean));
  return lemmas;
}

/**
 * Whether `word` (lower case) is an English word or an inflection of one:
 * "passwords", "resetting", "went". Doubled final consonants before a suffix
 * ("stopped", "running") count as the single one.
 */
export function isEnglishWord(word: string): boolean {
  const list = wordList();
  if (list.has(word)) return true;
  const irregular = IRREGULAR_BASE_FORMS.get(word);
  if (irregular !== undefined && list.has(irregular)) return true;
  for (const [ending, replacement] of DETACHMENTS) {
    if (word.length <= ending.length + 1 || !word.endsWith(ending)) continue;
    const stem = word.slice(0, -ending.length);
    if (list.has(stem + replacement)) return true;
    // "stopped" → "stopp" → "stop"
    if (replacement === '' && stem.length > 2 && stem.at(-1) === stem.at(-2) && list.has(stem.slice(0, -1))) return true;
  }
  return false;
}
