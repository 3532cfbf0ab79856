/**
 * Synthetic news pages for the ingest bench, in the shape of real ones: a
 * head full of meta tags, inline scripts and JSON-LD, a cookie banner, a
 * large navigation menu, ads, share buttons, "Read more" boxes inside the
 * story, recommended cards, a comment thread and a link-heavy footer. Real
 * news pages weigh 100 KB to 1 MB of HTML with 1,500 to 5,000 elements, most
 * of it not the story; these are about 150 KB and 2,500 elements.
 *
 * The story text is the seed corpus's own paragraphs (corpus/*.txt),
 * rotated so that every page differs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from './synth.ts';

/** Paragraphs of the seed corpus, in file order. */
export function seedParagraphs(corpusDir: string): string[] {
  return readdirSync(corpusDir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((f) =>
      readFileSync(path.join(corpusDir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim().split(/\s+/).length >= 8),
    );
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The story of page `index`: a headline and 12–30 paragraphs. */
export function storyOf(paragraphs: readonly string[], index: number): { headline: string; body: string[] } {
  const rand = mulberry32(index + 1);
  const count = 12 + Math.floor(rand() * 19);
  const start = Math.floor(rand() * paragraphs.length);
  const body = Array.from({ length: count }, (_, i) => paragraphs[(start + i) % paragraphs.length]!);
  const headline = body[0]!
    .split(/[,.;:]/)[0]!
    .split(' ')
    .slice(0, 12)
    .join(' ');
  return { headline, body };
}

/** One news page as HTML. */
export function newsPage(paragraphs: readonly string[], index: number): string {
  const rand = mulberry32(index * 7919 + 13);
  const { headline, body } = storyOf(paragraphs, index);
  const words = body.join(' ').split(/\s+/);
  const pick = (n: number): string => Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' ');
  const link = (text: string): string => `<li><a href="/section/${Math.floor(rand() * 1e6)}" class="nav-link">${escape(text)}</a></li>`;

  // A framework state blob, as single-page-app news sites inline in every page.
  const state = JSON.stringify({
    page: { id: index, type: 'article', tags: Array.from({ length: 30 }, () => pick(2)) },
    related: Array.from({ length: 150 }, (_, i) => ({ id: i, title: pick(8), summary: pick(40), url: `/news/${i}` })),
  });
  const nav = Array.from(
    { length: 20 },
    () => `<li class="menu"><span>${escape(pick(1))}</span><ul>${Array.from({ length: 15 }, () => link(pick(2))).join('')}</ul></li>`,
  ).join('');
  const story: string[] = [];
  body.forEach((p, i) => {
    story.push(`<p>${escape(p)}</p>`);
    if (i % 4 === 3) {
      story.push(
        `<aside class="related"><h3>Read more</h3><ul>${Array.from({ length: 3 }, () => link(pick(7))).join('')}</ul></aside>`,
        `<div class="ad-slot" data-slot="${i}"><span class="ad-label">Advertisement</span><script>googletag.cmd.push(function(){googletag.display('ad-${i}')});</script></div>`,
      );
    }
    if (i === 5) story.push(`<p class="read-more">READ MORE: <a href="/news/x">${escape(pick(9))}</a></p>`);
  });
  const comments = Array.from(
    { length: 20 },
    (_, i) =>
      `<div class="comment" id="c${i}"><p class="comment-author">${escape(pick(1))}</p><p class="comment-body">${escape(pick(25))}.</p><button>Reply</button></div>`,
  ).join('');
  const cards = Array.from(
    { length: 12 },
    () => `<div class="card"><a href="/n"><h3>${escape(pick(8))}</h3><p>${escape(pick(20))}.</p></a></div>`,
  ).join('');
  const footer = Array.from({ length: 60 }, () => link(pick(2))).join('');

  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>${escape(headline)} | Example News</title>
<link rel="canonical" href="https://news.example/story/${index}">
<meta property="og:title" content="${escape(headline)}"><meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2024-03-${String(1 + (index % 28)).padStart(2, '0')}T08:00:00Z">
${Array.from({ length: 30 }, (_, i) => `<meta name="x-meta-${i}" content="${escape(pick(6))}">`).join('\n')}
<style>${'.c{margin:0;padding:0}'.repeat(200)}</style>
<script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@type': 'NewsArticle', headline, datePublished: '2024-03-01', author: { '@type': 'Person', name: 'A. Reporter' }, publisher: { '@type': 'Organization', name: 'Example News' } })}</script>
<script>window.__STATE__=${state.replace(/</g, '\\u003c')}</script>
<script>${'(function(){var a=1;})();'.repeat(300)}</script>
</head><body>
<div id="cookie-consent" role="dialog"><p>We use cookies to improve your experience and to show you personalised advertising. By continuing to browse, you agree to our use of cookies.</p><button>Accept all</button><button>Manage settings</button></div>
<header><a href="/" class="logo">Example News</a><nav><ul>${nav}</ul></nav><form action="/search"><input name="q"><button>Search</button></form></header>
<main><article><h1>${escape(headline)}</h1><div class="byline">By A. Reporter</div><time datetime="2024-03-01T08:00:00Z">1 March 2024</time>
<ul class="share"><li><a href="#">Share on Facebook</a></li><li><a href="#">Share on X</a></li><li><a href="#">Email</a></li></ul>
<figure><img src="/img/${index}.jpg" alt=""><figcaption>${escape(pick(12))}. (AP Photo/Example Photographer)</figcaption></figure>
<div class="story-body">${story.join('\n')}</div></article>
<section class="recommended"><h2>You might also like</h2>${cards}</section>
<section id="comments"><h2>Comments</h2>${comments}</section></main>
<footer><ul>${footer}</ul><p>© 2024 Example News. All rights reserved.</p></footer>
</body></html>`;
}
