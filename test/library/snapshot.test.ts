/**
 * A library read from a snapshot keeps its postings encoded until they are
 * needed (src/library/encodedPostings.ts) and its title index as it was
 * saved: it must answer, suggest and change exactly as the library that was
 * saved, before and after its postings are materialized into MiniSearch.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/index.ts';
import type { LoadedArticle } from '../../src/corpus/types.ts';
import { buildLibrary } from '../../src/library/build.ts';
import { SortedPostings } from '../../src/library/encodedPostings.ts';
import type { Library } from '../../src/library/library.ts';
import { readSnapshot, SNAPSHOT_FORMAT, writeSnapshot, type CorpusManifest } from '../../src/library/snapshot.ts';
import { answerQuestion } from '../../src/search/answer.ts';
import { SentenceRanker } from '../../src/search/rank.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const QUESTIONS = [
  'what is Operation Unifier',
  'how many soliders were trained',
  'Leopard 2 tanks',
  'What is the capital of Australia?',
  'Carney visits Ukraine',
  'sanctions on Russian individuals',
  'who commanded the peacekeeping mission',
];
const PREFIXES = ['carney', 'operat', 'ukr', 'canada troop', 'leopard'];
const MANIFEST: CorpusManifest = { corpusDir: '/corpus', files: [], listingSkipped: [] };

let dir = '';
let file = '';
let articles: LoadedArticle[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'verbatim-library-snapshot-'));
  file = path.join(dir, 'index.bin');
  articles = (await loadCorpus(path.join(ROOT, 'corpus'))).articles;
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** Everything a user can see of a library: answers to the questions and suggestions for the prefixes. */
function seen(library: Library): string {
  const ranker = new SentenceRanker(library);
  return JSON.stringify({
    answers: QUESTIONS.map((q) => ({ ...answerQuestion(library, ranker, q, { top: 5 }), tookMs: 0 })),
    suggestions: PREFIXES.map((p) => library.titles.suggest(p, 5)),
  });
}

/** Every term's postings, as plain Maps. */
function postingsOf(library: Library): Map<string, Map<number, number>> {
  return new Map([...library.sentences.livePostings()].map(([term, fields]) => [term, new Map(fields[0]![1])]));
}

async function saved(library: Library): Promise<Library> {
  await writeSnapshot(file, library, MANIFEST);
  return (await readSnapshot(file)).library;
}

