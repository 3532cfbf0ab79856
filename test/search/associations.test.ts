import { describe, expect, it } from 'vitest';
import { associationsOf, parseAssociations } from '../../src/search/associations.ts';

describe('question–answer word associations', () => {
  it('reads lines of "source<TAB>target:weight…", ignoring malformed items and capping weights at 1', () => {
    const table = parseAssociations('sing\tperform:0.7 vocal:1.5 bad junk:0\n\nnotab\n');
    expect(table.get('sing')).toEqual([
      { term: 'perform', weight: 0.7 },
      { term: 'vocal', weight: 1 },
    ]);
    expect(table.has('notab')).toBe(false);
  });

  it('the shipped table links question words to the words their answers use', () => {
    expect(associationsOf('sing').map((a) => a.term)).toContain('perform');
    expect(associationsOf('troop').map((a) => a.term)).toContain('soldier');
    expect(associationsOf('no-such-term')).toEqual([]);
    for (const a of associationsOf('larg')) expect(a.weight).toBeGreaterThan(0);
  });
});
