/**
 * Answering within Discord's 3-second window on any corpus size: reply
 * directly when the work is quick, and acknowledge ("thinking…") first when
 * it is not, then fill the reply in.
 */
import type { CommandContext, Reply } from './types.ts';

/** Work slower than this gets a deferred reply. Discord's limit is 3 s; this leaves room for the network. */
export const DEFER_AFTER_MS = 1200;

/**
 * Runs `produce` and replies with its result; defers the reply if `produce`
 * takes longer than `deferAfterMs`.
 */
export async function replyInTime(
  ctx: Pick<CommandContext, 'defer' | 'reply' | 'log'>,
  produce: () => Promise<Reply>,
  options: { ephemeral?: boolean; deferAfterMs?: number } = {},
): Promise<void> {
  let deferring: Promise<void> | undefined;
  const timer = setTimeout(() => {
    deferring = ctx.defer({ ephemeral: options.ephemeral }).catch((err) => ctx.log(`could not defer: ${(err as Error).message}`));
  }, options.deferAfterMs ?? DEFER_AFTER_MS);
  let reply: Reply;
  try {
    reply = await produce();
  } finally {
    clearTimeout(timer);
    await deferring;
  }
  await ctx.reply(reply);
}
