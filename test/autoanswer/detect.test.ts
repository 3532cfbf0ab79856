/** Which messages read as questions, and the question an auto-answer searches for. */
import { describe, expect, it } from 'vitest';
import { autoQuestion, MAX_AUTO_QUESTION_CHARS, readsAsQuestion } from '../../src/autoanswer/detect.ts';

describe('a message reads as a question', () => {
  it.each([
    'what is Operation Unifier',
    'How do I reset my password',
    'Why did the mission end in 2022.',
    'is there a way to export the data',
    "Can't I use it offline",
    'Anyone know where the logs are kept',
    'the build fails on Windows?',
    'it says error 42, any idea? 🙂',
    'so this is expected behavior?)',
    '**How** do I reset it',
    '> quoting someone\nwhere is that documented',
    '<@123456789012345678> where do I find the key',
    'What’s the difference between the two',
  ])('when it ends with "?" or opens with an interrogative: %s', (text) => {
    expect(readsAsQuestion(text)).toBe(true);
  });

  it.each([
    'thanks, that worked',
    'The build is green again.',
    'I reset my password yesterday',
    'lol',
    '',
    '   ',
    'see `what is this?` in the docs',
    '```\nwhy?\n```',
    'https://example.com/what?',
    'somewhat related: the wiki moved',
  ])('not when it is a statement, thanks or chatter: %j', (text) => {
    expect(readsAsQuestion(text)).toBe(false);
  });

  it('reads only the start of a very long message', () => {
    expect(readsAsQuestion(`I have a note ${'a '.repeat(5000)}?`)).toBe(false);
  });
});

describe('the question searched for', () => {
  it('is a forum post’s title, then its first message, as plain text', () => {
    expect(autoQuestion('Reset password', 'I **forgot** it, see <https://example.com/x>. How do I reset it?')).toBe(
      'Reset password. I forgot it, see . How do I reset it?',
    );
  });

  it('keeps the title’s own punctuation', () => {
    expect(autoQuestion('How do I reset my password?', 'It is gone.')).toBe('How do I reset my password? It is gone.');
  });

  it('is cut at a word boundary to the length /ask accepts', () => {
    const question = autoQuestion('Long post', 'word '.repeat(200));
    expect(question.length).toBeLessThanOrEqual(MAX_AUTO_QUESTION_CHARS);
    expect(question.endsWith('word')).toBe(true);
  });

  it('is empty when there are no words', () => {
    expect(autoQuestion('', '```code```')).toBe('');
  });
});
