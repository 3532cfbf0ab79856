/**
 * Discord replies as plain API JSON: what reaches an embed is only what
 * Discord accepts there, whatever the corpus's front matter says.
 */
import { describe, expect, it } from 'vitest';
import type { SkippedItem } from '../../src/corpus/types.ts';
import type { ArticleView, ReloadReport } from '../../src/engine/types.ts';
import type { Reply } from '../../src/interaction/types.ts';
import {
  LIMITS,
  citationMarkdown,
  customId,
  embedUrl,
  escapeMarkdown,
  questionFromContent,
  renderAnswerReply,
  renderArticleReply,
  renderReloadReply,
  unescapeMarkdown,
} from '../../src/render/discord.ts';
import type { Answer, Quote } from '../../src/search/answer.ts';

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

/** An answer with `n` quotes of `text`, for the renderer. */
function answerWith(n: number, text: string, extra: Partial<Answer> = {}): Answer {
  const quotes: Quote[] = Array.from({ length: n }, (_, i) => ({
    text,
    score: 1,
    highlights: [[0, Math.min(5, text.length)]],
    article: { id: `article-${i}`, key: `key${i}`, title: `Title ${i} ${'with many words '.repeat(20)}`, source: 'Harbour Times' },
    sentence: i,
    offsets: { start: 0, end: text.length },
    context: { before: 'It was the sentence before.' },
  }));
  return {
    question: 'what *is* __this__?',
    quotes,
    total: n,
    suggestions: [],
    kind: 'thing',
    confidence: n > 0 ? { level: 'clear', score: 1 } : { level: 'none', score: 0 },
    searchedWords: ['this'],
    corrections: {},
    sentences: 1000,
    candidates: 10,
    tookMs: 1.5,
    ...extra,
  };
}

/** Every button of a reply. */
const buttonsOf = (reply: Reply) => (reply.components ?? []).flatMap((row) => row.components);

