/**
 * The record's statistics as /stats shows them (paged embeds, within
 * Discord's limits) and as `verbatim stats` prints them (text, or JSON).
 * Pure functions of a {@link RecordStats}.
 */
import { ButtonStyle, ComponentType, type APIButtonComponent } from 'discord.js';
import type { Reply } from '../interaction/types.ts';
import type { QuotedArticle, RecordStats } from '../record/stats.ts';
import { customId, escapeMarkdown, formatMs, LIMITS, truncate } from './discord.ts';

/** Entries per list page: ten lines of at most ~300 characters stay well inside an embed's 4,096. */
export const STATS_PAGE_SIZE = 10;
const COLOR = 0x6b7280;

const n = (x: number) => x.toLocaleString('en');
/** "1 answer", "3 answers"; with `bare`, "day" for one ("the last day"). */
const plural = (x: number, unit: string, bare = false) => (x === 1 ? (bare ? unit : `1 ${unit}`) : `${n(x)} ${unit}s`);
const percent = (part: number, whole: number) => (whole > 0 ? `${Math.round((100 * part) / whole)}%` : '–');

/** One section of the statistics: a title and its lines (markdown; `plain` for the text output). */
interface Section {
  title: string;
  lines: Array<{ markdown: string; plain: string }>;
  /** Shown when there are no lines. */
  empty: string;
}

function articleName(a: QuotedArticle, markdown: boolean): string {
  if (!a.title) return markdown ? `\`${escapeMarkdown(truncate(a.id, 100))}\`` : a.id;
  return markdown ? `*${escapeMarkdown(truncate(a.title, 100))}*` : `${a.title} [${a.id}]`;
}

function quoted(text: string, markdown: boolean, max = 150): string {
  return markdown ? `“${escapeMarkdown(truncate(text, max))}”` : `"${text}"`;
}

/** The overview lines. */
function overview(stats: RecordStats): Section {
  const { asked, answered, votes, latencyMs } = stats;
  const lines = [
    `Questions asked: ${n(asked)} (${n(stats.askedByKind.ask)} with /ask, ${n(stats.askedByKind.message)} with Find sources${
      stats.askedByKind.auto > 0 ? `, ${n(stats.askedByKind.auto)} answered by themselves in help channels` : ''
    })`,
    `Answered: ${percent(answered, asked)} (${n(answered)})`,
    `Votes: ${n(votes.helpful)} helpful, ${n(votes.notHelpful)} not helpful: ${percent(votes.helpful, votes.helpful + votes.notHelpful)} helpful (on ${plural(votes.answersVoted, 'answer')})`,
    `Answer time: ${latencyMs ? `p50 ${formatMs(latencyMs.p50)} · p95 ${formatMs(latencyMs.p95)}` : '–'}`,
    `Unanswered: ${n(asked - answered)} questions in ${n(stats.unanswered.length)}${stats.unanswered.length >= 25 ? '+' : ''} groups by their words`,
    ...(stats.neverQuoted !== undefined ? [`Articles never quoted: ${n(stats.neverQuoted)}`] : []),
  ];
  return {
    title: 'Overview',
    lines: lines.map((l) => {
      const [label, ...rest] = l.split(': ');
      return { markdown: `**${label}:** ${rest.join(': ')}`, plain: l };
    }),
    empty: '',
  };
}

function sections(stats: RecordStats): Section[] {
  return [
    overview(stats),
    {
      title: 'Unanswered questions, grouped by their words (the corpus’s gaps)',
      lines: stats.unanswered.map((g) => ({
        markdown: `**${n(g.count)}×** ${quoted(g.example, true)}${g.words ? ` — ${escapeMarkdown(truncate(g.words.split(' ').join(', '), 100))}` : ' — no searchable words'}`,
        plain: `${g.count}x ${quoted(g.example, false)}${g.words ? `  (words: ${g.words.split(' ').join(', ')})` : '  (no searchable words)'}`,
      })),
      empty: 'Every question was answered.',
    },
    {
      title: 'Answers voted not helpful',
      lines: stats.notHelpful.map((u) => {
        const article = { id: u.articleId, ...(u.title !== undefined && { title: u.title }), quotes: 0 };
        return {
          markdown: `**${n(u.notHelpful)}** not helpful, ${n(u.helpful)} helpful — ${quoted(u.question, true)} → ${articleName(article, true)}`,
          plain: `${u.notHelpful} not helpful, ${u.helpful} helpful: ${quoted(u.question, false)} -> ${articleName(article, false)}`,
        };
      }),
      empty: 'No answer was voted not helpful.',
    },
    {
      title: 'Most quoted articles',
      lines: stats.mostQuoted.map((a) => ({
        markdown: `**${n(a.quotes)}** ${articleName(a, true)}`,
        plain: `${a.quotes}  ${articleName(a, false)}`,
      })),
      empty: 'No article was quoted.',
    },
    {
      title: 'Least quoted articles',
      lines: stats.leastQuoted.map((a) => ({
        markdown: `**${n(a.quotes)}** ${articleName(a, true)}`,
        plain: `${a.quotes}  ${articleName(a, false)}`,
      })),
      empty: 'No article was quoted.',
    },
  ];
}

