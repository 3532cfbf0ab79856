/** What the bot does with a new message in a server, and when an answer is sure enough to post. */
import { describe, expect, it } from 'vitest';
import type { ChannelSetting } from '../../src/autoanswer/channelSettings.ts';
import { confidentEnough, decide, type MessageFacts } from '../../src/autoanswer/decision.ts';

const setting = (channelId: string, kind: 'text' | 'forum', enabled = true, minConfidence?: number): ChannelSetting => ({
  guildId: 'g',
  channelId,
  kind,
  enabled,
  minConfidence,
  updatedAt: 0,
});
const settings = new Map([
  ['help', setting('help', 'text')],
  ['forum', setting('forum', 'forum')],
  ['quiet', setting('quiet', 'text', false)],
]);
const settingOf = (id: string) => settings.get(id);
const message = (over: Partial<MessageFacts> = {}): MessageFacts => ({
  id: 'm1',
  channelId: 'help',
  guildId: 'g',
  authorIsBot: false,
  webhookId: null,
  system: false,
  content: 'how do I reset my password?',
  ...over,
});

describe('a new message', () => {
  it('that reads as a question in an enabled text channel is answered in a new thread', () => {
    expect(decide(message(), settingOf)).toMatchObject({ act: 'answer-in-new-thread', question: 'how do I reset my password?' });
  });

  it('that is a statement gets nothing', () => {
    expect(decide(message({ content: 'thanks, it works now' }), settingOf)).toEqual({ act: 'skip', why: 'not-a-question' });
  });

  it('in a channel without auto-answers, or turned off, gets nothing', () => {
    expect(decide(message({ channelId: 'other' }), settingOf)).toEqual({ act: 'skip', why: 'channel-off' });
    expect(decide(message({ channelId: 'quiet' }), settingOf)).toEqual({ act: 'skip', why: 'channel-off' });
  });

  it('from a bot, a webhook, or the system gets nothing', () => {
    expect(decide(message({ authorIsBot: true }), settingOf)).toEqual({ act: 'skip', why: 'from-a-bot' });
    expect(decide(message({ webhookId: 'w' }), settingOf)).toEqual({ act: 'skip', why: 'from-a-webhook' });
    expect(decide(message({ system: true }), settingOf)).toEqual({ act: 'skip', why: 'system-message' });
  });

  it('in a DM gets nothing', () => {
    expect(decide(message({ guildId: null }), settingOf)).toEqual({ act: 'skip', why: 'not-in-a-server' });
  });

  it('opening a post in an enabled forum is answered in the post, with its title', () => {
    const post = message({
      id: 't1',
      channelId: 't1',
      content: 'I forgot it.',
      thread: { id: 't1', parentId: 'forum', name: 'Reset password' },
    });
    expect(decide(post, settingOf)).toEqual({
      act: 'answer-forum-post',
      setting: settings.get('forum'),
      question: 'Reset password. I forgot it.',
      threadId: 't1',
    });
  });

  it('later in a forum post, or in any thread of a text channel, gets nothing', () => {
    const reply = message({ id: 'm2', channelId: 't1', thread: { id: 't1', parentId: 'forum', name: 'Reset password' } });
    expect(decide(reply, settingOf)).toEqual({ act: 'skip', why: 'in-a-thread' });
    const inThread = message({ id: 'm3', channelId: 't2', thread: { id: 't2', parentId: 'help', name: 'how do I…' } });
    expect(decide(inThread, settingOf)).toEqual({ act: 'skip', why: 'in-a-thread' });
  });
});

describe('an answer is posted by itself', () => {
  const quotes = [{}] as never[];
  it('only when it is clear', () => {
    expect(confidentEnough({ quotes, confidence: { level: 'clear', score: 0.7 } }, {})).toBe(true);
    expect(confidentEnough({ quotes, confidence: { level: 'weak', score: 0.4 } }, {})).toBe(false);
    expect(confidentEnough({ quotes: [], confidence: { level: 'none', score: 0 } }, {})).toBe(false);
  });

  it('and at least as confident as the channel asks', () => {
    expect(confidentEnough({ quotes, confidence: { level: 'clear', score: 0.7 } }, { minConfidence: 0.8 })).toBe(false);
    expect(confidentEnough({ quotes, confidence: { level: 'clear', score: 0.8 } }, { minConfidence: 0.8 })).toBe(true);
  });
});