describe('answer replies', () => {
  it('stay within Discord’s embed limits whatever the quotes’ length', () => {
    const reply = renderAnswerReply(answerWith(5, 'A very long sentence. '.repeat(500)), { top: 5 });
    const embed = reply.embeds![0]!;
    expect(embed.description!.length).toBeLessThanOrEqual(LIMITS.description);
    expect(embed.footer!.text.length).toBeLessThanOrEqual(LIMITS.footer);
    expect(embed.description!.length + embed.footer!.text.length).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect(embed.description).toMatch(/\*\*5\.\*\*/); // every quote has its place
  });

  it('show corpus text exactly as written: markdown in a quote is escaped, the matched words alone are bold', () => {
    const reply = renderAnswerReply(answerWith(1, 'Prices *fell* by 5% — see [report](x)'), { top: 1 });
    expect(reply.embeds![0]!.description).toContain('**Price**s \\*fell\\* by 5% — see \\[report\\]\\(x\\)');
  });

  it('carry the question in the content, read back exactly by the More button', () => {
    const answer = answerWith(3, 'A sentence.', { total: 9 });
    const reply = renderAnswerReply(answer, { top: 3 });
    expect(questionFromContent(reply.content!)).toBe(answer.question);
    const more = buttonsOf(reply).find((b) => 'label' in b && b.label === 'More');
    expect(more && 'custom_id' in more && more.custom_id).toBe('ask:more:3:3');
  });

  it('give each quote a Source button, at most five to a row, with ids and labels within Discord’s limits', () => {
    const reply = renderAnswerReply(answerWith(5, 'A sentence.', { total: 10 }), { top: 5, offset: 5 });
    for (const row of reply.components ?? []) expect(row.components.length).toBeLessThanOrEqual(5);
    const buttons = buttonsOf(reply);
    expect(buttons.map((b) => ('label' in b ? b.label : ''))).toEqual(['Source 6', 'Source 7', 'Source 8', 'Source 9', 'Source 10']);
    for (const b of buttons) {
      expect(('custom_id' in b ? b.custom_id : '').length).toBeLessThanOrEqual(LIMITS.customId);
      expect(('label' in b ? (b.label ?? '') : '').length).toBeLessThanOrEqual(LIMITS.buttonLabel);
    }
  });

  it('carry Helpful / Not helpful for a recorded answer, on a row of their own, and pass its id to the next page', () => {
    const answerId = 'AbCdEfGhIjKlMnOp';
    const reply = renderAnswerReply(answerWith(5, 'A sentence.', { total: 20 }), { top: 5, feedback: { answerId } });
    expect(reply.components).toHaveLength(3);
    expect(reply.components![2]!.components.map((b) => ('custom_id' in b ? [b.label, b.custom_id] : []))).toEqual([
      ['Helpful', `ask:vote:1:${answerId}`],
      ['Not helpful', `ask:vote:0:${answerId}`],
    ]);
    const more = buttonsOf(reply).find((b) => 'label' in b && b.label === 'More');
    expect(more && 'custom_id' in more && more.custom_id).toBe(`ask:more:5:5:${answerId}`);
    for (const b of buttonsOf(reply)) expect(('custom_id' in b ? b.custom_id : '').length).toBeLessThanOrEqual(LIMITS.customId);
    expect(buttonsOf(renderAnswerReply(answerWith(2, 'A sentence.'), { top: 3 })).map((b) => ('label' in b ? b.label : ''))).toEqual([
      'Source 1',
      'Source 2',
    ]);
  });

  it('head a weak match "Closest matches, not a clear answer", in another colour, with the same buttons', () => {
    const clear = renderAnswerReply(answerWith(2, 'A sentence.'), { top: 3 });
    const weak = renderAnswerReply(answerWith(2, 'A sentence.', { confidence: { level: 'weak', score: 0.4 } }), { top: 3 });
    expect(clear.embeds![0]!.title).toBeUndefined();
    expect(weak.embeds![0]!.title).toBe('Closest matches, not a clear answer');
    expect(weak.embeds![0]!.color).not.toBe(clear.embeds![0]!.color);
    expect(buttonsOf(weak)).toEqual(buttonsOf(clear));
  });

  it('say there is no answer, with the closest articles, and offer no buttons', () => {
    const answer = answerWith(0, '', {
      reason: 'no-match',
      suggestions: [{ id: 'near', key: 'k', title: 'Near *miss*' }],
    });
    const reply = renderAnswerReply(answer, { top: 3 });
    expect(reply.components).toEqual([]);
    expect(reply.embeds![0]!.description).toMatch(/No sentence in the corpus answers that/);
    expect(reply.embeds![0]!.description).toContain('*Near \\*miss\\**');
  });
});

