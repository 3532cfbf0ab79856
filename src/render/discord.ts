/**
 * Replies as Discord shows them: embeds and buttons, as plain API JSON.
 * Pure functions of an answer or an article; the console renders the same
 * replies as text.
 *
 * Discord's limits are respected here (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
 * embed title 256 characters, description 4,096, footer 2,048, 6,000 in all;
 * 5 buttons per row, 5 rows; custom ids up to 100 characters.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { ArticleView, ReloadReport, ShardReloadResult } from '../engine/types.ts';
import type { ArticleRef } from '../library/store.ts';
import type { Answer, Highlight, Quote } from '../search/answer.ts';
import type { Reply } from '../interaction/types.ts';
import { paginate, pageOf } from './article.ts';
import { noAnswerMessage, renderIgnored, renderSkipped, splitSkipped, WEAK_ANSWER_TITLE } from './text.ts';

export const LIMITS = {
  title: 256,
  description: 4096,
  footer: 2048,
  embedTotal: 6000,
  customId: 100,
  buttonLabel: 80,
  choiceName: 100,
} as const;

/**
 * The longest URL Discord takes in an embed: its API description types embed
 * URLs as URIs (RFC 3986) of at most 2,048 characters, and answers 400 to others.
 */
const MAX_EMBED_URL = 2048;

/**
 * A link as Discord accepts it in an embed, or undefined: only an absolute
 * http(s) URL that `new URL` parses, in its normalized form (spaces and
 * non-ASCII characters percent-encoded, as are the few characters RFC 3986 does
 * not allow and `new URL` leaves as they are), of at most 2,048 characters.
 * Front matter is not checked by anyone else before it gets here.
 */
export function embedUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') return undefined;
  const href = parsed.href
    .replace(/%(?![0-9A-Fa-f]{2})/g, '%25')
    .replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]%]/g, (c) => encodeURIComponent(c));
  return href.length <= MAX_EMBED_URL ? href : undefined;
}

/** Embed color: a calm blue for answers, grey for everything else. */
const COLOR = { answer: 0x3b82f6, weak: 0xd97706, info: 0x6b7280, error: 0xdc2626 } as const;

/** Characters with a meaning in Discord markdown. */
const MARKDOWN = /[\\*_~`|>#[\]()<-]/g;

/** Escapes Discord markdown so corpus text shows exactly as written. Undo with {@link unescapeMarkdown}. */
export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN, (c) => `\\${c}`);
}

/** The exact inverse of {@link escapeMarkdown}. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\*_~`|>#[\]()<-])/g, '$1');
}

/** Shortens text to `max` characters at a word boundary, with "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max - 1);
  return text.slice(0, cut > max * 0.6 ? cut : max - 1) + '…';
}

/** Builds a button custom id from parts; throws if Discord would refuse it. */
export function customId(...parts: Array<string | number>): string {
  const id = parts.join(':');
  if (id.length > LIMITS.customId) throw new Error(`custom id longer than ${LIMITS.customId} characters: ${id.slice(0, 40)}…`);
  return id;
}

/** `text` (escaped) with highlighted ranges in bold, cut to `max` characters of source text. */
function boldRanges(text: string, ranges: readonly Highlight[], max: number): string {
  const shown = truncate(text, max);
  const limit = shown.endsWith('…') ? shown.length - 1 : shown.length;
  let out = '';
  let at = 0;
  for (const [start, end] of ranges) {
    if (start >= limit) break;
    out += escapeMarkdown(text.slice(at, start)) + '**' + escapeMarkdown(text.slice(start, Math.min(end, limit))) + '**';
    at = Math.min(end, limit);
  }
  return out + escapeMarkdown(text.slice(at, limit)) + (limit < text.length ? '…' : '');
}

