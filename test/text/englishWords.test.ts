import { describe, expect, it } from 'vitest';
import { isEnglishWord } from '../../src/text/englishWords.ts';

describe('the English word list', () => {
  it('knows ordinary words and their inflections', () => {
    for (const w of ['reset', 'password', 'passwords', 'resetting', 'stopped', 'running', 'went', 'women', 'stripes', 'happier']) {
      expect(isEnglishWord(w), w).toBe(true);
    }
  });

  it('does not know misspellings or made-up strings', () => {
    for (const w of ['ukriane', 'soliders', 'unifer', 'recieve', 'qwzzx', 'passwrod']) expect(isEnglishWord(w), w).toBe(false);
  });
});
