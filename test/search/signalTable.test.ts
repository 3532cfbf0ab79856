/**
 * The signal table: the weights, the explain output and the ablations all
 * come from it, and a score is exactly what its rows add up to.
 */
import { describe, expect, it } from 'vitest';
import type { LoadedArticle } from '../../src/corpus/types.ts';
import { Library } from '../../src/library/library.ts';
import { parseQuestion } from '../../src/search/question.ts';
import { DEFAULT_RANK_OPTIONS, rankOptions, SentenceRanker } from '../../src/search/rank.ts';
import { combineSignals, DEFAULT_WEIGHTS, SIGNALS, signalAblations, zeroValues } from '../../src/search/signalTable.ts';

function library(articles: Record<string, string>): Library {
  const lib = new Library();
  for (const [id, text] of Object.entries(articles)) {
    lib.add({ id, file: `${id}.txt`, meta: { extra: {}, title: `Notes ${id}` }, text, hash: id } satisfies LoadedArticle);
  }
  return lib;
}

const lib = library({
  a: 'The harbour bridge opened in 1932 after eight years of work. It carried trains and cars.\n\nThe bridge was painted grey.\n',
  b: 'Ferries crossed the harbour before the bridge opened. They carried 40,000 people a day.\n',
});
const question = 'When did the harbour bridge open to trains?';
const explained = (weights = {}) =>
  new SentenceRanker(lib).rank(parseQuestion(question, lib.sentences), { explain: true, weights }).results;

describe('the signal table', () => {
  it('gives every signal a distinct name, a description, an ablation and a finite default weight', () => {
    const names = SIGNALS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of SIGNALS) {
      expect(s.description.length, s.name).toBeGreaterThan(10);
      expect(s.ablation.length, s.name).toBeGreaterThan(2);
      expect(Number.isFinite(s.weight), s.name).toBe(true);
    }
    expect(Object.keys(DEFAULT_WEIGHTS)).toEqual(names);
    expect(DEFAULT_RANK_OPTIONS.weights).toEqual(DEFAULT_WEIGHTS);
  });

  it('lets a caller override one weight and keeps the others at their defaults', () => {
    const opts = rankOptions({ weights: { phrase: 0 } });
    expect(opts.weights.phrase).toBe(0);
    expect(opts.weights.coverage).toBe(DEFAULT_WEIGHTS.coverage);
  });

  it('explains a score as log(1 + stage 1) plus what each signal added', () => {
    const results = explained();
    expect(results.length).toBeGreaterThan(1);
    for (const r of results) {
      const e = r.explanation!;
      const sum = Object.values(e.contributions).reduce((a, b) => a + b, Math.log1p(e.stage1));
      expect(sum).toBeCloseTo(r.score, 10);
      expect(combineSignals(e.stage1, e.signals, DEFAULT_WEIGHTS)).toBe(r.score);
      expect(Object.keys(e.signals)).toEqual(SIGNALS.map((s) => s.name));
    }
  });

  it('a signal switched off adds nothing, and the others are unchanged', () => {
    const on = explained();
    const off = explained({ timeType: 0 });
    const opened = (rs: typeof on) => rs.find((r) => lib.store.text(r.id).includes('1932'))!;
    expect(opened(on).explanation!.contributions.timeType).toBeGreaterThan(0);
    expect(opened(off).explanation!.contributions.timeType).toBe(0);
    expect(opened(off).score).toBeCloseTo(opened(on).score - opened(on).explanation!.contributions.timeType, 10);
  });

  it('groups signals into ablations, each signal in exactly one', () => {
    const ablations = signalAblations();
    expect(ablations.flatMap((a) => a.signals).sort()).toEqual(SIGNALS.map((s) => s.name).sort());
    expect(ablations.find((a) => a.signals.includes('timeType'))!.signals).toEqual(
      expect.arrayContaining(['timeType', 'quantityType', 'nameType', 'newName']),
    );
  });

  it('scores zero values as log(1 + stage 1) alone', () => {
    expect(combineSignals(3, zeroValues(), DEFAULT_WEIGHTS)).toBe(Math.log1p(3));
  });
});
