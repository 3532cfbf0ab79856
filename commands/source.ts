/**
 * /source article:<autocomplete> — shows an article, paged. Its buttons:
 * "Source N" on an answer opens the article at that quote (for the clicker
 * only), ◀ ▶ turn pages.
 */
import { SlashCommandBuilder } from 'discord.js';
import type { ArticleView } from '../src/engine/types.ts';
import type { AutocompleteContext, ButtonContext, CommandContext } from '../src/interaction/types.ts';
import { LIMITS, escapeMarkdown, renderArticleReply, renderError, truncate } from '../src/render/discord.ts';

/** Discord shows at most 25 autocomplete choices. */
const MAX_CHOICES = 25;
/** Prefix of a choice value that carries an article key (for ids longer than Discord's 100-character values). */
const KEY_PREFIX = 'key:';
/** Longest article id or title typed, in characters (longer input is refused; Discord enforces it while typing). */
export const MAX_ARTICLE_INPUT = 200;

export const data = new SlashCommandBuilder()
  .setName('source')
  .setDescription('Read an article of the corpus')
  .addStringOption((o) =>
    o.setName('article').setDescription('Start typing a title').setRequired(true).setAutocomplete(true).setMaxLength(MAX_ARTICLE_INPUT),
  );

export async function execute(ctx: CommandContext): Promise<void> {
  const input = (ctx.options.getString('article') ?? '').trim();
  if (input.length > MAX_ARTICLE_INPUT) {
    return ctx.reply(renderError(`That is ${input.length} characters long; an article id or title is at most ${MAX_ARTICLE_INPUT}.`));
  }
  const view = input.startsWith(KEY_PREFIX)
    ? await ctx.engine.articleByKey(input.slice(KEY_PREFIX.length))
    : await ctx.engine.article(input);
  if (view) return ctx.reply(renderArticleReply(view, { ephemeral: true }));
  const near = await ctx.engine.suggestArticles(input, 5);
  const list = near.map((a) => `• ${escapeMarkdown(truncate(a.title, 90))} (\`${escapeMarkdown(truncate(a.id, 100))}\`)`).join('\n');
  await ctx.reply(
    renderError(
      `There is no article "${escapeMarkdown(truncate(input, 100))}".${near.length ? `\nDid you mean:\n${list}` : ''}\nPick one from the list as you type.`,
    ),
  );
}

export async function autocomplete(ctx: AutocompleteContext): Promise<void> {
  const articles = await ctx.engine.suggestArticles(ctx.focused.value, MAX_CHOICES);
  await ctx.respond(
    articles.map((a) => ({
      name: truncate(a.title, LIMITS.choiceName),
      value: a.id.length <= 100 ? a.id : KEY_PREFIX + a.key,
    })),
  );
}

/** `source:open:<key>:<sentence>` and `source:page:<key>:<page>:<sentence>`. */
export async function button(ctx: ButtonContext): Promise<void> {
  const [, action, key = '', a, b] = ctx.args;
  const view: ArticleView | undefined = await ctx.engine.articleByKey(key);
  if (!view)
    return ctx.reply(renderError('That article is no longer in the corpus: it was removed or renamed in a reload. Ask again with /ask.'));
  if (action === 'open') {
    const sentence = toIndex(a, view.sentences.length);
    return ctx.reply(renderArticleReply(view, { ...(sentence !== undefined && { sentence }), ephemeral: true }));
  }
  if (action === 'page') {
    const sentence = toIndex(b, view.sentences.length);
    return ctx.update(renderArticleReply(view, { page: Math.max(0, Number(a) || 0), ...(sentence !== undefined && { sentence }) }));
  }
  await ctx.reply(renderError('This button does nothing.'));
}

function toIndex(arg: string | undefined, count: number): number | undefined {
  const n = Number(arg);
  return Number.isInteger(n) && n >= 0 && n < count ? n : undefined;
}
