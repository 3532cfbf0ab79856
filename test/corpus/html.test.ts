/**
 * HTML documents: real files on disk in the shape of news pages (navigation,
 * cookie banner, "Read more" boxes, ads, share buttons, JSON-LD, comments),
 * read through the loader and the cleaning stage as the index reads them.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus, readCorpusFile } from '../../src/corpus/index.ts';
import { decodeWindows1252, htmlToArticle, markupShape, stripTags, titleWithoutSite } from '../../src/corpus/html.ts';
import { cleanArticle } from '../../src/text/clean.ts';
import { fixture, tempCorpora } from './helpers.ts';

const HTML = fixture('corpus-html');

const { temp } = tempCorpora();

/** The article of one file and the sentences the index would quote from it. */
async function read(root: string, file: string): Promise<{ text: string; quotes: string[]; meta: Record<string, unknown> }> {
  const { articles, skipped } = await readCorpusFile(root, file);
  expect(skipped.filter((s) => s.severity !== 'warning')).toEqual([]);
  const article = articles[0]!;
  const cleaned = cleanArticle(article.text, { title: article.meta.title });
  return { text: article.text, quotes: cleaned.sentences.map((s) => article.text.slice(s.start, s.end)), meta: { ...article.meta } };
}

describe('HTML news pages', () => {
  it('a news page gives its story as paragraphs, with title, canonical link, date, publisher and author', async () => {
    const { text, meta } = await read(HTML, 'harbour-ferry.html');
    expect(meta).toEqual({
      title: 'Night ferry returns to the bay after six years',
      url: 'https://www.harbourtimes.example/news/2024/03/night-ferry-returns',
      date: '2024-03-14',
      source: 'Harbour Times',
      extra: { author: 'Marta Lind' },
    });
    const paragraphs = text.split('\n\n');
    expect(paragraphs[0]).toBe(
      'The night ferry across the bay will run again from the first of May, six years after the service was cut to save money, the harbour board announced on Wednesday.',
    );
    expect(paragraphs).toContain('“We would rather run a small boat every night than a big boat twice a week,” Holm said.');
  });

  it('a <br> inside a paragraph becomes a line break', async () => {
    const { text } = await read(HTML, 'harbour-ferry.html');
    expect(text).toContain('Tickets can be bought on board or through the board’s app.\nCash will not be accepted after the first of June.');
  });

  it('navigation, cookie banner, share buttons, captions, related boxes, forms, comments, footer and scripts are never text', async () => {
    const { text } = await read(HTML, 'harbour-ferry.html');
    for (const furniture of [
      'We use cookies',
      'Accept all cookies',
      'Skip to content',
      'Politics',
      'Search the Harbour Times',
      'Share on Facebook',
      'Copy link',
      'moored at the old pier in 2017', // the figure caption
      'Water taxi fares to rise again', // the "Read more" aside
      'Your email address',
      'You might also like',
      'seagull_77',
      'About time!',
      'Join the discussion',
      'All rights reserved',
      'gtag',
      'googletag',
      'NewsArticle',
    ]) {
      expect(text, furniture).not.toContain(furniture);
    }
  });

  it('the boilerplate rules still apply to what Readability keeps: ad markers, "READ MORE" lines and sign-up prompts are not quoted', async () => {
    const { text, quotes } = await read(HTML, 'harbour-ferry.html');
    expect(text).toContain('Story continues below advertisement'); // kept by Readability…
    const all = quotes.join('\n');
    expect(all).not.toContain('Story continues below'); // …never quoted
    expect(all).not.toContain('READ MORE');
    expect(all).not.toContain('Sign up to our morning briefing');
    expect(all).not.toContain('Fares and tickets'); // a heading
    expect(quotes).toContain('A single ticket will cost 45 crowns, the same as a daytime crossing.');
  });

  it('a blog page takes its metadata from JSON-LD inside @graph and keeps a verse split by <br> line by line', async () => {
    const { text, meta } = await read(HTML, 'lighthouse.htm');
    expect(meta).toEqual({ title: 'The lighthouse lens is back', date: '2024-03-20', source: 'Coastal Notes', extra: { author: 'Tom Eriksen' } });
    expect(text).toContain('The inscription on the new frame reads:\nKeep the lamp and trim the light,\nWatch the water through the night.');
    expect(text).not.toContain('Share this');
    expect(text).not.toContain('February 2024'); // the sidebar
  });

  it('broken markup degrades to the text it holds, never to an error, and an unclosed script stays out', async () => {
    const { text, meta } = await read(HTML, 'broken.html');
    expect(meta.title).toBe('Storm damage on the pier');
    expect(text).toContain('Engineers said the repairs would take at least three weeks, and the ferry will use the western landing in the meantime.');
    expect(text).toContain('The harbour master said nobody was hurt — the pier was closed when the waves were at their highest.');
    expect(text).not.toContain('never quoted');
  });

  it('a page declaring windows-1252 is decoded with it, curly dashes included', async () => {
    const { text, meta } = await read(HTML, 'cafe-latin1.html');
    expect(meta.title).toBe('Café reopens on the pier');
    expect(text).toContain('serving crème brûlée and coffee');
    expect(text).toContain('would open in May – weather permitting.');
    expect(decodeWindows1252(Uint8Array.from([0x93, 0x41, 0x94, 0x80, 0xe9]))).toBe('“A”€é');
  });

  it('the whole fixture folder loads, one article per page, ids without the extension', async () => {
    const { articles, skipped } = await loadCorpus(HTML);
    expect(skipped).toEqual([]);
    expect(articles.map((a) => a.id)).toEqual(['broken', 'cafe-latin1', 'harbour-ferry', 'lighthouse']);
  });
});

