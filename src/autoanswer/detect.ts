/**
 * Whether a message reads as a question, and the question an auto-answer
 * searches for. A message in a help channel is a question when it ends with
 * "?" or starts with an interrogative ("how do I…", "is there…", "can
 * someone…"); anything else (thanks, statements, chatter) is left alone, so
 * the bot answers only what was asked.
 */

/** Most characters of a message (or a forum post's title and first message) read; the rest is ignored. */
export const MAX_READ_CHARS = 4000;

/** Longest question searched for, in characters: as `/ask` (a longer post is cut at a word boundary). */
export const MAX_AUTO_QUESTION_CHARS = 300;

/**
 * Words that open a question in English: wh-words, and the auxiliaries of a
 * yes/no question ("does it…", "can I…"), with their contractions.
 */
const INTERROGATIVES = new Set([
  'what',
  'whats',
  "what's",
  'why',
  'how',
  "how's",
  'when',
  'where',
  "where's",
  'who',
  "who's",
  'whom',
  'whose',
  'which',
  'is',
  'isnt',
  "isn't",
  'are',
  "aren't",
  'am',
  'was',
  'were',
  'do',
  'does',
  "doesn't",
  'did',
  "didn't",
  "don't",
  'can',
  "can't",
  'cannot',
  'could',
  'would',
  'will',
  'should',
  'shall',
  'may',
  'might',
  'has',
  'have',
  // "anyone know how…", "anybody tried…": how chat asks.
  'anyone',
  'anybody',
]);

/**
 * Discord markup that is not the member's words: code blocks, inline code, quoted lines,
 * mentions, custom emoji, links, and markdown emphasis.
 */
function plainText(text: string): string {
  return (
    text
      .slice(0, MAX_READ_CHARS)
      .replace(/```[\s\S]*?(?:```|$)/g, ' ')
      .replace(/`[^`\n]*`/g, ' ')
      .replace(/<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>/g, ' ')
      .replace(/<https?:\/\/[^>\s]*>|https?:\/\/\S+/g, ' ')
      // Quoted lines are someone else's words.
      .replace(/^\s*>.*$/gm, ' ')
      .replace(/[*_~|]+/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/**
 * Whether `text` reads as a question: it ends with "?" (after trailing
 * emoji, brackets or quotes), or its first word is an interrogative.
 */
export function readsAsQuestion(text: string): boolean {
  const plain = plainText(text);
  if (!plain) return false;
  // "?" at the end, or "?" followed only by closing punctuation and emoji ("…right?)", "why? 🙂").
  if (/\?[\s"'”’)\]!.…\p{Extended_Pictographic}\uFE0F]*$/u.test(plain)) return true;
  const first = /^[\p{L}']+/u.exec(plain.toLowerCase().replace(/[‘’]/g, "'"))?.[0];
  return first !== undefined && INTERROGATIVES.has(first);
}

/**
 * The question an auto-answer searches for: the parts (a forum post's title,
 * then its first message) as plain text, joined, and cut at a word boundary to
 * {@link MAX_AUTO_QUESTION_CHARS}. Empty when there are no words.
 */
export function autoQuestion(...parts: Array<string | undefined>): string {
  const texts = parts.map((p) => plainText(p ?? '')).filter(Boolean);
  // A title without end punctuation ends its sentence before the message's first one.
  const joined = texts.map((p, i) => (i < texts.length - 1 && !/[.?!:;]$/.test(p) ? `${p}.` : p)).join(' ');
  if (joined.length <= MAX_AUTO_QUESTION_CHARS) return joined;
  const cut = joined.lastIndexOf(' ', MAX_AUTO_QUESTION_CHARS);
  return joined.slice(0, cut > MAX_AUTO_QUESTION_CHARS / 2 ? cut : MAX_AUTO_QUESTION_CHARS).trim();
}