describe('a library read from a snapshot', () => {
  it('answers and suggests exactly as the library saved, while its postings are still encoded and once they are materialized', async () => {
    const built = await buildLibrary(articles);
    const restored = await saved(built);
    expect(restored.materialized).toBe(false);
    expect(seen(restored)).toBe(seen(built));
    for (const [term, postings] of built.sentences.termPostings())
      expect(new Map(restored.sentences.postings(term))).toEqual(new Map(postings));
    expect(restored.stats()).toEqual(built.stats());

    expect(restored.store.hasBorrowedBodies).toBe(true); // views of the file's buffer until materialized

    await restored.materialize();
    expect(restored.materialized).toBe(true);
    expect(restored.store.hasBorrowedBodies).toBe(false);
    for (const a of built.store.all()) expect(restored.store.articleText(restored.store.get(a.id)!)).toBe(built.store.articleText(a));
    expect(seen(restored)).toBe(seen(built));
    expect(postingsOf(restored)).toEqual(postingsOf(built));
    expect(restored.stats()).toEqual(built.stats());
  });

  it('keeps the title index as it was saved: the same postings and lengths for ranking, the same matches for suggestions', async () => {
    const built = await buildLibrary(articles);
    const restored = await saved(built);
    expect(restored.titles.exportState()).toEqual(built.titles.exportState());
    for (const [term, fields] of built.titles.livePostings())
      for (const [fieldId, postings] of fields) if (fieldId === 0) expect([...restored.titles.postings(term)!]).toEqual(postings);
    expect(restored.titles.materialized).toBe(false);
    expect(PREFIXES.map((p) => restored.titles.suggest(p, 5))).toEqual(PREFIXES.map((p) => built.titles.suggest(p, 5)));
    expect(restored.titles.materialized).toBe(true); // a prefix search needs the radix tree
    // The same terms and postings; the radix tree's order may differ (a tree filled term by term in its saved order
    // need not iterate in the order of the tree that saved it), which only orders suggestions of exactly equal score.
    expect(new Map(restored.titles.livePostings())).toEqual(new Map(built.titles.livePostings()));
  });

  it('is changed as the library saved would be, whether or not its postings were materialized first', async () => {
    const [first, ...rest] = articles;
    const extra: LoadedArticle = {
      ...first!,
      id: 'lighthouse',
      file: 'lighthouse.md',
      text: 'The committee restored the old lighthouse by spring. Soldiers painted it white.',
      meta: { title: 'Lighthouse', extra: {} },
      hash: 'lighthouse-hash',
    };
    const change = (library: Library) => {
      library.remove(rest[1]!.id);
      library.add(extra);
    };
    const built = await buildLibrary(articles);
    const lazy = await saved(built);
    const materialized = (await readSnapshot(file)).library;
    await materialized.materialize();
    change(built);
    change(lazy); // materializes at once, then changes
    change(materialized);
    // A MiniSearch search drops the discarded titles it meets from their postings: each library searched once alike first.
    for (const library of [built, lazy, materialized]) seen(library);
    for (const library of [lazy, materialized]) {
      expect(seen(library)).toBe(seen(built));
      expect(postingsOf(library)).toEqual(postingsOf(built));
      expect(library.titles.exportState()).toEqual(built.titles.exportState());
    }
    const again = seen(await saved(lazy));
    expect(again).toBe(seen(await saved(built)));
  });

  it('finds the same misspelt words (its vocabulary is read in bulk, its typo buckets made when first needed)', async () => {
    const built = await buildLibrary(articles);
    const restored = await saved(built);
    for (const word of ['soliders', 'unifer', 'ukrane', 'peacekeping', 'sanctons'])
      for (const edits of [1, 2]) expect(restored.sentences.similarWords(word, edits)).toEqual(built.sentences.similarWords(word, edits));
    restored.sentences.addWords([['zorbulon', 'zorbulon']]);
    expect(restored.sentences.similarWords('zorbulan', 2).map((w) => w.word)).toEqual(['zorbulon']);
  });
});

describe('a snapshot of this format', () => {
  /** Rewrites the snapshot's contents before the checksum and recomputes it, as if it had been written so. */
  async function rewrite(change: (body: Buffer) => Buffer): Promise<void> {
    const bytes = await readFile(file);
    const body = change(Buffer.from(bytes.subarray(0, bytes.length - 32)));
    await writeFile(file, Buffer.concat([body, createHash('sha256').update(body).digest()]));
  }

  it('refuses one of the previous format, which it would misread', async () => {
    await writeSnapshot(file, await buildLibrary(articles), MANIFEST);
    // The magic (a length byte and 8 bytes), then the format number.
    await rewrite((body) => {
      expect(body[9]).toBe(SNAPSHOT_FORMAT);
      body[9] = SNAPSHOT_FORMAT - 1;
      return body;
    });
    await expect(readSnapshot(file)).rejects.toThrow(`format ${SNAPSHOT_FORMAT - 1}, expected ${SNAPSHOT_FORMAT}`);
  });

  it('refuses one whose postings or title documents are cut short, even with a checksum that matches', async () => {
    await writeSnapshot(file, await buildLibrary(articles), MANIFEST);
    const whole = (await readFile(file)).subarray(0, -32);
    for (const keep of [0.6, 0.8, 0.95, 0.999]) {
      await writeFile(file, whole);
      await rewrite((body) => body.subarray(0, Math.floor(body.length * keep)));
      await expect(readSnapshot(file)).rejects.toThrow(/unreadable|truncated|do not match/);
    }
  });
});

describe('SortedPostings', () => {
  it('reads as the Map it stands for: size, look-ups, and entries in id order', () => {
    const map = new Map([
      [2, 1],
      [5, 3],
      [9, 1],
      [40, 2],
    ]);
    const sorted = new SortedPostings(Uint32Array.from(map.keys()), Uint32Array.from(map.values()));
    expect(sorted.size).toBe(4);
    expect([...sorted]).toEqual([...map]);
    for (let id = 0; id <= 41; id++) {
      expect(sorted.get(id)).toBe(map.get(id));
      expect(sorted.has(id)).toBe(map.has(id));
    }
    expect(sorted.toMap()).toEqual(map);
    expect([...new SortedPostings(new Uint32Array(0), new Uint32Array(0))]).toEqual([]);
  });
});