describe('HTML metadata', () => {
  const page = (head: string, body = '<p>The ferry leaves the old pier every evening at nine o’clock sharp.</p>'): string =>
    `<html><head>${head}</head><body><article>${body}</article></body></html>`;
  const meta = (head: string, body?: string, baseUrl?: string) => {
    const result = htmlToArticle(page(head, body), { baseUrl });
    if ('error' in result) throw new Error(result.error);
    return result.meta;
  };

  it('the title is og:title, else the JSON-LD headline, else <title> without the site, else the <h1>', () => {
    const ld = '<script type="application/ld+json">{"@type":"NewsArticle","headline":"From JSON-LD"}</script>';
    expect(meta(`<meta property="og:title" content="From OG">${ld}<title>From title | Site</title>`).title).toBe('From OG');
    expect(meta(`${ld}<title>From title | Site</title>`).title).toBe('From JSON-LD');
    expect(meta('<title>From the title tag | Site</title>').title).toBe('From the title tag');
    expect(meta('', '<h1>From the heading</h1><p>The ferry leaves the old pier every evening at nine.</p>').title).toBe('From the heading');
  });

  it('the site is removed from a <title> on either side, by name when known', () => {
    expect(titleWithoutSite('Night ferry returns to the bay | Harbour Times')).toBe('Night ferry returns to the bay');
    expect(titleWithoutSite('Harbour Times - Night ferry returns', 'Harbour Times')).toBe('Night ferry returns');
    expect(titleWithoutSite('Q&A - Session')).toBe('Q&A - Session'); // too short to be a headline plus a site
    expect(titleWithoutSite('One — two — three words here — Site')).toBe('One — two — three words here');
  });

  it('the link is the canonical one, else og:url, resolved against where the page came from', () => {
    expect(meta('<link rel="canonical" href="https://a.example/x"><meta property="og:url" content="https://a.example/y">').url).toBe('https://a.example/x');
    expect(meta('<meta property="og:url" content="https://a.example/y">').url).toBe('https://a.example/y');
    expect(meta('<link rel="canonical" href="/story/1">', undefined, 'https://news.example/feed').url).toBe('https://news.example/story/1');
  });

  it('a relative canonical link in a file on disk is dropped with a warning, and the page loads', async () => {
    const root = await temp({ 'page.html': page('<link rel="canonical" href="/story/1"><title>Ferry story in full | Site</title>') });
    const { articles, skipped } = await readCorpusFile(root, 'page.html');
    expect(articles[0]?.meta.url).toBeUndefined();
    expect(skipped).toEqual([
      {
        file: 'page.html',
        reason: 'url dropped, the article loads without a link: "/story/1" is not an absolute URL (expected http:// or https://…)',
        severity: 'warning',
      },
    ]);
  });

  it('the date is article:published_time, else JSON-LD datePublished, else the first <time datetime>', () => {
    const ld = '<script type="application/ld+json">{"@type":"Article","headline":"H","datePublished":"2024-02-02"}</script>';
    expect(meta(`<meta property="article:published_time" content="2024-01-01">${ld}`).date).toBe('2024-01-01');
    expect(meta(ld).date).toBe('2024-02-02');
    expect(meta('', '<time datetime="2024-03-03">3 March</time><p>The ferry leaves the old pier every evening at nine.</p>').date).toBe('2024-03-03');
  });

  it('a date with a time of day is cited as its day, the day the publisher wrote; other shapes are kept as written', () => {
    expect(meta('<meta property="article:published_time" content="2024-05-02T08:00:00Z">').date).toBe('2024-05-02');
    expect(meta('<meta property="article:published_time" content="2024-05-02T23:30:00-05:00">').date).toBe('2024-05-02');
    expect(meta('<meta property="article:published_time" content="May 2, 2024">').date).toBe('May 2, 2024');
  });

  it('the publisher is og:site_name, else the JSON-LD publisher; the author is meta author, else JSON-LD authors', () => {
    const ld =
      '<script type="application/ld+json">[{"@type":"NewsArticle","headline":"H","publisher":{"name":"LD Times"},"author":[{"name":"A. One"},{"name":"B. Two"}]}]</script>';
    expect(meta(`<meta property="og:site_name" content="OG Times">${ld}`)).toMatchObject({ source: 'OG Times', extra: { author: 'A. One, B. Two' } });
    expect(meta(`<meta name="author" content="C. Three">${ld}`)).toMatchObject({ source: 'LD Times', extra: { author: 'C. Three' } });
  });

  it('a broken JSON-LD block is ignored and the other sources remain', () => {
    expect(meta('<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script><title>Ferry timetable changes again | Site</title>').title).toBe(
      'Ferry timetable changes again',
    );
  });
});