describe('article replies', () => {
  const long: ArticleView = (() => {
    const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} says something long enough to fill a page. `.repeat(4).trim());
    const text = paragraphs.join('\n\n');
    const blocks: ArticleView['blocks'] = [];
    const sentences: ArticleView['sentences'] = [];
    let at = 0;
    for (const p of paragraphs) {
      blocks.push({ start: at, end: at + p.length, kind: 'body' });
      sentences.push({ start: at, end: at + p.length });
      at += p.length + 2;
    }
    return { article: { id: 'long', key: 'longkey', title: 'Long', file: 'long.txt' }, text, blocks, sentences };
  })();

  it('page a long article with ◀ ▶, disabled at either end', () => {
    const first = renderArticleReply(long);
    const nav = buttonsOf(first);
    expect(nav.map((b) => ('label' in b ? b.label : ''))).toEqual(['◀', expect.stringMatching(/^page 1\/\d+$/), '▶']);
    expect(nav[0]!.disabled).toBe(true);
    expect(nav[2]!.disabled).toBe(false);
    const pages = Number(/page 1\/(\d+)/.exec(JSON.stringify(nav))![1]);
    const last = buttonsOf(renderArticleReply(long, { page: pages - 1 }));
    expect(last[2]!.disabled).toBe(true);
    for (const reply of [first, renderArticleReply(long, { page: pages - 1 })]) {
      expect(reply.embeds![0]!.description!.length).toBeLessThanOrEqual(LIMITS.description);
    }
  });

  it('open on the page of the quoted sentence, which is marked', () => {
    const reply = renderArticleReply(long, { sentence: 35 });
    expect(reply.embeds![0]!.description).toContain('▶ __**Paragraph 35 says');
    expect(reply.embeds![0]!.footer!.text).not.toMatch(/^page 1\//);
  });
});

describe('reload replies', () => {
  it('list skipped files and warnings apart, and cut a long list to Discord’s limit with a count of the rest', () => {
    const skipped: SkippedItem[] = Array.from({ length: 200 }, (_, i) => ({
      file: `broken-${i}.txt`,
      reason: 'binary file (contains NUL bytes)',
    }));
    const warnings: SkippedItem[] = [{ file: 'links.md', reason: 'url dropped: not an absolute http(s) URL', severity: 'warning' }];
    const report: ReloadReport = {
      ok: true,
      before: { articles: 1, sentences: 2 },
      after: { articles: 1, sentences: 2 },
      added: [],
      changed: [],
      removed: [],
      skipped: [...warnings, ...skipped],
      tookMs: 12,
    };
    const description = renderReloadReply(report).embeds![0]!.description!;
    expect(description.length).toBeLessThanOrEqual(LIMITS.description);
    expect(description).toMatch(/\*\*Skipped 200:\*\*/);
    expect(description).toMatch(/…and \d+ more \(see `verbatim index`\)/);
    expect(description).not.toMatch(/Nothing skipped/);
  });

  it('says the old index is still in use when a reload failed', () => {
    const report: ReloadReport = {
      ok: false,
      error: 'corpus directory not found: /srv/corpus',
      before: { articles: 1, sentences: 2 },
      after: { articles: 1, sentences: 2 },
      added: [],
      changed: [],
      removed: [],
      skipped: [],
      tookMs: 3,
    };
    expect(renderReloadReply(report).embeds![0]).toMatchObject({
      title: 'Reload failed',
      description: expect.stringMatching(/still in use/),
    });
  });
});

describe('markdown escaping and button ids', () => {
  it('undoes its escaping exactly', () => {
    for (const text of ['*a* _b_ ~c~ `d` |e| > f # g [h](i) <j> -k \\l', '\\*already escaped\\*', '']) {
      expect(unescapeMarkdown(escapeMarkdown(text))).toBe(text);
    }
  });

  it('refuses a custom id Discord would refuse', () => {
    expect(customId('source', 'open', 'k', 1)).toBe('source:open:k:1');
    expect(() => customId('x'.repeat(101))).toThrow(/longer than 100/);
  });
});

describe('reload replies with several shards', () => {
  const base: ReloadReport = {
    ok: true,
    before: { articles: 5, sentences: 128 },
    after: { articles: 6, sentences: 130 },
    added: ['quillfern'],
    changed: [],
    removed: [],
    skipped: [],
    tookMs: 40,
  };

  it('list every shard, the slowest time, and name a shard that failed and keeps its old index', () => {
    const description = renderReloadReply({
      ...base,
      shards: [
        { shard: 0, ok: true, tookMs: 40, after: { articles: 6, sentences: 130 } },
        { shard: 1, ok: false, error: 'could not reach the shard: Shard 1 is dead', tookMs: 2 },
        { shard: 2, ok: true, tookMs: 1500, after: { articles: 6, sentences: 130 } },
      ],
    }).embeds![0]!.description!;
    expect(description).toMatch(/\*\*Shards:\*\* 2 of 3 reloaded; slowest 1\.5 s/);
    expect(description).toMatch(/Shard 0: 6 articles/);
    expect(description).toMatch(/Shard 1 failed and keeps its previous index: could not reach the shard/);
  });

  it('list the shards under a failed reload too', () => {
    const reply = renderReloadReply({
      ...base,
      ok: false,
      error: 'corpus directory not found',
      shards: [
        { shard: 0, ok: false, error: 'corpus directory not found', tookMs: 1 },
        { shard: 1, ok: true, tookMs: 30, after: { articles: 6, sentences: 130 } },
      ],
    });
    expect(reply.embeds![0]!.description).toMatch(/still in use[\s\S]*\*\*Shards:\*\* 1 of 2 reloaded/);
  });
});
