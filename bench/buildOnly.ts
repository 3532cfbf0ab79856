/**
 * Times one cold build of a corpus folder in this process (no worker engine,
 * no snapshot), then the scale bench's reference over the same files, for
 * profiling and quick ratios:
 *
 *   node --cpu-prof --import tsx bench/buildOnly.ts CORPUS_DIR [--no-reference]
 */
import { openLibrary } from '../src/engine/libraryLoader.ts';
import { ReferenceIndex } from './lib/referenceIndex.ts';
import { corpusFiles } from './lib/scaleMeasure.ts';

const [dir, flag] = process.argv.slice(2);
if (!dir) throw new Error('usage: bench/buildOnly.ts CORPUS_DIR [--no-reference]');
let t0 = performance.now();
const opened = await openLibrary(dir, {}, undefined);
const builtS = (performance.now() - t0) / 1000;
console.log(`built in ${builtS.toFixed(2)} s`, opened.library.stats());
if (flag !== '--no-reference') {
  t0 = performance.now();
  const ref = ReferenceIndex.build(corpusFiles(dir));
  const refS = (performance.now() - t0) / 1000;
  console.log(`reference built in ${refS.toFixed(2)} s (${ref.sentenceCount} sentences): ratio ${(builtS / refS).toFixed(2)}×`);
}
