import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { PostingsMiniSearch } from '../../src/library/postingsMiniSearch.ts';
import { SentenceIndex } from '../../src/library/sentenceIndex.ts';
import { Analyzer } from '../../src/text/analyze.ts';

const SENTENCES = [
  'Canada trains Ukrainian soldiers under Operation Unifier.',
  'The mission trained more than 10,000 soldiers in three years.',
  'Britain supplied anti-tank weapons to Ukraine.',
  'The soldiers returned home after the training mission.',
  'Sanctions were imposed on Russian individuals.',
];

function build(): SentenceIndex {
  const index = new SentenceIndex();
  index.addBatch(SENTENCES.map((text, id) => ({ id, text })));
  return index;
}

describe('SentenceIndex', () => {
  it('scores a term exactly as a plain MiniSearch does (BM25+), so reading its postings is sound', () => {
    const index = build();
    const analyzer = new Analyzer();
    const plain = new MiniSearch<{ id: number; text: string }>({
      fields: ['text'],
      tokenize: (t) => analyzer.terms(t),
      processTerm: (t) => t,
    });
    SENTENCES.forEach((text, id) => plain.add({ id, text }));
    for (const term of ['soldier', 'mission', 'ukrainian', 'sanction']) {
      const ours = new Map<number, number>();
      for (const [id, tf] of index.postings(term) ?? []) {
        ours.set(id, index.idf(index.documentFrequency(term)) * index.termWeight(tf, index.length(id)));
      }
      const theirs = plain.search(term, { tokenize: (t) => [t], processTerm: (t) => t });
      expect(theirs.length).toBe(ours.size);
      for (const r of theirs) expect(ours.get(r.id as number)).toBeCloseTo(r.score, 10);
    }
  });

  it('keeps the average sentence length right when sentences are discarded', () => {
    const index = build();
    const lengths = SENTENCES.map((_, i) => index.length(i));
    index.discard(1);
    index.discard(3);
    const kept = [0, 2, 4].map((i) => lengths[i]!);
    expect(index.averageLength).toBeCloseTo(kept.reduce((a, b) => a + b, 0) / kept.length, 10);
  });

  it('counts document frequency per term', () => {
    const index = build();
    expect(index.documentFrequency('soldier')).toBe(3);
    expect(index.documentFrequency('tank')).toBe(1);
    expect(index.documentFrequency('nothing')).toBe(0);
    expect(index.documentCount).toBe(5);
  });

  it('gives unseen terms the highest idf', () => {
    const index = build();
    expect(index.idf(0)).toBeGreaterThan(index.idf(1));
    expect(index.idf(1)).toBeGreaterThan(index.idf(3));
  });

  it('finds vocabulary words within a few edits of a misspelling', () => {
    const index = build();
    expect(index.similarWords('soliders', 2).map((w) => w.word)).toContain('soldiers');
    expect(index.similarWords('unifer', 1).map((w) => w.word)).toEqual(['unifier']);
    expect(index.similarWords('qwerty', 1)).toEqual([]);
    expect(index.hasWord('unifier')).toBe(true);
    expect(index.hasWord('unifer')).toBe(false);
  });

  it('refuses ids out of order, which would desynchronise it from MiniSearch', () => {
    const index = new SentenceIndex();
    index.addBatch([{ id: 0, text: 'first' }]);
    expect(() => index.addBatch([{ id: 2, text: 'skipped one' }])).toThrow(/in order/);
  });

  it('drops a discarded sentence from its document count', () => {
    const index = build();
    index.discard(2);
    expect(index.documentCount).toBe(4);
  });
});

describe('SentenceIndex.addBatch', () => {
  it('indexes exactly as MiniSearch.add does: the same postings and lengths', () => {
    const analyzer = new Analyzer();
    // Indexed by MiniSearch's own `add`; the subclass only reads what `add` wrote.
    const theirs = new PostingsMiniSearch<{ id: number; text: string }>({
      fields: ['text'],
      tokenize: (t) => analyzer.terms(t),
      processTerm: (t) => t,
    });
    SENTENCES.forEach((text, id) => theirs.add({ id, text }));
    const ours = build();
    let terms = 0;
    for (const [term, postings] of theirs.fieldPostings(0)) {
      terms++;
      expect(new Map(ours.postings(term))).toEqual(postings);
    }
    expect(ours.termCount).toBe(terms);
    SENTENCES.forEach((_, id) => expect(ours.length(id)).toBe(theirs.fieldLength(id, 0)));
    expect(ours.averageLength).toBeCloseTo(theirs.averageFieldLength(0), 12);
    expect(ours.similarWords('soliders', 1).map((w) => w.word)).toEqual(['soldiers']);
  });

  it('accepts terms analyzed elsewhere, with their words', () => {
    const analyzer = new Analyzer();
    const batch = new SentenceIndex();
    batch.addBatch(SENTENCES.map((text, id) => ({ id, terms: analyzer.terms(text) })));
    batch.addWords(
      analyzer
        .tokens(SENTENCES.join(' '))
        .filter((t) => t.terms.length)
        .map((t) => [t.word, t.terms[0]!] as const),
    );
    const one = build();
    for (const [term, postings] of one.termPostings()) expect(new Map(batch.postings(term))).toEqual(new Map(postings));
    expect(batch.hasWord('unifier')).toBe(true);
  });
});
