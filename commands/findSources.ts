/**
 * Find sources — a message command (Apps → Find sources, on any message):
 * quotes the corpus sentences that best match what the message says, with
 * the citations and buttons of /ask, shown only to the member who asked.
 *
 * A short message is asked as it is, like an /ask question. A longer one is
 * reduced to its most distinctive words (the engine's `distinctiveWords`:
 * rare words of the corpus first, keeping the share of words the corpus does
 * not know), so that a long message about one of the corpus's subjects finds
 * it, and one about something else still gets the usual "no answer". The
 * message comes with the interaction: no privileged intent is needed.
 */
import { ApplicationCommandType, ContextMenuCommandBuilder } from 'discord.js';
import { answerQuestion, cooldownRefusal } from '../src/interaction/answering.ts';
import type { MessageCommandContext } from '../src/interaction/types.ts';
import { renderError } from '../src/render/discord.ts';
import { MAX_QUESTION_LENGTH } from './ask.ts';

/** Words searched for in a long message. */
export const MESSAGE_WORDS = 12;
const RESULTS = 3;

export const data = new ContextMenuCommandBuilder().setName('Find sources').setType(ApplicationCommandType.Message);

export async function execute(ctx: MessageCommandContext): Promise<void> {
  const startedAt = performance.now();
  const text = ctx.target.content.trim();
  if (!text) return ctx.reply(renderError('That message has no text to find sources for.'));
  const refusal = cooldownRefusal(ctx);
  if (refusal) return ctx.reply(refusal);
  const reduced = await ctx.engine.distinctiveWords(text, MESSAGE_WORDS);
  const short = reduced.total <= MESSAGE_WORDS && text.length <= MAX_QUESTION_LENGTH;
  // A long message of stop words only keeps its start, so that the engine says why it found nothing.
  const question = short || reduced.words.length === 0 ? text.slice(0, MAX_QUESTION_LENGTH) : reduced.words.join(' ');
  await answerQuestion(ctx, { kind: 'message', question, top: RESULTS, ephemeral: true, startedAt });
}
