/**
 * What the bot does with a new message, decided from the message alone (pure,
 * so each rule has a test): answer a new forum post in its thread, answer a
 * question in a text channel in a thread started on it, or nothing. Then,
 * once the engine has answered, whether the answer is sure enough to post.
 */
import type { Answer } from '../search/answer.ts';
import type { ChannelSetting } from './channelSettings.ts';
import { autoQuestion, readsAsQuestion } from './detect.ts';

/** What the decision needs to know about a message. */
export interface MessageFacts {
  id: string;
  /** Where it was posted: a channel, or a thread. */
  channelId: string;
  /** `null` in DMs. */
  guildId: string | null;
  authorIsBot: boolean;
  /** Set for a message sent by a webhook. */
  webhookId: string | null;
  /** A system message (a member joined, a thread was started, …). */
  system: boolean;
  content: string;
  /** The thread the message is in, when it is in one (a forum post is a thread). */
  thread?: { id: string; parentId: string | null; name: string };
}

/** Why a message gets no auto-answer. */
export type SkipReason =
  'not-in-a-server' | 'from-a-bot' | 'from-a-webhook' | 'system-message' | 'channel-off' | 'in-a-thread' | 'not-a-question' | 'no-words';

/** What to do with a message. */
export type Decision =
  | { act: 'answer-forum-post'; setting: ChannelSetting; question: string; threadId: string }
  | { act: 'answer-in-new-thread'; setting: ChannelSetting; question: string }
  | { act: 'skip'; why: SkipReason };

/**
 * Decides what to do with a new message, given the settings of its channel
 * (`settingOf`). In an enabled forum, only a post's first message (which has
 * the post's id) is answered, with the post's title; in an enabled text
 * channel, only a message in the channel itself that reads as a question.
 * Nothing inside a thread otherwise: a thread is a conversation under way (and
 * the bot's own auto-answers live in threads).
 */
export function decide(message: MessageFacts, settingOf: (channelId: string) => ChannelSetting | undefined): Decision {
  if (!message.guildId) return skip('not-in-a-server');
  if (message.webhookId) return skip('from-a-webhook');
  if (message.authorIsBot) return skip('from-a-bot');
  if (message.system) return skip('system-message');
  const thread = message.thread;
  if (thread) {
    const forum = thread.parentId ? settingOf(thread.parentId) : undefined;
    if (!forum?.enabled || forum.kind !== 'forum') return skip(forum?.enabled ? 'in-a-thread' : 'channel-off');
    if (message.id !== thread.id) return skip('in-a-thread');
    const question = autoQuestion(thread.name, message.content);
    return question ? { act: 'answer-forum-post', setting: forum, question, threadId: thread.id } : skip('no-words');
  }
  const channel = settingOf(message.channelId);
  if (!channel?.enabled || channel.kind !== 'text') return skip('channel-off');
  if (!readsAsQuestion(message.content)) return skip('not-a-question');
  const question = autoQuestion(message.content);
  return question ? { act: 'answer-in-new-thread', setting: channel, question } : skip('no-words');
}

const skip = (why: SkipReason): Decision => ({ act: 'skip', why });

/**
 * Whether an answer may be posted by itself: only a clear one (never the
 * weak-match or no-answer states), and at least the channel's
 * `min_confidence` when it has one.
 */
export function confidentEnough(answer: Pick<Answer, 'quotes' | 'confidence'>, setting: Pick<ChannelSetting, 'minConfidence'>): boolean {
  const { level, score } = answer.confidence;
  return level === 'clear' && answer.quotes.length > 0 && (setting.minConfidence === undefined || score >= setting.minConfidence);
}
