import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/localEngine.ts';
import type { Answer } from '../../src/search/answer.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../corpus');
let engine: LocalEngine;
const ask = (q: string, top = 3): Answer => engine.askSync(q, { top });

beforeAll(async () => {
  ({ engine } = await LocalEngine.open({ corpusDir: CORPUS }));
});

describe('answers on the seed corpus', () => {
  it('quotes a sentence naming Operation Unifier for "what is Operation Unifier"', () => {
    const a = ask('what is Operation Unifier');
    expect(a.quotes.length).toBeGreaterThan(0);
    expect(a.quotes[0]!.text).toMatch(/Operation Unifier/i);
    const [start, end] = a.quotes[0]!.highlights[0]!;
    expect(a.quotes[0]!.text.slice(start, end)).toMatch(/^Operation Unifier$/i);
  });

  it('forgives typos in longer words', () => {
    expect(ask('what is operation unifer').quotes[0]?.text).toMatch(/Unifier/i);
    expect(
      ask('how many soliders were trained')
        .quotes.map((q) => q.text)
        .join(' '),
    ).toMatch(/soldiers/);
    expect(ask('sanctions against ukriane').quotes[0]?.text).toMatch(/Ukraine/);
    expect(ask('what is operation unifer').corrections).toEqual({ unifer: ['unifier'] });
  });

  it('never "corrects" an ordinary English word into a corpus word: "reset" is not a typo of "rest"', () => {
    const a = ask('how do I reset my password');
    expect(a.corrections).toEqual({});
    expect(a.searchedWords).toEqual(expect.arrayContaining(['reset', 'password']));
    expect(a.quotes).toEqual([]); // the corpus says nothing about passwords
  });

  it('tells a clear answer from the closest matches, and both from no answer', () => {
    expect(ask('what is Operation Unifier').confidence).toEqual({ level: 'clear', score: 1 });
    const weak = ask('who is the prime minister of Australia'); // "Australia" is nowhere in the corpus
    expect(weak.quotes.length).toBeGreaterThan(0);
    expect(weak.confidence.level).toBe('weak');
    expect(weak.confidence.score).toBeGreaterThan(0);
    expect(weak.confidence.score).toBeLessThan(0.6);
    expect(ask('xkcd qwerty zzzz').confidence).toEqual({ level: 'none', score: 0 });
  });

  it('takes the least confidence of a clear answer as an option', () => {
    const score = ask('who is the prime minister of Australia').confidence.score;
    expect(engine.askSync('who is the prime minister of Australia', { minConfidence: score }).confidence.level).toBe('clear');
    expect(engine.askSync('what is Operation Unifier', { minConfidence: 1.01 }).confidence.level).toBe('weak');
  });

  it('ranks an exact match above a typo correction', () => {
    const exact = ask('Unifier').quotes[0]!.score;
    const typo = ask('Unifer').quotes[0]!.score;
    expect(typo).toBeLessThan(exact);
  });

  it('says there is no answer rather than quoting the least bad sentence', () => {
    for (const q of ['What is the capital of Australia?', 'xkcd qwerty zzzz']) {
      const a = ask(q);
      expect(a.quotes, q).toEqual([]);
      expect(a.reason).toBe('no-match');
    }
  });

  it('explains a question made only of common words', () => {
    const a = ask('what is it?');
    expect(a.quotes).toEqual([]);
    expect(a.reason).toBe('no-search-terms');
  });

  it('cites the article, position and neighbouring sentences of each quote', () => {
    const q = ask('Leopard 2 tanks').quotes[0]!;
    expect(q.text).toMatch(/Leopard 2 tanks/);
    expect(q.article.id).toBe('001_06c48624334c598a');
    expect(q.article.title).toBe('Canada ready to send its troops to Ukraine to train soldiers');
    expect(q.context.before).toMatch(/CA\$60 million/);
    expect(q.context.after).toMatch(/Senator armored vehicles/);
    expect(q.sentence).toBeGreaterThan(0);
  });

  it('finds numbers written with or without separators', () => {
    expect(ask('10000 soldiers').quotes[0]?.text).toMatch(/10,000/);
    expect(ask('10,000 soldiers').quotes[0]?.text).toMatch(/10,000/);
  });

  it('folds accents in questions and text alike', () => {
    expect(ask('Sejourne').quotes[0]?.text).toMatch(/Séjourné/);
  });

  it('pages through results without repeating quotes', () => {
    const first = engine.askSync('Operation Unifier', { top: 2 });
    const second = engine.askSync('Operation Unifier', { top: 2, offset: 2 });
    expect(first.total).toBeGreaterThan(2);
    const texts = [...first.quotes, ...second.quotes].map((q) => q.text);
    expect(new Set(texts).size).toBe(texts.length);
  });
});

describe('answers on a corpus that repeats a line', () => {
  it('quotes a sentence shared by two articles once', async () => {
    const { engine: shared } = await LocalEngine.open({ corpusDir: path.resolve(import.meta.dirname, '../fixtures/corpus-shared-lines') });
    const a = shared.askSync('when did the harbour bridge reopen', { top: 5 });
    const texts = a.quotes.map((q) => q.text);
    expect(texts.filter((t) => t.startsWith('The harbour bridge reopened'))).toHaveLength(1);
  });

  it('cites front-matter title, source, date and link', async () => {
    const { engine: shared } = await LocalEngine.open({ corpusDir: path.resolve(import.meta.dirname, '../fixtures/corpus-shared-lines') });
    const q = shared.askSync('steel cables replaced').quotes[0]!;
    expect(q.article).toMatchObject({
      id: 'wire-a',
      title: 'Wire story, first outlet',
      source: 'Outlet A',
      date: '2024-03-01',
      url: 'https://a.example/wire',
    });
  });
});
