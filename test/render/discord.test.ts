/**
 * Discord replies as plain API JSON: what reaches an embed is only what
 * Discord accepts there, whatever the corpus's front matter says.
 */
import { describe, expect, it } from 'vitest';
import type { ArticleView } from '../../src/engine/types.ts';
import { citationMarkdown, embedUrl, renderArticleReply } from '../../src/render/discord.ts';

function view(url: string | undefined): ArticleView {
  const text = 'Ferry timetable\nThe ferry leaves at nine.';
  return {
    article: { id: 'ferry', key: 'k', title: 'Ferry timetable', file: 'ferry.md', ...(url === undefined ? {} : { url }) },
    text,
    blocks: [
      { start: 0, end: 15, kind: 'title' },
      { start: 16, end: text.length, kind: 'body' },
    ],
    sentences: [{ start: 16, end: text.length }],
  };
}

describe('embed links', () => {
  it.each([
    ['a URL without a scheme', 'www.harbourtimes.example/ferry timetable'],
    ['a relative path', '/ferry/timetable'],
    ['a non-web scheme', 'javascript:alert(1)'],
    ['a mail address', 'mailto:editor@harbourtimes.example'],
    ['a file URL', 'file:///etc/passwd'],
    ['text that is no URL', 'see the harbour office'],
    ['a URL over 2,048 characters', `https://harbourtimes.example/${'a'.repeat(2030)}`],
    ['an empty value', ''],
  ])('leaves out %s', (_what, url) => {
    expect(embedUrl(url)).toBeUndefined();
    const embed = renderArticleReply(view(url)).embeds?.[0];
    expect(embed).toBeDefined();
    expect(embed).not.toHaveProperty('url');
    expect(citationMarkdown(view(url).article)).toBe('*Ferry timetable*');
  });

  it('keeps an absolute web URL, percent-encoding what Discord would refuse in it', () => {
    expect(embedUrl('https://harbourtimes.example/ferry timetable')).toBe('https://harbourtimes.example/ferry%20timetable');
    expect(embedUrl('https://harbourtimes.example/fähre?tag=a|b')).toBe('https://harbourtimes.example/f%C3%A4hre?tag=a%7Cb');
    expect(embedUrl('https://harbourtimes.example/100%')).toBe('https://harbourtimes.example/100%25');
    expect(embedUrl('http://harbourtimes.example/a%20b')).toBe('http://harbourtimes.example/a%20b');
    expect(renderArticleReply(view('https://harbourtimes.example/ferry')).embeds?.[0]?.url).toBe('https://harbourtimes.example/ferry');
    expect(citationMarkdown(view('https://harbourtimes.example/ferry timetable').article)).toBe(
      '*Ferry timetable* · <https://harbourtimes.example/ferry%20timetable>',
    );
  });

  it('keeps a URL of exactly 2,048 characters', () => {
    const url = `https://harbourtimes.example/${'a'.repeat(2048 - 'https://harbourtimes.example/'.length)}`;
    expect(url).toHaveLength(2048);
    expect(embedUrl(url)).toBe(url);
  });
});
