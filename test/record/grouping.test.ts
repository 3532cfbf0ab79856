/**
 * Unanswered questions are grouped by their words: the stems the engine
 * searched for, so that rewordings of one question make one gap in /stats.
 */
import { describe, expect, it } from 'vitest';
import { questionKey } from '../../src/record/grouping.ts';
import { useSeedAnswers } from './helpers.ts';

const seed = useSeedAnswers();
const keyOf = (question: string) => questionKey(seed.ask(question).searchedWords);

describe('the grouping of questions', () => {
  it('puts rewordings of one question in one group: order, stop words, case, possessives and plurals aside', () => {
    const key = keyOf('What is the capital of Australia?');
    expect(key).not.toBe('');
    expect(keyOf('capital of australia')).toBe(key);
    expect(keyOf("Australia's capitals?")).toBe(key);
    expect(keyOf('AUSTRALIA: the CAPITAL?')).toBe(key);
  });

  it('keeps questions about different things apart', () => {
    expect(keyOf('capital of Austria')).not.toBe(keyOf('capital of Australia'));
    expect(keyOf('capital of Australia')).not.toBe(keyOf('population of Australia'));
  });

  it('gives a question of stop words only the empty key', () => {
    expect(keyOf('what is it?')).toBe('');
  });

  it('keeps an acronym that spells a stop word', () => {
    expect(questionKey(['us', 'troops'])).toBe('troop us');
    expect(questionKey(['troops'])).toBe('troop');
  });

  it('is the sorted distinct stems, whatever the order of the words', () => {
    expect(questionKey(['tanks', 'leopard', 'tank'])).toBe(questionKey(['leopard', 'tank']));
    expect(questionKey(['leopard', 'tank']).split(' ')).toEqual(['leopard', 'tank']);
  });
});
