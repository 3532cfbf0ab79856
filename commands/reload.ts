/**
 * /reload — re-reads the corpus and swaps the new index in. Moderators only,
 * the way Discord does it: the command's default permission is Manage
 * Server, server admins may grant it to other roles or members in Server
 * Settings → Integrations, and Discord delivers it only to those (the router
 * marks such an invoker a moderator). Guild-only.
 */
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { Progress } from '../src/engine/types.ts';
import type { CommandContext } from '../src/interaction/types.ts';
import { renderError, renderNotice, renderReloadReply } from '../src/render/discord.ts';

/** A reload that takes longer than this edits its reply with progress. */
const PROGRESS_AFTER_MS = 3000;
const PROGRESS_EVERY_MS = 2000;

export const data = new SlashCommandBuilder()
  .setName('reload')
  .setDescription('Re-read the corpus folder and update the index (moderators)')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild);

export async function execute(ctx: CommandContext): Promise<void> {
  if (!ctx.invoker.inGuild) return ctx.reply(renderError('/reload works only in a server.'));
  if (!ctx.invoker.isModerator) return ctx.reply(renderError('Only moderators can reload the corpus.'));
  await ctx.defer({ ephemeral: true });
  const started = Date.now();
  let lastEdit = 0;
  let latest: Progress | undefined;
  let editing: Promise<void> = Promise.resolve();
  const onProgress = (p: Progress): void => {
    latest = p;
    const now = Date.now();
    if (now - started < PROGRESS_AFTER_MS || now - lastEdit < PROGRESS_EVERY_MS) return;
    lastEdit = now;
    const shown = latest;
    editing = editing.then(() =>
      ctx.edit(renderNotice('Reloading…', progressLine(shown))).catch((err) => ctx.log(`progress edit failed: ${(err as Error).message}`)),
    );
  };
  ctx.log(`reload requested by ${ctx.invoker.name}`);
  const report = await ctx.engine.reload(onProgress);
  await editing;
  ctx.log(
    report.ok
      ? `reload done: ${report.after.articles} articles, ${report.after.sentences} sentences, ${report.skipped.filter((s) => s.severity !== 'warning').length} skipped`
      : `reload failed: ${report.error}`,
  );
  await ctx.reply(renderReloadReply(report));
}

function progressLine(p: Progress): string {
  const pct = p.total ? ` (${Math.floor((100 * p.done) / p.total)}%)` : '';
  return `${p.phase[0]!.toUpperCase()}${p.phase.slice(1)}: ${p.done.toLocaleString('en')} of ${p.total.toLocaleString('en')}${pct}. Answers keep coming from the current index until the new one is ready.`;
}
