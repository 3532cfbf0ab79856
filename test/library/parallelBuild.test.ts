/**
 * A build on several threads must give exactly the library a single-threaded
 * build gives: the same articles in the same order, the same sentence ids,
 * postings and vocabulary, and the same skipped items.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCorpusFiles, loadCorpus } from '../../src/corpus/index.ts';
import { buildLibrary } from '../../src/library/build.ts';
import { buildInParallel } from '../../src/library/parallelBuild.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe.each([
  ['the seed corpus', path.join(ROOT, 'corpus')],
  ['a corpus with duplicate ids', path.join(ROOT, 'test/fixtures/corpus-duplicates')],
  ['a mixed corpus with bad files', path.join(ROOT, 'test/fixtures/corpus-mixed')],
])('building %s in parallel', (_name, corpusDir) => {
  it('gives the same library as a single-threaded build', async () => {
    const corpus = await loadCorpus(corpusDir);
    const single = await buildLibrary(corpus.articles);
    const listing = await listCorpusFiles(corpusDir);
    // Two helpers and one-file chunks, so results arrive interleaved and must be put back in order.
    const parallel = await buildInParallel(corpusDir, listing.files, { threads: 2, chunkFiles: 1 });
    const lib = parallel.library;

    expect([...lib.store.all()].map((a) => [a.id, a.title, a.firstSentence, a.sentenceCount])).toEqual(
      [...single.store.all()].map((a) => [a.id, a.title, a.firstSentence, a.sentenceCount]),
    );
    for (let id = 0; id < single.store.sentenceIdLimit; id++) expect(lib.store.text(id)).toBe(single.store.text(id));
    expect(lib.sentences.termCount).toBe(single.sentences.termCount);
    for (const [term, postings] of single.sentences.termPostings())
      expect(new Map(lib.sentences.postings(term))).toEqual(new Map(postings));
    expect(lib.sentences.averageLength).toBeCloseTo(single.sentences.averageLength, 12);
    expect(new Map(lib.sentences.vocabulary())).toEqual(new Map(single.sentences.vocabulary()));
    expect([...listing.skipped, ...parallel.skipped].sort(byFile)).toEqual([...corpus.skipped].sort(byFile));
  });
});

const byFile = (a: { file: string; line?: number; reason: string }, b: { file: string; line?: number; reason: string }) =>
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
