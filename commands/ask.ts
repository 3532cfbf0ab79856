/**
 * /ask question:<text> results:<1–5> private:<bool> — answers with quotes
 * from the corpus. Its buttons: "More" shows the next quotes to the clicker;
 * "Helpful" / "Not helpful" record a vote (when recording is on; Find
 * sources' answers carry the same ones).
 */
import { SlashCommandBuilder } from 'discord.js';
import type { ButtonContext, CommandContext } from '../src/interaction/types.ts';
import { answerQuestion, cooldownRefusal, recordVote } from '../src/interaction/answering.ts';
import { questionFromContent, renderAnswerReply, renderError } from '../src/render/discord.ts';

/** Longest question accepted, in characters. */
export const MAX_QUESTION_LENGTH = 300;
const DEFAULT_RESULTS = 3;
const MAX_RESULTS = 5;

export const data = new SlashCommandBuilder()
  .setName('ask')
  .setDescription('Answer a question with sentences quoted from the corpus, each with its source')
  .addStringOption((o) =>
    o.setName('question').setDescription('What do you want to know?').setRequired(true).setMaxLength(MAX_QUESTION_LENGTH),
  )
  .addIntegerOption((o) =>
    o
      .setName('results')
      .setDescription(`How many quotes to show (1–${MAX_RESULTS}, default ${DEFAULT_RESULTS})`)
      .setMinValue(1)
      .setMaxValue(MAX_RESULTS),
  )
  .addBooleanOption((o) => o.setName('private').setDescription('Show the answer only to you'));

export async function execute(ctx: CommandContext): Promise<void> {
  const startedAt = performance.now();
  const question = (ctx.options.getString('question') ?? '').trim();
  const results = clamp(ctx.options.getInteger('results') ?? DEFAULT_RESULTS, 1, MAX_RESULTS);
  const ephemeral = ctx.options.getBoolean('private') ?? false;
  if (!question) return ctx.reply(renderError('Please type a question, for example `/ask question: what is Operation Unifier`.'));
  if (question.length > MAX_QUESTION_LENGTH) {
    return ctx.reply(renderError(`That question is ${question.length} characters long; please keep it under ${MAX_QUESTION_LENGTH}.`));
  }
  const refusal = cooldownRefusal(ctx);
  if (refusal) return ctx.reply(refusal);
  await answerQuestion(ctx, { kind: 'ask', question, top: results, ephemeral, startedAt });
}

/**
 * "More": the next page of quotes, for the clicker only: `ask:more:<offset>:<top>[:<answer id>]`.
 * A vote: `ask:vote:<1|0>:<answer id>`.
 */
export async function button(ctx: ButtonContext): Promise<void> {
  const [, action, first, second, answerId] = ctx.args;
  if (action === 'vote' && (first === '1' || first === '0') && second) return recordVote(ctx, second, first === '1');
  const question = questionFromContent(ctx.message.content);
  if (action !== 'more' || !question) return ctx.reply(renderError('This button no longer works. Ask again with /ask.'));
  const top = clamp(Number(second) || DEFAULT_RESULTS, 1, MAX_RESULTS);
  const offset = Math.max(0, Number(first) || 0);
  const answer = await ctx.engine.ask(question, { top, offset });
  if (answer.quotes.length === 0) return ctx.reply(renderError('There are no more quotes for this question.'));
  const feedback = answerId && ctx.record ? { feedback: { answerId } } : {};
  await ctx.reply(renderAnswerReply(answer, { top, offset, ephemeral: true, ...feedback }));
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.trunc(n)));
}
