/**
 * The words of a long message that say what it is about (Find sources): rare
 * corpus words before common ones, and words the corpus never saw kept in
 * their share, so a message about something else still finds no answer.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/localEngine.ts';
import { MAX_DISTINCTIVE_INPUT } from '../../src/engine/queries.ts';
import { WorkerEngine } from '../../src/engine/workerEngine.ts';
import { ROOT } from './helpers.ts';

let local: LocalEngine;
beforeAll(async () => {
  local = (await LocalEngine.open({ corpusDir: path.join(ROOT, 'corpus') })).engine;
});
afterAll(async () => local?.close());

const LONG_ON_TOPIC =
  'So I was reading the news yesterday and honestly I could not follow all of it, but apparently Canada is going to ' +
  'train soldiers and there was something about Leopard tanks being sent, and also the mission that has been going on ' +
  'for years, what was it called, Operation Unifier? My uncle keeps bringing it up at dinner and I never know what to say.';

describe('distinctive words', () => {
  it('returns a short text whole, stop words aside, in its order', async () => {
    expect(await local.distinctiveWords('What is Operation Unifier?', 12)).toEqual({ words: ['operation', 'unifier'], total: 2 });
  });

  it('puts words rare in the corpus before common ones', async () => {
    const { library } = local;
    const { words } = await local.distinctiveWords(LONG_ON_TOPIC, 6);
    expect(words).toHaveLength(6);
    const df = (w: string) => library.sentences.documentFrequency(library.analyzer.analyzeToken(w).terms[0]!);
    const known = words.filter((w) => df(w) > 0);
    const content = library.analyzer.tokens(LONG_ON_TOPIC).filter((t) => t.terms.length > 0);
    const left = [...new Set(content.filter((t) => df(t.word) > 0).map((t) => t.word))].filter((w) => !words.includes(w));
    expect(known.length).toBeGreaterThan(0);
    // Every known word chosen is at least as rare as every known word left out.
    for (const w of known) for (const l of left) expect(df(w)).toBeLessThanOrEqual(df(l));
    expect(words).toContain('leopard');
  });

  it('keeps the share of words the corpus does not know', async () => {
    const offTopic =
      'Does anyone know a good pizza place in Chicago with vegan cheese, gluten-free crust and late opening hours near the lakefront? ' +
      'My cousin recommended somewhere with deep dish but I forgot the name, something with a mustache on the logo.';
    const { words, total } = await local.distinctiveWords(offTopic, 10);
    expect(words).toHaveLength(10);
    const { library } = local;
    const unknownShare =
      words.filter((w) => library.sentences.documentFrequency(library.analyzer.analyzeToken(w).terms[0]!) === 0).length / words.length;
    expect(unknownShare).toBeGreaterThan(0.5);
    expect(total).toBeGreaterThan(10);
    // And answering those words finds nothing, as for the whole message.
    expect((await local.ask(words.join(' '))).quotes).toEqual([]);
  });

  it('finds the answer of a long on-topic message in the words it keeps', async () => {
    const message =
      'Quick question for the group, since the thread above went in circles: how many CAF members does Canada send ' +
      'to Ukraine every six months under the training mission, and who confirmed the special forces deployment?';
    const { words, total } = await local.distinctiveWords(message, 12);
    expect(total).toBeGreaterThan(12);
    const answer = await local.ask(words.join(' '));
    expect(answer.quotes[0]?.text).toMatch(/Canada sends a group of about 200 CAF members to Ukraine every six months/);
  });

  it('reads at most MAX_DISTINCTIVE_INPUT characters', async () => {
    const text = `${'filler '.repeat(Math.ceil(MAX_DISTINCTIVE_INPUT / 7))} Unifier`;
    expect((await local.distinctiveWords(text, 5)).words).not.toContain('unifier');
  });

  it('is the same through the worker engine', async () => {
    const { engine } = await WorkerEngine.open({ corpusDir: path.join(ROOT, 'corpus') });
    try {
      expect(await engine.distinctiveWords(LONG_ON_TOPIC, 8)).toEqual(await local.distinctiveWords(LONG_ON_TOPIC, 8));
    } finally {
      await engine.close();
    }
  });
});