describe('HTML that is hard to read', () => {
  it('a page without any text is skipped with a reason', async () => {
    const root = await temp({ 'empty.html': '<html><head><title>x</title><script>var a = 1;</script></head><body><nav><a href="/">Home</a></nav></body></html>' });
    expect(await readCorpusFile(root, 'empty.html')).toEqual({ articles: [], skipped: [{ file: 'empty.html', reason: 'no text in the page' }] });
  });

  it('a fragment without <html> or <body> keeps its text and metadata', () => {
    for (const html of [
      '<title>Ferry news today | Site</title><p>The ferry leaves the old pier every evening at nine.</p>',
      '<body><title>Ferry news today | Site</title><p>The ferry leaves the old pier every evening at nine.</p></body>',
    ]) {
      expect(htmlToArticle(html)).toEqual({ text: 'The ferry leaves the old pier every evening at nine.', meta: { title: 'Ferry news today', extra: {} } });
    }
  });

  it('hidden elements are not text', () => {
    const result = htmlToArticle(
      '<body><p>The ferry leaves at nine every evening from the old pier.</p><p hidden>Hidden text.</p><div style="display: none">Also hidden.</div><p aria-hidden="true">Icon label.</p></body>',
    );
    expect('text' in result && result.text).toBe('The ferry leaves at nine every evening from the old pier.');
  });

  it('a page nested 200,000 levels deep is read by stripping tags, without a DOM', () => {
    const html = `<html><body>${'<div>'.repeat(200_000)}<p>Deep in the page, the ferry still leaves at nine.</p>${'</div>'.repeat(200_000)}</body></html>`;
    expect(markupShape(html).depth).toBeGreaterThan(200_000);
    expect(htmlToArticle(html)).toEqual({ text: 'Deep in the page, the ferry still leaves at nine.', meta: { extra: {} } });
  });

  it('stripping tags keeps paragraphs and lines and decodes entities', () => {
    expect(stripTags('<p>One &amp; two&nbsp;&#8212; three<br>four</p><script>x()</script><!-- c --><div>Five &#x2019;s</div>')).toBe(
      'One & two — three\nfour\n\nFive ’s',
    );
  });

  it('an HTML file over the size limit is skipped with its size and the limit', async () => {
    const root = await temp({ 'big.html': `<html><body><p>${'word '.repeat(3000)}</p></body></html>` });
    expect((await readCorpusFile(root, 'big.html', { maxHtmlBytes: 10_000 })).skipped).toEqual([
      { file: 'big.html', reason: 'file too large (14.7 KiB > 9.8 KiB limit)' },
    ]);
  });

  it('a binary file named .html is skipped', async () => {
    const root = await temp();
    await writeFile(path.join(root, 'image.html'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    expect((await readCorpusFile(root, 'image.html')).skipped[0]?.reason).toBe('binary file (contains NUL bytes)');
  });
});
