/** An auto-answer's buttons and the /config texts, as Discord shows them. */
import { describe, expect, it } from 'vitest';
import type { AutoAnswerStatus } from '../../src/autoanswer/control.ts';
import type { Reply } from '../../src/interaction/types.ts';
import { autoAnswerProblem, renderAutoAnswerReply, threadName } from '../../src/render/autoAnswer.ts';
import { LIMITS } from '../../src/render/discord.ts';
import type { Answer } from '../../src/search/answer.ts';

function answer(quotes: number, total = quotes): Answer {
  return {
    question: 'how do I reset my password?',
    quotes: Array.from({ length: quotes }, (_, i) => ({
      text: 'Open Settings and choose Reset.',
      score: 1,
      highlights: [],
      article: { id: `a${i}`, key: `k${i}`, title: 'Passwords' },
      sentence: i,
      offsets: { start: 0, end: 31 },
      context: {},
    })),
    total,
    suggestions: [],
    kind: 'thing',
    confidence: { level: 'clear', score: 0.9 },
    searchedWords: ['reset', 'password'],
    corrections: {},
    sentences: 100,
    candidates: 10,
    tookMs: 1,
  };
}
const buttons = (reply: Reply) =>
  (reply.components ?? []).flatMap((row) => row.components) as Array<{ label?: string; custom_id?: string }>;
const AUTHOR = '1300000000000000401';

describe('an auto-answer', () => {
  it('has the buttons of /ask, one Not helpful that knows who asked, and Ask again with /ask', () => {
    const reply = renderAutoAnswerReply(answer(3, 6), { top: 3, authorId: AUTHOR, answerId: 'AbCdEfGhIjKlMnOp' });
    expect(buttons(reply).map((b) => b.label)).toEqual([
      'Source 1',
      'Source 2',
      'Source 3',
      'More',
      'Helpful',
      'Not helpful',
      'Ask again with /ask',
    ]);
    const byLabel = new Map(buttons(reply).map((b) => [b.label, b.custom_id!]));
    expect(byLabel.get('Helpful')).toBe('ask:vote:1:AbCdEfGhIjKlMnOp');
    expect(byLabel.get('Not helpful')).toBe(`config:dismiss:${AUTHOR}:AbCdEfGhIjKlMnOp`);
    expect(byLabel.get('Ask again with /ask')).toBe('config:reask');
    for (const id of byLabel.values()) expect(id.length).toBeLessThanOrEqual(LIMITS.customId);
    expect(reply.ephemeral).toBe(false);
    expect(reply.content).toBe('> how do I reset my password?');
  });

  it('without recording, has no Helpful, and Not helpful only removes', () => {
    const labels = buttons(renderAutoAnswerReply(answer(1), { top: 3, authorId: AUTHOR })).map((b) => [b.label, b.custom_id]);
    expect(labels).toEqual([
      ['Source 1', 'source:open:k0:0'],
      ['Not helpful', `config:dismiss:${AUTHOR}`],
      ['Ask again with /ask', 'config:reask'],
    ]);
  });

  it('in a text channel gets a thread named after the question, within Discord’s 100 characters', () => {
    expect(threadName('how do I\nreset   it?')).toBe('how do I reset it?');
    expect(threadName('word '.repeat(50)).length).toBeLessThanOrEqual(100);
  });
});

describe('/config says why auto-answers are off', () => {
  const status = (over: Partial<AutoAnswerStatus>): AutoAnswerStatus => ({
    mode: 'auto',
    wanted: true,
    intents: 'on',
    settingsAvailable: true,
    rate: { limit: 6, windowMs: 600_000 },
    ...over,
  });
  it('nothing when they run', () => {
    expect(autoAnswerProblem(status({}))).toBeUndefined();
  });
  it('the refused intent, with where to enable it', () => {
    expect(autoAnswerProblem(status({ intents: 'refused' }))).toMatch(/Message Content.*Developer Portal/s);
  });
  it('the operator’s AUTOANSWER=off, and an unwritable data folder', () => {
    expect(autoAnswerProblem(status({ mode: 'off' }))).toContain('AUTOANSWER=off');
    expect(autoAnswerProblem(status({ settingsAvailable: false, settingsProblem: 'cannot write x' }))).toContain('cannot write x');
  });
});
