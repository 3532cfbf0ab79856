/**
 * What /ask and Find sources share: the cooldown, answering with the vote
 * buttons, recording the answer once it is sent, and the votes themselves.
 * The record is written after the reply and can never fail it.
 */
import { renderAnswerReply, renderError } from '../render/discord.ts';
import { replyInTime } from './respond.ts';
import type { BaseContext, ButtonContext, CommandContext, Reply } from './types.ts';

/**
 * The refusal of a member over the cooldown (moderators are exempt), or
 * `undefined` when the question may go ahead; taking it counts the question.
 */
export function cooldownRefusal(ctx: BaseContext): Reply | undefined {
  if (!ctx.cooldown || ctx.invoker.isModerator) return undefined;
  const decision = ctx.cooldown.take(ctx.invoker.id);
  if (decision.ok) return undefined;
  // Discord shows <t:UNIX:R> as "in 12 seconds" in the reader's own clock; rounded up so it never says "now" too early.
  const at = Math.ceil(decision.retryAt / 1000);
  const { limit, windowMs } = ctx.cooldown;
  return renderError(
    `You have asked ${limit} question${limit === 1 ? '' : 's'} in the last ${describeWindow(windowMs)}: please try again <t:${at}:R>.`,
  );
}

function describeWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return plural(ms / 3_600_000, 'hour');
  if (ms % 60_000 === 0) return plural(ms / 60_000, 'minute');
  if (ms >= 1000) return plural(Math.round(ms / 100) / 10, 'second');
  return `${ms} ms`;
}

const plural = (n: number, unit: string) => (n === 1 ? unit : `${n} ${unit}s`);

/** Options of {@link answerQuestion}. */
export interface AnswerRequest {
  /** `ask` for /ask, `message` for Find sources (how the record tells them apart). */
  kind: 'ask' | 'message';
  question: string;
  top: number;
  ephemeral: boolean;
  /** When the interaction arrived (`performance.now()`), for the recorded latency. */
  startedAt: number;
}

/**
 * Answers `question` in time (deferring when slow), with vote buttons when
 * the record is on and there are quotes, then queues the answer for the
 * record.
 */
export async function answerQuestion(ctx: Omit<CommandContext, 'options'>, request: AnswerRequest): Promise<void> {
  const answerId = ctx.record?.newAnswerId();
  let answer;
  await replyInTime(
    ctx,
    async () => {
      answer = await ctx.engine.ask(request.question, { top: request.top });
      const feedback = answerId !== undefined && answer.quotes.length > 0 ? { feedback: { answerId } } : {};
      return renderAnswerReply(answer, { top: request.top, ephemeral: request.ephemeral, ...feedback });
    },
    { ephemeral: request.ephemeral },
  );
  if (!ctx.record || answerId === undefined || !answer) return;
  try {
    ctx.record.answered({
      id: answerId,
      kind: request.kind,
      guildId: ctx.invoker.guildId,
      answer,
      latencyMs: performance.now() - request.startedAt,
    });
  } catch (err) {
    ctx.log(`could not queue the answer for the record: ${(err as Error).message}`);
  }
}

/** A click on **Helpful** / **Not helpful**: acknowledged to the clicker only; the message stays as it is. */
export async function recordVote(ctx: ButtonContext, answerId: string, helpful: boolean): Promise<void> {
  const label = helpful ? 'Helpful' : 'Not helpful';
  if (!ctx.record) return ctx.reply({ content: 'Thanks! Feedback is not being recorded at the moment.', ephemeral: true });
  let outcome;
  try {
    outcome = ctx.record.vote(answerId, ctx.invoker.id, helpful);
  } catch (err) {
    ctx.log(`could not record a vote: ${(err as Error).message}`);
    return ctx.reply({ content: 'Thanks! Your vote could not be recorded just now; the error has been logged.', ephemeral: true });
  }
  const content = {
    recorded: 'Thanks — recorded.',
    changed: `Thanks — changed to **${label}**.`,
    unchanged: `You already marked this answer **${label}**.`,
    'unknown-answer': `This answer is no longer in the record (questions are kept ${ctx.record.retentionDays} days), so the vote was not counted.`,
  }[outcome];
  await ctx.reply({ content, ephemeral: true });
}
