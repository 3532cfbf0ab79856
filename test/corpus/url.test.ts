import { describe, expect, it } from 'vitest';
import { MAX_URL_LENGTH, checkArticleUrl, withCheckedUrl } from '../../src/corpus/url.ts';

describe('checkArticleUrl', () => {
  it('keeps absolute http and https URLs', () => {
    expect(checkArticleUrl('https://example.com/a?b=c#d')).toEqual({ url: 'https://example.com/a?b=c#d' });
    expect(checkArticleUrl(' http://example.com/x ')).toEqual({ url: 'http://example.com/x' });
  });

  it('turns non-ASCII host names and paths into a valid URI', () => {
    expect(checkArticleUrl('https://köln.example/straße')).toEqual({ url: 'https://xn--kln-sna.example/stra%C3%9Fe' });
  });

  it('refuses a link without a scheme, with spaces, or with another scheme', () => {
    expect(checkArticleUrl('www.harbourtimes.example/ferry timetable')).toEqual({
      problem: 'not a URL (it contains spaces or control characters)',
    });
    expect(checkArticleUrl('www.harbourtimes.example/ferry')).toEqual({ problem: 'not an absolute URL (expected http:// or https://…)' });
    expect(checkArticleUrl('/news/ferry')).toEqual({ problem: 'not an absolute URL (expected http:// or https://…)' });
    expect(checkArticleUrl('javascript:alert(1)')).toEqual({ problem: 'not an http(s) URL (scheme "javascript")' });
    expect(checkArticleUrl('ftp://example.com/file')).toEqual({ problem: 'not an http(s) URL (scheme "ftp")' });
    expect(checkArticleUrl('https://exa\tmple.com')).toEqual({ problem: 'not a URL (it contains spaces or control characters)' });
    expect(checkArticleUrl('https://example.com/\u0000')).toEqual({ problem: 'not a URL (it contains spaces or control characters)' });
  });

  it('refuses a link longer than 2,048 characters and keeps one of exactly that length', () => {
    const base = 'https://example.com/';
    const fits = base + 'a'.repeat(MAX_URL_LENGTH - base.length);
    expect(checkArticleUrl(fits)).toEqual({ url: fits });
    expect(checkArticleUrl(fits + 'a')).toEqual({ problem: 'longer than 2,048 characters' });
  });
});

describe('withCheckedUrl', () => {
  it('leaves metadata without a url alone and drops a bad url with a warning that quotes it', () => {
    const meta = { title: 'T', extra: {} };
    expect(withCheckedUrl(meta)).toEqual({ meta });
    expect(withCheckedUrl({ ...meta, url: 'mailto:desk@example.com' })).toEqual({
      meta,
      warning: 'url dropped, the article loads without a link: "mailto:desk@example.com" is not an http(s) URL (scheme "mailto")',
    });
  });
});
