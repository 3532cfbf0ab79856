import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/text/sentences.ts';

const split = (text: string, maxLength?: number): string[] => splitSentences(text, { maxLength }).map((s) => text.slice(s.start, s.end));

describe('splitSentences', () => {
  it('keeps dotted country abbreviations inside the sentence', () => {
    expect(split('The U.S. and the U.K. agreed. Talks resume Monday.')).toEqual(['The U.S. and the U.K. agreed.', 'Talks resume Monday.']);
  });

  it('does not split after a month abbreviation followed by a day', () => {
    expect(split('Kiev, Ukraine, Aug. 24, 2018. AP Photo/Efrem Lukatsky')).toEqual([
      'Kiev, Ukraine, Aug. 24, 2018.',
      'AP Photo/Efrem Lukatsky',
    ]);
  });

  it('does not split after a title before a name', () => {
    expect(split('We have seen that Mr. Putin will back down. He is not someone to risk it.')).toEqual([
      'We have seen that Mr. Putin will back down.',
      'He is not someone to risk it.',
    ]);
    expect(split('Mr. Putin will back down.')).toEqual(['Mr. Putin will back down.']);
  });

  it('does not split after a middle initial', () => {
    expect(split('John G. Ward was there. So was Ann.')).toEqual(['John G. Ward was there.', 'So was Ann.']);
  });

  it('keeps decimal amounts and currency prefixes whole', () => {
    expect(split('Canada has allocated over $9.7 billion in aid. It continues.')).toEqual([
      'Canada has allocated over $9.7 billion in aid.',
      'It continues.',
    ]);
    expect(split('It pledged approximately C$2 billion (around $1.4 billion) in June. More may follow.')).toEqual([
      'It pledged approximately C$2 billion (around $1.4 billion) in June.',
      'More may follow.',
    ]);
  });

  it('does not split at an ellipsis joined to the next word', () => {
    const text = 'which is non-kinetic flak jackets\u2026we could send night vision goggles. That\u2019s agreed.';
    expect(split(text)).toEqual(['which is non-kinetic flak jackets\u2026we could send night vision goggles.', 'That\u2019s agreed.']);
  });

  it('does not split at a comma inside a closing quote followed by "he said"', () => {
    const text = '\u201CThat\u2019s the kind of technical training that we can offer,\u201D he said. \u201CWe are in discussions.\u201D';
    expect(split(text)).toEqual([
      '\u201CThat\u2019s the kind of technical training that we can offer,\u201D he said.',
      '\u201CWe are in discussions.\u201D',
    ]);
  });

  it('ends a sentence inside its closing quote mark', () => {
    expect(split('He said \u201CGo home.\u201D Then he left.')).toEqual(['He said \u201CGo home.\u201D', 'Then he left.']);
    expect(split('"Is it over?" she asked. "Yes!" He nodded.')).toEqual(['"Is it over?" she asked.', '"Yes!"', 'He nodded.']);
  });

  it('keeps academic degrees whole unless a new sentence clearly starts', () => {
    expect(split('She earned a Ph.D. in physics at Yale. She taught there.')).toEqual([
      'She earned a Ph.D. in physics at Yale.',
      'She taught there.',
    ]);
    expect(split('She has a Ph.D. She taught at Yale.')).toEqual(['She has a Ph.D.', 'She taught at Yale.']);
  });

  it('handles a.m. and p.m. mid-sentence and at the end of one', () => {
    expect(split('The session began at 9 a.m. and ended at 5 p.m. The vote came later.')).toEqual([
      'The session began at 9 a.m. and ended at 5 p.m.',
      'The vote came later.',
    ]);
    expect(split('Polls open at 7 a.m. Monday in most ridings.')).toEqual(['Polls open at 7 a.m. Monday in most ridings.']);
  });

  it('keeps "No. 10" together', () => {
    expect(split('He lives at No. 10 Downing Street. It is old.')).toEqual(['He lives at No. 10 Downing Street.', 'It is old.']);
  });

  it('treats line breaks as hard boundaries', () => {
    expect(split('Canada ready to send troops\nCanada says it is open to it.')).toEqual([
      'Canada ready to send troops',
      'Canada says it is open to it.',
    ]);
  });

  it('splits at question and exclamation marks followed by a capital', () => {
    expect(split('Will it work? Nobody knows! We will see.')).toEqual(['Will it work?', 'Nobody knows!', 'We will see.']);
  });

  it('returns offsets into the original text', () => {
    const text = '  First one.   Second one.  ';
    const spans = splitSentences(text);
    expect(spans).toEqual([
      { start: 2, end: 12 },
      { start: 15, end: 26 },
    ]);
  });

  it('splits only the requested range', () => {
    const text = 'Skip this. Take this one. And this.';
    expect(splitSentences(text, {}, 11).map((s) => text.slice(s.start, s.end))).toEqual(['Take this one.', 'And this.']);
  });

  it('drops pieces without any letter or digit', () => {
    expect(split('\u2014 \u2014\nReal text here.')).toEqual(['Real text here.']);
  });

  it('cuts a run-on line at a clause break below the length limit', () => {
    const clause = 'the mission continued for another year, ';
    const text = clause.repeat(20) + 'and ended.';
    const pieces = split(text, 200);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(200);
    expect(pieces.join(' ').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' ').trim());
  });

  it('stays linear on a very long line without boundaries', () => {
    // A quadratic splitter takes minutes here; a linear one a few milliseconds.
    const text = 'word '.repeat(400_000);
    const spans = splitSentences(text);
    expect(spans.length).toBeGreaterThan(1000);
    expect(spans.every((s) => s.end - s.start <= 1000)).toBe(true);
  });
});
