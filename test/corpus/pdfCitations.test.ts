/**
 * A quote from a PDF cites the page it is on, from the loader through the
 * index and its snapshot to the CLI's text and JSON output (the real
 * `verbatim` executable as a child process, reading a PDF from disk).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArticleRef } from '../../src/library/store.ts';
import { citationMarkdown } from '../../src/render/discord.ts';
import { citation } from '../../src/render/text.ts';
import { verbatim } from '../cli/runCli.ts';
import { tempCorpora } from './helpers.ts';
import { reportPdf } from './pdfs.ts';

const { temp } = tempCorpora();

describe('page numbers of PDF quotes', () => {
  it('verbatim ask cites the page in JSON and in text, also when answering from the snapshot', async () => {
    const root = await temp({ 'corpus/report.pdf': await reportPdf(), 'corpus/notes.txt': 'The pier café opens in May.' });
    const corpus = path.join(root, 'corpus');
    const env = { SNAPSHOT_DIR: path.join(root, 'snapshot') };
    /** The best quote for each question, asked in one batch (one question per line of stdin). */
    const ask = async (...questions: string[]) => {
      const { stdout, code } = await verbatim(['ask', '--json', '--top', '1', '--corpus', corpus], questions.join('\n') + '\n', env);
      expect(code).toBe(0);
      return stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { answers: Array<{ text: string; page?: number; article: { id: string } }> }).answers[0]);
    };
    const [passes, boat, cafe] = await ask('monthly passes valid on every sailing', 'when will the board add a second boat', 'when does the pier café open');
    expect(passes).toMatchObject({ article: { id: 'report' }, page: 2 });
    expect(boat).toMatchObject({ article: { id: 'report' }, page: 1 });
    expect(cafe).toMatchObject({ article: { id: 'notes' } });
    expect(cafe).not.toHaveProperty('page');

    expect((await verbatim(['index', '--corpus', corpus], undefined, env)).code).toBe(0); // writes the snapshot
    const text = await verbatim(['ask', 'monthly passes valid on every sailing', '--top', '1', '--corpus', corpus], undefined, env);
    expect(text.stdout).toMatch(/— Night ferry: the first month — 2024-06-03, p\. 2/);
  }, 90_000); // four runs of the CLI, on a machine that may be busy

  it('the Discord citation line shows the page after the date', () => {
    const article: ArticleRef = { id: 'report', key: 'k', title: 'Night ferry', date: '2024-06-03' };
    expect(citationMarkdown(article, 120, 4)).toBe('*Night ferry* · 2024\\-06\\-03 · p. 4');
    expect(citationMarkdown(article)).toBe('*Night ferry* · 2024\\-06\\-03');
    expect(citation(article, { page: 4 })).toBe('Night ferry — 2024-06-03, p. 4');
  });
});
