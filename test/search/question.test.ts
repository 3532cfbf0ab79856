/**
 * Question analysis on the seed corpus: questions typed in capitals, lower
 * case or mixed case are the same question.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/localEngine.ts';
import { parseQuestion } from '../../src/search/question.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../corpus');
let engine: LocalEngine;

beforeAll(async () => {
  ({ engine } = await LocalEngine.open({ corpusDir: CORPUS }));
});

const words = (q: string) => parseQuestion(q, engine.library.sentences).groups.map((g) => g.word);
const quotes = (q: string) => engine.askSync(q, { top: 3 }).quotes.map((x) => x.text);

const titleCase = (q: string) => q.replace(/\b\p{L}/gu, (c) => c.toUpperCase());

describe('questions in capitals', () => {
  const questions = [
    'how many soldiers has canada trained in ukraine',
    'what is operation unifier',
    'when did russia annex crimea',
    'who is the canadian defence minister',
    'which countries are not considering sending troops to ukraine',
  ];

  it('answers a question typed in capitals as it answers it in lower case', () => {
    for (const q of questions) {
      const lower = quotes(q);
      expect(lower.length, q).toBeGreaterThan(0);
      expect(quotes(q.toUpperCase()), q).toEqual(lower);
    }
  });

  it('answers title case and mixed case alike', () => {
    for (const q of questions) {
      const lower = quotes(q);
      expect(quotes(titleCase(q)), q).toEqual(lower);
      // Every other word in capitals: the stop words among them stay stop words.
      const mixed = q
        .split(' ')
        .map((w, i) => (i % 2 ? w.toUpperCase() : w))
        .join(' ');
      expect(quotes(mixed), mixed).toEqual(lower);
    }
  });

  it('does not search the words of a shouted question as acronyms', () => {
    expect(words('HOW MANY STRIPES ARE ON THE AMERICAN FLAG')).toEqual(['stripes', 'american', 'flag']);
    expect(words('WHAT is Operation Unifier')).toEqual(['operation', 'unifier']);
  });

  it('keeps an acronym the corpus knows in a lower-case question', () => {
    expect(words('is the US sending troops')).toContain('us');
    expect(words('is NATO sending troops')).toContain('nato');
  });
});

describe('frame words', () => {
  const frame = (q: string) =>
    parseQuestion(q, engine.library.sentences)
      .groups.filter((g) => g.frame)
      .map((g) => g.word);

  it('the measure after "how" frames the question ("how large is the mission"), but the same word elsewhere is a topic word', () => {
    expect(frame('how large is the canadian mission')).toEqual(['large']);
    expect(frame('HOW LONG have Canadian soldiers been in Ukraine?')).toEqual(['long']);
    expect(frame('which countries sent a large mission')).toEqual([]);
  });

  it('"the name of" and "titled" frame a question, as "mean" does', () => {
    expect(frame('what was the name of the canadian mission')).toEqual(['name']);
    expect(frame('what does unifier mean')).toEqual(['mean']);
  });
});
