/**
 * Questions in people's own words, asked of the seed corpus (corpus/): the
 * answer uses other words than the question. Regression pins; the evidence
 * for the ranking's choices is `npm run bench:quality` (README, "Answer quality").
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/localEngine.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../corpus');
let engine: LocalEngine;
const first = (q: string): string | undefined => engine.askSync(q, { top: 3 }).quotes[0]?.text;

beforeAll(async () => {
  ({ engine } = await LocalEngine.open({ corpusDir: CORPUS }));
});

describe('paraphrased questions on the seed corpus', () => {
  it('"how big is the Canadian mission" is answered with the number of service members', () => {
    expect(first('how big is the canadian mission in ukraine')).toMatch(/about 200 service members/);
  });

  it('"will Canadian soldiers fight?" is answered by "Canadian forces will not engage in combat"', () => {
    expect(first('Will Canadian soldiers fight?')).toMatch(/will not engage in combat/);
  });

  it('"is the US sending soldiers" is answered by the sentence saying the US sends troops', () => {
    expect(first('Is the US sending soldiers to Ukraine?')).toMatch(/US to send 800 troops/);
  });

  it('"when did Canadian service members arrive" is answered by the sentence saying they have been there "since September 2015"', () => {
    expect(first('when did Canadian service members arrive in Ukraine')).toMatch(/since September 2015/);
  });

  it('"how many soldiers has Canada trained" is answered by the number of soldiers, not by another number in an article whose title names them', () => {
    expect(first('how many soldiers has canada trained')).toMatch(/more than 10,000 Ukrainian soldiers/);
  });

  it('a question about a word the corpus never uses gets no answer, even when its frame word ("mean") is in the corpus', () => {
    for (const q of ['what does gringo mean', 'what does arraignment mean', 'what is metformin used for']) {
      expect(engine.askSync(q).quotes, q).toEqual([]);
    }
  });
});
