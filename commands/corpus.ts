/**
 * /corpus add|list|remove — grows the corpus from Discord. Moderators only,
 * with the same rule as /reload (Manage Server by default, re-checked when
 * the command runs); refused in DMs. The work is the corpus editor's
 * (src/corpus/editor), which the CLI and the console use too.
 *
 * - `add file:<attachment> | url:<link> [title:]`: downloads or fetches the
 *   document, refuses what cannot be read or is already in the corpus, writes
 *   it into the corpus's `added/` folder and indexes it; questions keep being
 *   answered meanwhile.
 * - `list`: the documents added, newest first, paged (◀ ▶).
 * - `remove article:<autocomplete>`: asks for confirmation (Remove / Cancel),
 *   then deletes the file and re-indexes.
 */
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { MAX_TITLE_LENGTH, type Actor } from '../src/corpus/editor/index.ts';
import type { AutocompleteContext, BaseContext, ButtonContext, CommandContext } from '../src/interaction/types.ts';
import { escapeMarkdown, renderError, renderNotice, truncate, LIMITS } from '../src/render/discord.ts';
import { LIST_PAGE_SIZE, renderAddResult, renderCorpusList, renderRemoveConfirm, renderRemoveResult } from '../src/render/corpus.ts';

/** Longest link accepted (Discord's embed limit; longer ones are never documents people share). */
const MAX_URL_LENGTH = 2048;
/** Longest article input typed in `remove`. */
const MAX_ARTICLE_INPUT = 200;

export const data = new SlashCommandBuilder()
  .setName('corpus')
  .setDescription('Add documents to the corpus, list them, remove them (moderators)')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Add a document: a file, or a link to a web page, PDF or text')
      .addAttachmentOption((o) => o.setName('file').setDescription('A .txt, .md, .jsonl, .html or .pdf file'))
      .addStringOption((o) => o.setName('url').setDescription('A link to a web page, PDF or text file').setMaxLength(MAX_URL_LENGTH))
      .addStringOption((o) =>
        o.setName('title').setDescription('A title to show instead of the document’s own').setMaxLength(MAX_TITLE_LENGTH),
      ),
  )
  .addSubcommand((s) => s.setName('list').setDescription('The documents added from Discord or the command line, newest first'))
  .addSubcommand((s) =>
    s
      .setName('remove')
      .setDescription('Remove a document added with /corpus add')
      .addStringOption((o) =>
        o
          .setName('article')
          .setDescription('Start typing its title')
          .setRequired(true)
          .setAutocomplete(true)
          .setMaxLength(MAX_ARTICLE_INPUT),
      ),
  );

/** Why this user may not change the corpus here, or `undefined` when they may. */
function refusal(ctx: BaseContext): string | undefined {
  if (!ctx.invoker.inGuild) return '/corpus works only in a server.';
  if (!ctx.invoker.isModerator) return 'Only moderators (Manage Server, or a moderator role) can change the corpus.';
  if (!ctx.corpus) return 'The corpus cannot be changed from here.';
  return undefined;
}

function actorOf(ctx: BaseContext): Actor {
  return { id: ctx.invoker.id, name: ctx.invoker.name, via: ctx.via ?? 'discord' };
}

