/**
 * /stats days:<1–365> — what members asked and how the answers did, from the
 * record of questions: questions asked, share answered, share voted helpful,
 * p50/p95 answer time, the unanswered questions grouped by their words (the
 * corpus's gaps), the answers voted not helpful, the most and least quoted
 * articles. Paged (◀ ▶), shown only to the moderator who asked, this
 * server's questions only. Moderators only, as /reload: Manage Server by
 * default (or whoever an admin grants it to in Integrations), guild only.
 */
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { BaseContext, ButtonContext, CommandContext, Reply } from '../src/interaction/types.ts';
import { renderError } from '../src/render/discord.ts';
import { renderStatsReply } from '../src/render/stats.ts';
import { replyInTime } from '../src/interaction/respond.ts';
import { collectStatsOffThread, type RecordStats } from '../src/record/stats.ts';

const DEFAULT_DAYS = 30;
const MAX_DAYS = 365;
/** Most corpus articles read for titles and the least quoted (a larger corpus ranks its first ones). */
export const MAX_STATS_ARTICLES = 10_000;

export const data = new SlashCommandBuilder()
  .setName('stats')
  .setDescription('What members asked and how the answers did (moderators)')
  .addIntegerOption((o) =>
    o
      .setName('days')
      .setDescription(`The last how many days (1–${MAX_DAYS}, default ${DEFAULT_DAYS})`)
      .setMinValue(1)
      .setMaxValue(MAX_DAYS),
  )
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild);

export async function execute(ctx: CommandContext): Promise<void> {
  if (!ctx.invoker.inGuild) return ctx.reply(renderError('/stats works only in a server.'));
  if (!ctx.invoker.isModerator)
    return ctx.reply(renderError('Only moderators (Manage Server, or a moderator role) can see the statistics.'));
  const days = Math.min(MAX_DAYS, Math.max(1, Math.trunc(ctx.options.getInteger('days') ?? DEFAULT_DAYS)));
  await replyInTime(ctx, () => statsReply(ctx, days, 0, { fresh: true }), { ephemeral: true });
}

/**
 * `stats:page:<days>:<page>`: another page, recomputed (the state is in the
 * custom id). Not checked for a moderator again: the buttons are on an
 * ephemeral reply to /stats, which only the member Discord let run it can see
 * and click (a member an admin granted /stats to need not have Manage Server).
 */
export async function button(ctx: ButtonContext): Promise<void> {
  const [, action, daysArg, pageArg] = ctx.args;
  if (action !== 'page') return ctx.reply(renderError('This button does nothing.'));
  const days = Math.min(MAX_DAYS, Math.max(1, Math.trunc(Number(daysArg)) || DEFAULT_DAYS));
  const reply = await statsReply(ctx, days, Math.max(0, Math.trunc(Number(pageArg)) || 0));
  // An error goes to the clicker as a new message; a page replaces the one shown.
  if (reply.components?.length) return ctx.update(reply);
  await ctx.reply(reply);
}

/**
 * Statistics computed in the last minute, by server and period, so that
 * turning pages is quick (a button must be answered within 3 s, and cannot be
 * deferred here). At most {@link MAX_CACHED} entries.
 */
const cache = new Map<string, { at: number; stats: RecordStats }>();
const CACHE_MS = 60_000;
const MAX_CACHED = 20;

async function statsReply(ctx: BaseContext, days: number, page: number, options: { fresh?: boolean } = {}): Promise<Reply> {
  if (!ctx.invoker.isModerator) return renderError('Only moderators (Manage Server, or a moderator role) can see the statistics.');
  // In a server, its own questions only; the console (no server) sees every question recorded.
  if (!ctx.invoker.inGuild) return renderError('/stats works only in a server.');
  if (!ctx.record)
    return renderError(
      'Questions are not being recorded (RECORD_QUESTIONS is false, or the data folder is not writable: see the bot’s log), so there are no statistics.',
    );
  const key = `${ctx.record.file}:${ctx.invoker.guildId ?? ''}:${days}`;
  let stats = cache.get(key)?.stats;
  if (options.fresh || !stats || Date.now() - cache.get(key)!.at > CACHE_MS) {
    const corpus = await ctx.engine.suggestArticles('', MAX_STATS_ARTICLES);
    ctx.record.flush();
    // In a server, its own questions only; the console (no server) sees every question recorded. Read in a
    // thread of its own: on a large record the queries take longer than the bot's main thread may pause.
    stats = await collectStatsOffThread(ctx.record.file, { days, guildId: ctx.invoker.guildId }, { corpus });
    cache.delete(key);
    cache.set(key, { at: Date.now(), stats });
    while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  }
  return renderStatsReply(stats, {
    page,
    retentionDays: ctx.record.retentionDays,
    scope: ctx.invoker.guildId ? 'this server' : 'every question',
  });
}
