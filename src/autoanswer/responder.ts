/**
 * Answering new messages by themselves: a message from the gateway is
 * decided on ({@link decide}), asked of the engine, and posted only when the
 * answer is confident and the channel is under its rate limit: in a forum
 * post's thread, or in a thread started on the question. Never in the
 * channel itself, never twice for one message, and never with a mention that
 * pings (allowed mentions are empty). A posted answer is recorded like
 * `/ask`'s when recording is on.
 */
import { RESTJSONErrorCodes, type Message } from 'discord.js';
import { AUTO_ANSWER_PERMISSIONS } from '../bot/invite.ts';
import type { AnswerEngine } from '../engine/types.ts';
import { errorMessage, type LogLevel } from '../log.ts';
import type { QuestionRecord } from '../record/questions.ts';
import { renderAutoAnswerReply, threadName } from '../render/autoAnswer.ts';
import type { Reply } from '../interaction/types.ts';
import type { AutoAnswers } from './control.ts';
import { confidentEnough, decide, type MessageFacts } from './decision.ts';

/** Quotes in an auto-answer (as `/ask` by default). */
export const AUTO_ANSWER_QUOTES = 3;

/** Most message ids remembered as answered (or being answered), so that none is answered twice. */
export const MAX_REMEMBERED = 10_000;

/** Nobody is ever pinged by the bot. */
const NO_MENTIONS = { parse: [] as never[] };

/** What the responder needs from the bot. */
export interface ResponderServices {
  engine: AnswerEngine;
  record?: QuestionRecord | undefined;
  autoAnswers: AutoAnswers;
  log: (level: LogLevel, message: string) => void;
}

/** What became of a message (for the log and tests). */
export type Outcome = 'answered' | 'skipped' | 'not-confident' | 'rate-limited' | 'duplicate' | 'failed';

export class AutoResponder {
  /** Ids of the messages answered or being answered, oldest first. */
  private readonly claimed = new Set<string>();

  constructor(private readonly services: ResponderServices) {}

  /** The facts the decision reads from a discord.js message. */
  static facts(message: Message): MessageFacts {
    const channel = message.channel;
    const thread = channel.isThread() ? { id: channel.id, parentId: channel.parentId, name: channel.name } : undefined;
    return {
      id: message.id,
      channelId: message.channelId,
      guildId: message.guildId,
      authorIsBot: message.author.bot,
      webhookId: message.webhookId,
      system: message.system,
      content: message.content,
      ...(thread && { thread }),
    };
  }

  /** Handles a new message (MESSAGE_CREATE); errors are logged, never thrown. */
  async onMessage(message: Message): Promise<Outcome> {
    const startedAt = performance.now();
    const { autoAnswers, engine, record, log } = this.services;
    const decision = decide(AutoResponder.facts(message), (id) => autoAnswers.settingOf(id));
    if (decision.act === 'skip') return 'skipped';
    if (!this.claim(message.id)) return 'duplicate';
    try {
      const answer = await engine.ask(decision.question, { top: AUTO_ANSWER_QUOTES });
      if (!confidentEnough(answer, decision.setting)) return 'not-confident';
      const channelId = decision.act === 'answer-forum-post' ? decision.threadId : message.channelId;
      if (!autoAnswers.rateLimit.take(decision.setting.channelId)) {
        log('info', `auto-answer in ${channelId} skipped: the channel is at its limit (AUTOANSWER_RATE)`);
        return 'rate-limited';
      }
      const answerId = record?.newAnswerId();
      const reply = renderAutoAnswerReply(answer, { top: AUTO_ANSWER_QUOTES, authorId: message.author.id, answerId });
      const sent =
        decision.act === 'answer-forum-post'
          ? await this.inPost(message, reply)
          : await this.inNewThread(message, reply, decision.question);
      log('info', `auto-answered message ${message.id} in ${sent}`);
      if (record && answerId !== undefined) {
        try {
          record.answered({
            id: answerId,
            kind: 'auto',
            guildId: message.guildId ?? undefined,
            answer,
            latencyMs: performance.now() - startedAt,
          });
        } catch (err) {
          log('warn', `could not queue the auto-answer for the record: ${errorMessage(err)}`);
        }
      }
      return 'answered';
    } catch (err) {
      const missing = (err as { code?: unknown }).code === RESTJSONErrorCodes.MissingPermissions;
      log(
        'warn',
        `could not auto-answer message ${message.id} in ${message.channelId}: ${errorMessage(err)}` +
          (missing ? ` (auto-answers need ${AUTO_ANSWER_PERMISSIONS.map((p) => p.name).join(', ')} there)` : ''),
      );
      return 'failed';
    }
  }

  /** A forum post: the reply goes in the post's thread (the message's channel). */
  private async inPost(message: Message, reply: Reply): Promise<string> {
    const thread = message.channel;
    if (!thread.isSendable()) throw new Error(`cannot send in ${thread.id}`);
    await thread.send({
      content: reply.content ?? '',
      embeds: reply.embeds ?? [],
      components: reply.components ?? [],
      allowedMentions: NO_MENTIONS,
    });
    return `forum post ${thread.id}`;
  }

  /** A question in a text channel: a public thread started on it, and the reply in that thread. */
  private async inNewThread(message: Message, reply: Reply, question: string): Promise<string> {
    const thread = await message.startThread({ name: threadName(question) });
    await thread.send({
      content: reply.content ?? '',
      embeds: reply.embeds ?? [],
      components: reply.components ?? [],
      allowedMentions: NO_MENTIONS,
    });
    return `thread ${thread.id}`;
  }

  /** Marks a message as being answered; false when it already was. */
  private claim(id: string): boolean {
    if (this.claimed.has(id)) return false;
    this.claimed.add(id);
    while (this.claimed.size > MAX_REMEMBERED) this.claimed.delete(this.claimed.values().next().value!);
    return true;
  }
}