export async function execute(ctx: CommandContext): Promise<void> {
  const refused = refusal(ctx);
  if (refused !== undefined) return ctx.reply(renderError(refused));
  const corpus = ctx.corpus!;
  switch (ctx.options.getSubcommand()) {
    case 'add': {
      const file = ctx.options.getAttachment('file');
      const url = ctx.options.getString('url')?.trim() || undefined;
      const title = ctx.options.getString('title') ?? undefined;
      if ((file === null) === (url === undefined)) return ctx.reply(renderError('Give either a file or a url, not both and not neither.'));
      if (url !== undefined && url.length > MAX_URL_LENGTH)
        return ctx.reply(renderError(`A link is at most ${MAX_URL_LENGTH} characters.`));
      if (title !== undefined && title.length > MAX_TITLE_LENGTH)
        return ctx.reply(renderError(`A title is at most ${MAX_TITLE_LENGTH} characters.`));
      await ctx.defer({ ephemeral: true });
      const what = url ?? file!.name;
      ctx.log(`corpus add requested by ${ctx.invoker.name}: ${truncate(what, 200)}`);
      const document = url
        ? ({ kind: 'url', url } as const)
        : file!.localPath
          ? ({ kind: 'file', path: file!.localPath } as const)
          : ({ kind: 'attachment', url: file!.url, name: file!.name, size: file!.size } as const);
      const result = await corpus.add({ document, title, by: actorOf(ctx) });
      ctx.log(result.ok ? `corpus add: ${result.file} (${result.articles.length} articles)` : `corpus add refused: ${result.reason}`);
      return ctx.reply(renderAddResult(result));
    }
    case 'list': {
      const list = await corpus.list({ offset: 0, limit: LIST_PAGE_SIZE });
      return ctx.reply(renderCorpusList(list, 0));
    }
    case 'remove': {
      const input = (ctx.options.getString('article') ?? '').trim();
      if (input.length > MAX_ARTICLE_INPUT)
        return ctx.reply(renderError(`An article id or title is at most ${MAX_ARTICLE_INPUT} characters.`));
      const view = await ctx.engine.article(input);
      if (!view) {
        return ctx.reply(renderError(`There is no article "${escapeMarkdown(truncate(input, 100))}". Pick one from the list as you type.`));
      }
      return ctx.reply(renderRemoveConfirm(view));
    }
    default:
      return ctx.reply(renderError('Use /corpus add, /corpus list or /corpus remove.'));
  }
}

/** Offers the added documents whose title or id contains what is typed. */
export async function autocomplete(ctx: AutocompleteContext): Promise<void> {
  if (!ctx.corpus || !ctx.invoker.isModerator) return ctx.respond([]);
  const typed = ctx.focused.value.slice(0, MAX_ARTICLE_INPUT).toLowerCase().trim();
  const { items } = await ctx.corpus.list({ limit: Number.MAX_SAFE_INTEGER });
  const matching = items.filter((d) => typed === '' || d.title.toLowerCase().includes(typed) || d.id.toLowerCase().includes(typed));
  await ctx.respond(matching.slice(0, 25).map((d) => ({ name: truncate(`${d.title} (${d.id})`, LIMITS.choiceName), value: d.id })));
}

/** `corpus:list:<offset>`, `corpus:remove:<article key>`, `corpus:cancel`. */
export async function button(ctx: ButtonContext): Promise<void> {
  const refused = refusal(ctx);
  if (refused !== undefined) return ctx.reply(renderError(refused));
  const corpus = ctx.corpus!;
  const [, action, arg = ''] = ctx.args;
  if (action === 'list') {
    const offset = Math.max(0, Math.floor(Number(arg) || 0));
    return ctx.update(renderCorpusList(await corpus.list({ offset, limit: LIST_PAGE_SIZE }), offset));
  }
  if (action === 'cancel') return ctx.update({ ...renderNotice('Nothing removed', 'The document stays in the corpus.'), components: [] });
  if (action === 'remove') {
    const view = await ctx.engine.articleByKey(arg);
    if (!view) return ctx.update({ ...renderError('That document is no longer in the corpus.'), components: [] });
    // Acknowledge at once (Discord allows 3 s); the removal and its re-index may take longer.
    await ctx.update({ ...renderNotice('Removing…', `Removing ${escapeMarkdown(truncate(view.article.title, 200))}.`), components: [] });
    ctx.log(`corpus remove by ${ctx.invoker.name}: ${view.article.id}`);
    return ctx.update(renderRemoveResult(await corpus.remove(view.article.id, actorOf(ctx))));
  }
}