/** The pages of /stats: the overview, then each list in pages of {@link STATS_PAGE_SIZE}. */
export function statsPages(stats: RecordStats): Array<{ title: string; lines: string[] }> {
  const pages: Array<{ title: string; lines: string[] }> = [];
  for (const section of sections(stats)) {
    const lines = section.lines.map((l) => l.markdown);
    if (lines.length === 0) pages.push({ title: section.title, lines: [section.empty] });
    for (let i = 0; i < lines.length; i += STATS_PAGE_SIZE) {
      const numbered = lines.slice(i, i + STATS_PAGE_SIZE).map((l, j) => (section.title === 'Overview' ? l : `${i + j + 1}. ${l}`));
      const more = lines.length > STATS_PAGE_SIZE ? ` (${i + 1}–${Math.min(lines.length, i + STATS_PAGE_SIZE)} of ${lines.length})` : '';
      pages.push({ title: section.title + more, lines: numbered });
    }
  }
  return pages;
}

/** Options of {@link renderStatsReply}. */
export interface StatsReplyOptions {
  page: number;
  /** How long the record keeps questions, for the footer. */
  retentionDays: number;
  /** Whose questions: "this server", "every server". */
  scope: string;
}

/** One page of /stats, ephemeral, with ◀ ▶ (custom ids `stats:page:<days>:<page>`). */
export function renderStatsReply(stats: RecordStats, options: StatsReplyOptions): Reply {
  const pages = statsPages(stats);
  const page = Math.min(pages.length - 1, Math.max(0, options.page));
  const shown = pages[page]!;
  const description = shown.lines.join('\n');
  const footer = `page ${page + 1}/${pages.length} · ${options.scope} · questions are kept ${options.retentionDays} days`;
  const days = stats.days;
  const nav: APIButtonComponent[] = [
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: '◀',
      custom_id: customId('stats', 'page', days, page - 1),
      disabled: page === 0,
    },
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: `page ${page + 1}/${pages.length}`,
      custom_id: customId('stats', 'noop', days),
      disabled: true,
    },
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: '▶',
      custom_id: customId('stats', 'page', days, page + 1),
      disabled: page >= pages.length - 1,
    },
  ];
  return {
    embeds: [
      {
        color: COLOR,
        title: truncate(`${shown.title} — the last ${plural(days, 'day', true)}`, LIMITS.title),
        description: description.slice(0, LIMITS.description),
        footer: { text: truncate(footer, LIMITS.footer) },
      },
    ],
    components: [{ type: ComponentType.ActionRow, components: nav }],
    ephemeral: true,
  };
}

/** The statistics as text, every list whole, for `verbatim stats`. */
export function renderStatsText(stats: RecordStats): string {
  const out = [
    `Verbatim: the last ${plural(stats.days, 'day', true)} (${new Date(stats.since).toISOString()} to ${new Date(stats.until).toISOString()})`,
  ];
  for (const section of sections(stats)) {
    out.push('', `${section.title}:`);
    if (section.lines.length === 0) out.push(`  ${section.empty}`);
    section.lines.forEach((l, i) => out.push(section.title === 'Overview' ? `  ${l.plain}` : `  ${i + 1}. ${l.plain}`));
  }
  return `${out.join('\n')}\n`;
}

/** The statistics as one JSON object, times as ISO 8601 strings. */
export function statsToJson(stats: RecordStats): unknown {
  return {
    ...stats,
    since: new Date(stats.since).toISOString(),
    until: new Date(stats.until).toISOString(),
    unanswered: stats.unanswered.map((g) => ({ ...g, lastAskedAt: new Date(g.lastAskedAt).toISOString() })),
  };
}
