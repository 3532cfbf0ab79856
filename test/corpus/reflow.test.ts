import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCorpusFile } from '../../src/corpus/index.ts';
import { detectWrapWidth, joinHyphenated, unwrapText } from '../../src/corpus/reflow.ts';
import { cleanArticle } from '../../src/text/clean.ts';
import { SEED_CORPUS, fixture } from './helpers.ts';

const WRAPPED = fixture('corpus-wrapped');

/** The quotable sentences of a corpus file, as the index would see them. */
async function quotes(root: string, file: string): Promise<string[]> {
  const { articles } = await readCorpusFile(root, file);
  const text = articles[0]!.text;
  return cleanArticle(text).sentences.map((s) => text.slice(s.start, s.end));
}

describe('hard-wrapped text', () => {
  it('a sentence wrapped over several lines of an RFC is one quote', async () => {
    expect(await quotes(WRAPPED, 'rfc.txt')).toContain(
      'The keepers replaced the old foghorn in 1998 because the ferries that cross the bay every hour in summer could not tell its signal apart from the horns of the fishing fleet.',
    );
  });

  it('an RFC keeps its header columns, headings and list items apart, and a hanging indent continues its item', async () => {
    const { articles } = await readCorpusFile(WRAPPED, 'rfc.txt');
    const lines = articles[0]!.text.split('\n');
    expect(lines.slice(0, 3)).toEqual((await readFile(path.join(WRAPPED, 'rfc.txt'), 'utf8')).split('\n').slice(0, 3));
    expect(lines).toContain('1.  Introduction');
    expect(lines).toContain('   o  One long flash means that the harbour entrance is clear and that a ferry may enter at normal speed.');
    expect(lines).toContain('   o  Three short flashes mean that the harbour is closed.');
  });

  it('a Gutenberg chapter re-joins its paragraphs and keeps its heading and verse line by line', async () => {
    const { articles } = await readCorpusFile(WRAPPED, 'gutenberg.txt');
    const lines = articles[0]!.text.split('\n');
    expect(lines).toContain('CHAPTER I.');
    expect(lines).toContain('    Keep the lamp and trim the light,');
    expect(lines).toContain('    Who it was that kept them so.');
    expect(lines).toContain(
      'When the ferry company built the new terminal, the keeper was the first to walk across its wooden pier, and the children of the town followed him as if he were a captain returning from sea.',
    );
  });

  it('a hyphen at a line end is removed only when the joined word occurs elsewhere in the document', async () => {
    const { articles } = await readCorpusFile(WRAPPED, 'gutenberg.txt');
    const text = articles[0]!.text;
    expect(text).toContain('came back every summer to the lighthouse and painted'); // "lighthouse" occurs earlier
    expect(text).toContain('by then a well-known painter'); // "wellknown" does not
    expect(joinHyphenated('the light-', 'house', new Set(['lighthouse']))).toBe('the lighthouse');
    expect(joinHyphenated('the light-', 'house', new Set())).toBe('the light-house');
    expect(joinHyphenated('the light', 'house', new Set(['lighthouse']))).toBeUndefined();
    expect(joinHyphenated('pre-', 'War', new Set(['prewar']))).toBeUndefined(); // capitalized: a name, not a word part
  });

  it('an e-mail re-joins its paragraphs and keeps quoted lines, the greeting and the signature as written', async () => {
    const original = await readFile(path.join(WRAPPED, 'email.txt'), 'utf8');
    const { articles } = await readCorpusFile(WRAPPED, 'email.txt');
    const lines = articles[0]!.text.split('\n');
    expect(lines).toContain(
      'Thanks for the timetable. I checked it against the harbour schedule and the ferry that leaves at seven in the morning is missing from the summer page, which is probably why the passengers kept calling the office last week.',
    );
    expect(lines).toContain('> ferry leaves at nine.');
    expect(lines.slice(-5)).toEqual(original.split('\n').slice(-5)); // "Best," / "Tom" / "-- " / …
  });

  it('Markdown keeps headings, list items and fenced code, and re-joins wrapped paragraphs and items', async () => {
    const { articles } = await readCorpusFile(WRAPPED, 'notes.md');
    const lines = articles[0]!.text.split('\n');
    expect(lines).toContain('## What was replaced');
    expect(lines).toContain('- the brass frame, which had corroded through in three places and could no longer hold the upper prisms');
    expect(lines).toContain('- the rotating pedestal');
    expect(lines).toContain('lens.light(on=True)');
    expect(lines).toContain('The lens went back into the lantern room in March, and the light was lit again on the first clear night.');
  });

  it('text pasted from a PDF (lines of uneven width) is re-joined where a line breaks a sentence', () => {
    const pasted = [
      'The survey of the harbour wall found that the eastern section had',
      'settled by four centimetres since the last inspection, and that',
      'the joints between the granite blocks needed new mortar along',
      'most of their length.',
      '',
      'Repairs will start in May and take about six weeks, during',
      'which the ferry will use the western landing stage.',
    ].join('\n');
    expect(unwrapText(pasted)).toBe(
      [
        'The survey of the harbour wall found that the eastern section had settled by four centimetres since the last inspection, and that the joints between the granite blocks needed new mortar along most of their length.',
        '',
        'Repairs will start in May and take about six weeks, during which the ferry will use the western landing stage.',
      ].join('\n'),
    );
  });

  it('every file of the seed corpus (one paragraph per line) is loaded exactly as written', async () => {
    const files = (await readdir(SEED_CORPUS)).filter((f) => f.endsWith('.txt'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const original = await readFile(path.join(SEED_CORPUS, file), 'utf8');
      expect(detectWrapWidth(original.split('\n'))).toBeUndefined();
      const { articles } = await readCorpusFile(SEED_CORPUS, file);
      expect(articles[0]?.text).toBe(original);
    }
  });

  it('short lines that each end a sentence, lists and verse are not joined', () => {
    const shapes = [
      'The ferry leaves at seven.\nThe bus meets it at the pier.\nTickets are sold on board.\n',
      '- rope\n- lantern oil\n- spare wicks\n- a new brass frame for the lens\n',
      'Keep the lamp and trim the light,\nWatch the water through the night,\nShips that pass will never know\nWho it was that kept them so.\n',
    ];
    for (const text of shapes) expect(unwrapText(text)).toBe(text);
  });

  it('every paragraph of a large wrapped text becomes one line', () => {
    const paragraph = 'the ferry crossed the bay again and again while\nthe keeper watched from the gallery of the\nlighthouse until the light came on at dusk.\n\n';
    const big = paragraph.repeat(20000); // ~2.7 MB
    const out = unwrapText(big);
    expect(out.split('\n\n')).toHaveLength(20001);
  });
});