/** "Title · Source · Date · p. 4 · <url>" in markdown, for a citation line (the page for a quote from a PDF). */
export function citationMarkdown(article: ArticleRef, maxTitle = 120, page?: number): string {
  const parts = [`*${escapeMarkdown(truncate(article.title, maxTitle))}*`];
  if (article.source) parts.push(escapeMarkdown(article.source));
  if (article.date) parts.push(escapeMarkdown(article.date));
  if (page !== undefined) parts.push(`p. ${page}`);
  // Angle brackets keep Discord from unfurling a preview of the link.
  const url = embedUrl(article.url);
  if (url) parts.push(`<${url}>`);
  return parts.join(' · ');
}

/** A quote whose first words point back to the sentence before it ("He said…") reads better with that sentence. */
const LEANS_ON_CONTEXT =
  /^["“‘']?(?:he|she|it|they|this|that|these|those|his|her|its|their|there|the latter|the former|but|however|also|meanwhile|such|so)\b/i;

function wantsContext(quote: Quote): boolean {
  return quote.context.before !== undefined && (LEANS_ON_CONTEXT.test(quote.text) || quote.text.length < 60);
}

/** Where the full question of an answer is kept: the message content, which `More` reads back. */
export function questionContent(question: string): string {
  return `> ${escapeMarkdown(question)}`;
}

/** The question of an answer message, read back from its content. */
export function questionFromContent(content: string): string | undefined {
  const m = /^> (.*)$/s.exec(content);
  return m ? unescapeMarkdown(m[1]!) : undefined;
}

/** Options of {@link renderAnswerReply}. */
export interface AnswerReplyOptions {
  /** Quotes per page (the `results` option). */
  top: number;
  /** Index of the first quote shown (for "More"). */
  offset?: number;
  ephemeral?: boolean;
  /** Adds **Helpful** / **Not helpful** buttons for this recorded answer (when recording is on). */
  feedback?: { answerId: string };
}

/** Custom ids of the vote buttons: `ask:vote:1:<answer id>` (Helpful) and `ask:vote:0:<answer id>`. */
export function voteButtons(answerId: string): APIButtonComponent[] {
  return [
    { type: ComponentType.Button, style: ButtonStyle.Success, label: 'Helpful', custom_id: customId('ask', 'vote', 1, answerId) },
    { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Not helpful', custom_id: customId('ask', 'vote', 0, answerId) },
  ];
}

/** The reply to /ask: quotes with citations, Source buttons and More. */
export function renderAnswerReply(answer: Answer, options: AnswerReplyOptions): Reply {
  const offset = options.offset ?? 0;
  const content = questionContent(answer.question);
  const ephemeral = options.ephemeral ?? false;
  if (answer.quotes.length === 0) return renderNoAnswer(answer, content, ephemeral);

  const perQuote = Math.floor((LIMITS.description - 100) / answer.quotes.length);
  const blocks = answer.quotes.map((q, i) => {
    const context = wantsContext(q) ? `-# …${escapeMarkdown(truncate(q.context.before!, 200))}\n` : '';
    const cite = citationMarkdown(q.article, 120, q.page);
    const room = Math.max(80, perQuote - context.length - cite.length - 20);
    return `${context}**${offset + i + 1}.** ${boldRanges(q.text, q.highlights, room)}\n— ${cite}`;
  });
  const shownTo = offset + answer.quotes.length;
  const corrected = Object.entries(answer.corrections);
  const footer = [
    `Searched ${answer.sentences.toLocaleString('en')} sentences in ${formatMs(answer.tookMs)}`,
    answer.total > answer.quotes.length ? `results ${offset + 1}–${shownTo} of ${answer.total}` : undefined,
    corrected.length ? `read ${corrected.map(([w, c]) => `"${w}" as "${c[0]}"`).join(', ')}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  const weak = answer.confidence.level === 'weak';
  const embed: APIEmbed = {
    color: weak ? COLOR.weak : COLOR.answer,
    // A weak match is offered as what it is, not presented like an answer.
    ...(weak && { title: WEAK_ANSWER_TITLE }),
    description: blocks.join('\n\n').slice(0, LIMITS.description),
    footer: { text: footer.slice(0, LIMITS.footer) },
  };

  const sourceButtons: APIButtonComponent[] = answer.quotes.map((q, i) => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label: `Source ${offset + i + 1}`,
    custom_id: customId('source', 'open', q.article.key, q.sentence),
  }));
  const components: Array<APIActionRowComponent<APIButtonComponent>> = [row(sourceButtons)];
  const answerId = options.feedback?.answerId;
  if (shownTo < answer.total) {
    // The answer id rides along, so that the next page carries the vote buttons too.
    const more = answerId ? customId('ask', 'more', shownTo, options.top, answerId) : customId('ask', 'more', shownTo, options.top);
    components.push(row([{ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'More', custom_id: more }]));
  }
  if (answerId) components.push(row(voteButtons(answerId)));
  return { content, embeds: [embed], components, ephemeral };
}

function renderNoAnswer(answer: Answer, content: string, ephemeral: boolean): Reply {
  const lines = [noAnswerMessage(answer)];
  if (answer.suggestions.length) {
    lines.push('', 'Closest articles:');
    for (const a of answer.suggestions) lines.push(`• ${citationMarkdown(a)}`);
    lines.push('', 'Try other words, or open one with `/source`.');
  }
  return { content, embeds: [{ color: COLOR.info, description: lines.join('\n') }], components: [], ephemeral };
}

/** Options of {@link renderArticleReply}. */
export interface ArticleReplyOptions {
  /** Page to show (0-based); defaults to the page of `sentence`, else the first. */
  page?: number;
  /** A sentence to mark (position among the article's sentences). */
  sentence?: number;
  ephemeral?: boolean;
}

/** Characters of article text per page, leaving room for markdown escapes and the mark. */
const PAGE_CHARS = 3000;

/** One page of an article for /source, with ◀ ▶ buttons and the quoted sentence marked. */
export function renderArticleReply(view: ArticleView, options: ArticleReplyOptions = {}): Reply {
  const pages = paginate(view, PAGE_CHARS);
  const marked = options.sentence !== undefined ? view.sentences[options.sentence] : undefined;
  const page = Math.min(pages.length - 1, Math.max(0, options.page ?? (marked ? pageOf(pages, marked.start) : 0)));
  const text = view.text;
  const paragraphs = pages[page]!.paragraphs.map((p) => {
    const inner = (s: number, e: number) =>
      p.kind === 'heading' ? `**${escapeMarkdown(text.slice(s, e))}**` : escapeMarkdown(text.slice(s, e));
    if (marked && marked.start >= p.start && marked.end <= p.end) {
      // The quoted sentence: bold and underlined, with a marker in the margin.
      return `${inner(p.start, marked.start)}▶ __**${escapeMarkdown(text.slice(marked.start, marked.end))}**__${inner(marked.end, p.end)}`;
    }
    return inner(p.start, p.end);
  });
  const a = view.article;
  const url = embedUrl(a.url);
  const meta = [a.source, a.date].filter(Boolean).join(' · ');
  const embed: APIEmbed = {
    color: COLOR.info,
    title: truncate(a.title, LIMITS.title),
    ...(url && { url }),
    description: (paragraphs.join('\n\n') || '*This article has no readable text.*').slice(0, LIMITS.description),
    footer: { text: truncate(`page ${page + 1}/${pages.length}${meta ? ` · ${meta}` : ''} · ${a.id}`, LIMITS.footer) },
  };
  const sentence = options.sentence ?? -1;
  const nav: APIButtonComponent[] = [
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: '◀',
      custom_id: customId('source', 'page', a.key, page - 1, sentence),
      disabled: page === 0,
    },
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: `page ${page + 1}/${pages.length}`,
      custom_id: customId('source', 'noop', a.key),
      disabled: true,
    },
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: '▶',
      custom_id: customId('source', 'page', a.key, page + 1, sentence),
      disabled: page >= pages.length - 1,
    },
  ];
  return { embeds: [embed], components: pages.length > 1 ? [row(nav)] : [], ephemeral: options.ephemeral ?? false };
}

/** The reply to /reload. */
/** One line per shard of a reload that reached every shard, and the slowest time; a failed shard is named with its reason. */
function renderShardResults(shards: ShardReloadResult[]): string[] {
  const slowest = Math.max(0, ...shards.map((s) => s.tookMs));
  const failed = shards.filter((s) => !s.ok);
  const lines = [`**Shards:** ${shards.length - failed.length} of ${shards.length} reloaded; slowest ${formatMs(slowest)}`];
  for (const s of shards)
    lines.push(
      s.ok
        ? `• Shard ${s.shard}: ${s.after ? `${s.after.articles.toLocaleString('en')} articles, ` : ''}${formatMs(s.tookMs)}`
        : `• Shard ${s.shard} failed and keeps its previous index: ${escapeMarkdown(truncate(s.error ?? 'unknown error', 200))}`,
    );
  return lines;
}

export function renderReloadReply(report: ReloadReport): Reply {
  const n = (x: number) => x.toLocaleString('en');
  if (!report.ok) {
    return {
      embeds: [
        {
          color: COLOR.error,
          title: 'Reload failed',
          description: [
            `${escapeMarkdown(report.error ?? 'unknown error')}\n\nThe previous index is still in use.`,
            ...(report.shards ? ['', ...renderShardResults(report.shards)] : []),
          ].join('\n'),
        },
      ],
      ephemeral: true,
    };
  }
  const lines = [
    `**Articles:** ${n(report.before.articles)} → ${n(report.after.articles)}`,
    `**Sentences:** ${n(report.before.sentences)} → ${n(report.after.sentences)}`,
    `**Time:** ${formatMs(report.tookMs)}`,
  ];
  const changes = listChanges(report);
  if (changes) lines.push(`**Changes:** ${changes}`);
  if (report.shards) lines.push(...renderShardResults(report.shards));
  const { skipped, warnings } = splitSkipped(report.skipped);
  const ignored = renderIgnored(report.ignored);
  if (ignored) lines.push(`**Not read (other file types):** ${escapeMarkdown(ignored)}`);
  lines.push('');
  if (skipped.length === 0) lines.push('Nothing skipped.');
  for (const [title, items] of [
    [`Skipped ${skipped.length}`, skipped],
    [`Loaded with a warning: ${warnings.length}`, warnings],
  ] as const) {
    if (items.length === 0) continue;
    lines.push(`**${title}:**`);
    const rendered = renderSkipped(items);
    let used = lines.join('\n').length;
    for (let i = 0; i < rendered.length; i++) {
      const line = `• ${escapeMarkdown(truncate(rendered[i]!, 300))}`;
      if (used + line.length > LIMITS.description - 60) {
        lines.push(`…and ${rendered.length - i} more (see \`verbatim index\`).`);
        break;
      }
      lines.push(line);
      used += line.length + 1;
    }
  }
  return { embeds: [{ color: COLOR.info, title: 'Corpus reloaded', description: lines.join('\n') }], ephemeral: true };
}

function listChanges(report: ReloadReport): string {
  return [
    report.added.length && `${report.added.length} added`,
    report.changed.length && `${report.changed.length} changed`,
    report.removed.length && `${report.removed.length} removed`,
  ]
    .filter(Boolean)
    .join(', ');
}

/** A short ephemeral error. */
export function renderError(message: string): Reply {
  return { embeds: [{ color: COLOR.error, description: message.slice(0, LIMITS.description) }], ephemeral: true };
}

/** A short ephemeral notice. */
export function renderNotice(title: string, message: string): Reply {
  return { embeds: [{ color: COLOR.info, title, description: message.slice(0, LIMITS.description) }], ephemeral: true };
}

export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

function row(buttons: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent> {
  return { type: ComponentType.ActionRow, components: buttons.slice(0, 5) };
}
