/**
 * A build on several threads must give exactly the library a single-threaded
 * build gives: the same articles in the same order, the same sentence ids,
 * postings and vocabulary, and the same skipped items.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCorpusFiles, loadCorpus } from '../../src/corpus/index.ts';
import { planCorpusFileRanges } from '../../src/corpus/readFile.ts';
import type { SkippedItem } from '../../src/corpus/types.ts';
import { buildLibrary } from '../../src/library/build.ts';
import type { Library } from '../../src/library/library.ts';
import { buildInParallel, type ParallelBuildOptions } from '../../src/library/parallelBuild.ts';
import { tempCorpora } from '../corpus/helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { temp } = tempCorpora();

/** Builds `corpusDir` on one thread and in parallel with `options`, and expects the same library and the same skipped items. */
async function expectSameAsSingleThreaded(corpusDir: string, options: ParallelBuildOptions): Promise<Library> {
  const corpus = await loadCorpus(corpusDir);
  const single = await buildLibrary(corpus.articles);
  const listing = await listCorpusFiles(corpusDir);
  const parallel = await buildInParallel(corpusDir, listing.files, options);
  const lib = parallel.library;

  expect([...lib.store.all()].map((a) => [a.id, a.title, a.line, a.hash, a.firstSentence, a.sentenceCount])).toEqual(
    [...single.store.all()].map((a) => [a.id, a.title, a.line, a.hash, a.firstSentence, a.sentenceCount]),
  );
  for (let id = 0; id < single.store.sentenceIdLimit; id++) expect(lib.store.text(id)).toBe(single.store.text(id));
  expect(lib.sentences.termCount).toBe(single.sentences.termCount);
  for (const [term, postings] of single.sentences.termPostings()) expect(new Map(lib.sentences.postings(term))).toEqual(new Map(postings));
  expect(lib.sentences.averageLength).toBeCloseTo(single.sentences.averageLength, 12);
  expect(new Map(lib.sentences.vocabulary())).toEqual(new Map(single.sentences.vocabulary()));
  expect([...listing.skipped, ...parallel.skipped].sort(byFile)).toEqual([...corpus.skipped].sort(byFile));
  return single;
}

describe.each([
  ['the seed corpus', path.join(ROOT, 'corpus')],
  ['a corpus with duplicate ids', path.join(ROOT, 'test/fixtures/corpus-duplicates')],
  ['a mixed corpus with bad files', path.join(ROOT, 'test/fixtures/corpus-mixed')],
])('building %s in parallel', (_name, corpusDir) => {
  it('gives the same library as a single-threaded build', async () => {
    // Two helpers and one-file chunks, so results arrive interleaved and must be put back in order.
    await expectSameAsSingleThreaded(corpusDir, { threads: 2, chunkFiles: 1 });
  });
});

describe('building a corpus whose JSONL files are cut into ranges of lines', () => {
  it('gives the same library, ids, line numbers and skipped lines as reading each file whole', async () => {
    const sentence = (i: number) => `Line ${i} tells of the quillmoor harbour, where boat number ${i} was built in spring.`;
    const lines: string[] = [];
    for (let i = 1; i <= 700; i++) {
      if (i % 5 === 0)
        lines.push('{not json'); // 140 bad lines: more than the 100 a file lists one by one
      else if (i % 7 === 0)
        lines.push(JSON.stringify({ id: `dup-${i % 3}`, text: sentence(i) })); // the first of each id wins
      else if (i % 11 === 0)
        lines.push(JSON.stringify({ url: 'javascript:alert(1)', text: sentence(i) })); // a warning; no id: "big:<line>"
      else if (i % 13 === 0) lines.push('');
      else lines.push(JSON.stringify({ id: i === 2 ? 'small' : `a${i}`, title: i % 2 ? `Harbour ${i}` : null, text: sentence(i) }));
    }
    const corpusDir = await temp({
      'big.jsonl': `\ufeff${lines.join('\n')}`, // a BOM on line 1, and no final newline
      'small.txt': 'Small\n\nThis file loses its id to line 2 of big.jsonl, which comes first.\n',
      'blank.jsonl': '\n'.repeat(5000),
      'zz-dup.jsonl': `${JSON.stringify({ id: 'a1', text: 'A later article with the id a1 is skipped.' })}\n`,
    });
    const listing = await listCorpusFiles(corpusDir);
    const rangeBytes = 2000;
    // The test means nothing unless the files are really cut.
    const big = listing.files.find((f) => f.file === 'big.jsonl')!;
    expect((await planCorpusFileRanges(corpusDir, big, rangeBytes)).length).toBeGreaterThan(20);
    expect(
      (
        await planCorpusFileRanges(
          corpusDir,
          listing.files.find((f) => f.file === 'blank.jsonl')!,
          rangeBytes,
        )
      ).length,
    ).toBeGreaterThan(1);

    const single = await expectSameAsSingleThreaded(corpusDir, { threads: 2, rangeBytes });
    expect(single.store.get('big:11')?.line).toBe(11);
    expect(single.store.get('dup-1')?.line).toBe(7);
  });

  it('cuts at line boundaries and numbers each range by its first line', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ text: `Sentence ${i + 1} of a long file.` }));
    const text = lines.join('\n') + '\n';
    const corpusDir = await temp({ 'f.jsonl': text });
    const [file] = (await listCorpusFiles(corpusDir)).files;
    const ranges = await planCorpusFileRanges(corpusDir, file!, 1000);
    expect(ranges.length).toBeGreaterThan(5);
    expect(ranges[0]!.start).toBe(0);
    expect(ranges.at(-1)!.end).toBeUndefined();
    for (let r = 0; r < ranges.length; r++) {
      const { start, end, firstLine } = ranges[r]!;
      if (r > 0) expect(start).toBe(ranges[r - 1]!.end);
      expect(text[start - 1] ?? '\n').toBe('\n');
      expect(text.slice(0, start).split('\n').length).toBe(firstLine);
      if (end !== undefined) expect(end - start).toBeGreaterThanOrEqual(1000);
    }
  });
});

const byFile = (a: SkippedItem, b: SkippedItem) =>
  a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || a.reason.localeCompare(b.reason);

describe('building in parallel with analysis options', () => {
  it('analyzes in its helper threads with the options it was given ("known" → "know" only with base forms on)', async () => {
    const corpusDir = path.join(ROOT, 'corpus');
    const listing = await listCorpusFiles(corpusDir);
    const withBaseForms = await buildInParallel(corpusDir, listing.files, { threads: 2 });
    const without = await buildInParallel(corpusDir, listing.files, { threads: 2, baseForms: new Map() });
    expect(withBaseForms.library.sentences.termOfWord('known')).toBe('know');
    expect(without.library.sentences.termOfWord('known')).toBe('known');
  });
});
