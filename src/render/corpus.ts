/**
 * Replies of `/corpus` (add, list, remove), as Discord shows them; the
 * console renders the same replies as text. All are ephemeral: they are a
 * moderator's business.
 */
import { ButtonStyle, ComponentType, type APIButtonComponent } from 'discord.js';
import type { AddResult, AddedDocument, RemoveResult } from '../corpus/editor/index.ts';
import type { ArticleView } from '../engine/types.ts';
import type { Reply } from '../interaction/types.ts';
import { LIMITS, customId, embedUrl, escapeMarkdown, formatMs, renderError, truncate } from './discord.ts';

/** Documents per page of `/corpus list`. */
export const LIST_PAGE_SIZE = 10;

const COLOR = { done: 0x16a34a, info: 0x6b7280, warning: 0xd97706 } as const;

const sentences = (n: number): string => `${n.toLocaleString('en')} sentence${n === 1 ? '' : 's'}`;

/** A source as a line shows it: a link in angle brackets (no preview), else the name, escaped. */
function sourceText(source: string): string {
  const url = embedUrl(source);
  return url ? `<${url}>` : escapeMarkdown(truncate(source, 200));
}

/** The reply to `/corpus add`: what was added, or why nothing was. */
export function renderAddResult(result: AddResult): Reply {
  if (!result.ok) return renderError(`Nothing was added: ${escapeMarkdown(result.reason)}`);
  const [first] = result.articles;
  const lines = result.articles
    .slice(0, 10)
    .map((a) => `**${escapeMarkdown(truncate(a.title, 200))}** (\`${escapeMarkdown(a.id)}\`): ${sentences(a.sentences)}`);
  if (result.articles.length > 10) lines.push(`… and ${result.articles.length - 10} more articles`);
  lines.push('', `Source: ${sourceText(result.source)}`, `File: \`${escapeMarkdown(result.file)}\``);
  if (result.warnings.length)
    lines.push('', '**Loaded with a warning:**', ...result.warnings.slice(0, 5).map((w) => `• ${escapeMarkdown(truncate(w, 300))}`));
  lines.push('', `It can be asked about now (added in ${formatMs(result.tookMs)}).`);
  const url = embedUrl(first?.url);
  return {
    embeds: [
      {
        color: result.warnings.length ? COLOR.warning : COLOR.done,
        title: 'Added to the corpus',
        ...(url && { url }),
        description: lines.join('\n').slice(0, LIMITS.description),
      },
    ],
    ephemeral: true,
  };
}

const when = (iso: string): string => iso.replace('T', ' ').replace(/:\d\d(?:\.\d+)?Z$/, ' UTC');

/** A page of `/corpus list`, with ◀ ▶ buttons carrying the offset. */
export function renderCorpusList(list: { total: number; items: AddedDocument[] }, offset: number): Reply {
  if (list.total === 0) {
    return {
      embeds: [
        {
          color: COLOR.info,
          title: 'Added documents',
          description: 'Nothing has been added yet. Use `/corpus add` with a file or a link.',
        },
      ],
      ephemeral: true,
    };
  }
  const lines = list.items.map(
    (d) =>
      `**${escapeMarkdown(truncate(d.title, 120))}** (\`${escapeMarkdown(d.id)}\`)\nadded by ${escapeMarkdown(truncate(d.addedBy.name, 40))} on ${when(d.at)} from ${sourceText(d.source)}`,
  );
  const pages = Math.ceil(list.total / LIST_PAGE_SIZE);
  const page = Math.floor(offset / LIST_PAGE_SIZE) + 1;
  const buttons: APIButtonComponent[] = [
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: '◀',
      custom_id: customId('corpus', 'list', Math.max(0, offset - LIST_PAGE_SIZE)),
      disabled: offset === 0,
    },
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: `${page} / ${pages}`,
      custom_id: customId('corpus', 'noop'),
      disabled: true,
    },
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: '▶',
      custom_id: customId('corpus', 'list', offset + LIST_PAGE_SIZE),
      disabled: offset + LIST_PAGE_SIZE >= list.total,
    },
  ];
  return {
    embeds: [
      {
        color: COLOR.info,
        title: `Added documents (${list.total.toLocaleString('en')})`,
        description: lines.join('\n\n').slice(0, LIMITS.description),
        footer: { text: 'Newest first. Remove one with /corpus remove.' },
      },
    ],
    components: pages > 1 ? [{ type: ComponentType.ActionRow, components: buttons }] : [],
    ephemeral: true,
  };
}

/** The question before a removal, with Remove and Cancel buttons carrying the article's key. */
export function renderRemoveConfirm(view: ArticleView): Reply {
  const a = view.article;
  return {
    embeds: [
      {
        color: COLOR.warning,
        title: 'Remove this document?',
        description: `**${escapeMarkdown(truncate(a.title, 200))}** (\`${escapeMarkdown(a.id)}\`), ${sentences(view.sentences.length)}.\nThis deletes \`${escapeMarkdown(a.file)}\` from the corpus folder; it is no longer quoted.`,
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Remove', custom_id: customId('corpus', 'remove', a.key) },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Cancel', custom_id: customId('corpus', 'cancel') },
        ],
      },
    ],
    ephemeral: true,
  };
}

/** The outcome of a removal. */
export function renderRemoveResult(result: RemoveResult): Reply {
  if (!result.ok) return { ...renderError(`Nothing was removed: ${escapeMarkdown(result.reason)}`), components: [] };
  const names = result.removed.map((a) => `**${escapeMarkdown(truncate(a.title, 200))}** (\`${escapeMarkdown(a.id)}\`)`).join('\n');
  return {
    embeds: [
      {
        color: COLOR.done,
        title: 'Removed from the corpus',
        description: `${names}\n\nDeleted \`${escapeMarkdown(result.file)}\`.`.slice(0, LIMITS.description),
      },
    ],
    components: [],
    ephemeral: true,
  };
}
