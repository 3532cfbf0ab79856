import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyLine, cleanArticle, isBoilerplate, isCaption } from '../../src/text/clean.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../corpus');
const seed = readdirSync(CORPUS).map((f) => ({ file: f, text: readFileSync(path.join(CORPUS, f), 'utf8') }));
const sentencesOf = (text: string, title?: string) => {
  const c = cleanArticle(text, { title });
  return c.sentences.map((s) => text.slice(s.start, s.end));
};

describe('cleaning', () => {
  it('recognizes page furniture in general, not just the seed lines', () => {
    for (const line of [
      'Advertisement',
      'Story continues below this ad',
      'READ MORE: Why the budget matters',
      'Watch: Highlights from the summit',
      'Related: Ten things to know',
      'Click to expand image',
      'Sponsored content',
      'Follow us on Twitter and Facebook',
      'Sign up for our morning newsletter',
      '© 2024 Example Media Inc. All rights reserved.',
      'Copyright 2023 The Daily Planet',
      'Share this article',
      'Trending Now',
    ]) {
      expect(isBoilerplate(line), line).toBe(true);
    }
  });

  it('keeps prose that merely starts like furniture', () => {
    for (const line of [
      'More than 10,000 soldiers were trained.',
      'Share prices fell sharply on Monday.',
      'Watch officials say the talks will continue.',
      'Copyrights and patents were discussed at length during the summit.',
    ]) {
      expect(isBoilerplate(line), line).toBe(false);
      expect(classifyLine(line), line).toBe('body');
    }
  });

  it('recognizes photo and video captions and credits', () => {
    for (const line of [
      'Soldiers march in Kyiv. AP Photo/Jane Doe',
      'Troops at the border. Reuters/John Smith',
      'In this file photo, the minister speaks to reporters.',
      '(Press Office via AP)',
      'Photo by Jane Doe for The Globe',
      'Leaders meet in Brussels – Mar 3, 2022',
    ]) {
      expect(isCaption(line), line).toBe(true);
    }
  });

  it('treats very short lines without sentence punctuation as navigation and short ones as headings', () => {
    expect(classifyLine('Politics')).toBe('boilerplate');
    expect(classifyLine('on')).toBe('boilerplate');
    expect(classifyLine('What we know about the aid package')).toBe('heading');
  });

  it('never quotes boilerplate or captions from the seed corpus', () => {
    const quoted = seed.flatMap(({ text }) => sentencesOf(text));
    const furniture =
      /story continues|read more|watch:|click to play|sponsored|connect with us|trending|copyright|all rights reserved|AP Photo|via AP|view larger image|^politics$|^published$|^on$|^editorial$/i;
    expect(quoted.length).toBeGreaterThan(100);
    expect(quoted.filter((s) => furniture.test(s))).toEqual([]);
  });

  it('gives every seed article a readable title', () => {
    const titles = seed.map(({ text }) => cleanArticle(text).title);
    for (const t of titles) {
      expect(t.length).toBeGreaterThan(20);
      expect(t.length).toBeLessThanOrEqual(100);
      expect(t).not.toMatch(/^(connect with us|politics)/i);
    }
    expect(titles).toContain('Carney Visits Ukraine as Canada Considers Troop Deployment for Peacekeeping');
    expect(titles).toContain('Canada ready to send its troops to Ukraine to train soldiers');
  });

  it('uses a headline line as the title and does not quote it', () => {
    const text = 'Troops Head East\n\nThe first troops left on Monday. More will follow.';
    const cleaned = cleanArticle(text);
    expect(cleaned.title).toBe('Troops Head East');
    expect(sentencesOf(text)).toEqual(['The first troops left on Monday.', 'More will follow.']);
  });

  it('derives a trimmed first sentence as the title when there is no headline', () => {
    const text =
      'The committee, which met for three days in the capital to review the long and detailed report, approved the plan unanimously on Friday. It now goes to a vote.';
    const { title } = cleanArticle(text);
    expect(title.endsWith('…')).toBe(true);
    expect(title.length).toBeLessThanOrEqual(100);
    expect(text.startsWith(title.slice(0, -1).trimEnd())).toBe(true);
  });

  it('prefers an explicit title and keeps the first line as content then', () => {
    const text = 'Troops Head East Again Today\n\nThe first troops left on Monday.';
    const cleaned = cleanArticle(text, { title: 'From front matter' });
    expect(cleaned.title).toBe('From front matter');
    expect(cleaned.blocks[0]!.kind).toBe('heading');
  });

  it('keeps sentence offsets pointing into the original text', () => {
    for (const { text } of seed) {
      for (const s of cleanArticle(text).sentences) {
        expect(text.slice(s.start, s.end).trim()).toBe(text.slice(s.start, s.end));
        expect(s.end).toBeGreaterThan(s.start);
      }
    }
  });
});
