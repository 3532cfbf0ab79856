/**
 * Sentence splitting.
 *
 * A small rule-based splitter, written for news and encyclopaedic English.
 * Neither off-the-shelf option is good enough here: natural's SentenceTokenizer
 * splits "U.S." into "U." + "S.", and ICU's `Intl.Segmenter` splits after
 * "Aug." and after initials ("John G." | "Ward") and, in Node 20, takes time
 * quadratic in the length of its input. This splitter scans each line once,
 * looking back at most a few characters at each candidate boundary, so it is
 * linear in the input size.
 *
 * Lines are hard boundaries: callers pass one line (or any range without line
 * breaks); {@link splitSentences} also treats any `\n` inside the range as a
 * boundary.
 */

/** A half-open character range `[start, end)` in the text that was split. */
export interface Span {
  start: number;
  end: number;
}

/** Options of {@link splitSentences}. */
export interface SplitOptions {
  /**
   * A sentence longer than this many characters is cut at the last clause
   * break (`;`, `:`, `,`, dash) or space before the limit, so one run-on line
   * cannot become a single huge "sentence". Default: 1000.
   */
  maxLength?: number | undefined;
}

const DEFAULT_MAX_LENGTH = 1000;

/**
 * Abbreviations that precede a name and never end a sentence when followed by
 * a capitalised word or a number ("Mr. Putin", "Dr. Ward", "St. John's").
 * Compared case-sensitively, without the final period.
 */
const NAME_ABBREVIATIONS = new Set([
  'Mr',
  'Mrs',
  'Ms',
  'Mx',
  'Dr',
  'Prof',
  'St',
  'Ste',
  'Mt',
  'Ft',
  'Pt',
  'Gen',
  'Lt',
  'Col',
  'Maj',
  'Capt',
  'Cpt',
  'Sgt',
  'Cpl',
  'Pvt',
  'Adm',
  'Cmdr',
  'Cdr',
  'Brig',
  'Gov',
  'Sen',
  'Rep',
  'Rev',
  'Hon',
  'Pres',
  'Supt',
  'Insp',
  'Det',
  'Amb',
  'Atty',
  'Messrs',
  'Mme',
  'Mlle',
  'Msgr',
  'Fr',
  'vs',
  'v',
  'cf',
  'ca',
  'approx',
  'Univ',
  'Ave',
  'Blvd',
]);

/**
 * Abbreviations that belong to the number after them ("No. 10", "Aug. 24",
 * "p. 7"): not a sentence end when a digit follows.
 */
const NUMBER_ABBREVIATIONS = new Set([
  'No',
  'Nos',
  'Vol',
  'Vols',
  'Fig',
  'Figs',
  'Art',
  'Sec',
  'Ch',
  'Chap',
  'Op',
  'pp',
  'p',
  'para',
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Sept',
  'Oct',
  'Nov',
  'Dec',
  'Mon',
  'Tue',
  'Tues',
  'Wed',
  'Thu',
  'Thur',
  'Thurs',
  'Fri',
  'Sat',
  'Sun',
]);

/**
 * Abbreviations that may end a sentence ("…moved to the U.S. He said…") but
 * usually do not ("the U.S. Army", "Acme Inc. shares"). After one of these a
 * boundary is placed only when the next word is a typical sentence opener.
 */
const AMBIGUOUS_ABBREVIATIONS = new Set([
  'Inc',
  'Ltd',
  'Co',
  'Corp',
  'Bros',
  'Jr',
  'Sr',
  'etc',
  'al',
  'Esq',
  'Ph.D',
  'a.m',
  'p.m',
  'A.M',
  'P.M',
]);

/**
 * Words that typically open a sentence. Used only to decide whether a dotted
 * abbreviation ("U.S.", "a.m.", "Inc.") ends the sentence before it.
 */
const SENTENCE_OPENERS = new Set([
  'The',
  'A',
  'An',
  'This',
  'That',
  'These',
  'Those',
  'There',
  'Here',
  'It',
  'Its',
  'He',
  'She',
  'We',
  'I',
  'You',
  'They',
  'His',
  'Her',
  'Our',
  'Their',
  'My',
  'Your',
  'But',
  'And',
  'Or',
  'So',
  'Yet',
  'However',
  'In',
  'On',
  'At',
  'For',
  'If',
  'When',
  'While',
  'After',
  'Before',
  'As',
  'Since',
  'Although',
  'Though',
  'Meanwhile',
  'Still',
  'Then',
  'Now',
  'Today',
  'Also',
  'Some',
  'Many',
  'Most',
  'All',
  'No',
  'Not',
  'One',
  'What',
  'Who',
  'Why',
  'How',
  'Where',
  'Which',
  'Despite',
  'During',
  'Under',
  'With',
  'Without',
  'By',
]);

const CLOSERS = new Set(['"', "'", '\u201D', '\u2019', '\u00BB', '\u203A', ')', ']', '}']);
const OPENERS = new Set(['"', "'", '\u201C', '\u2018', '\u00AB', '\u2039', '(', '[', '{']);
const TERMINATORS = /[.!?\u2026\u203D]+/g;

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\u00A0' || c === '\u2009' || c === '\u202F';
const isLower = (c: string): boolean => c !== c.toUpperCase() && c === c.toLowerCase();
const isUpper = (c: string): boolean => c !== c.toLowerCase() && c === c.toUpperCase();
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const hasWordChar = /[\p{L}\p{N}]/u;

/**
 * Splits `text[start, end)` into sentences and returns their trimmed spans,
 * in order. Line breaks always end a sentence; empty pieces and pieces with no
 * letter or digit are dropped.
 *
 * @example
 * splitSentences('Mr. Putin will back down. He said so.')
 * // → [{start: 0, end: 26}, {start: 27, end: 38}]
 */
export function splitSentences(text: string, options: SplitOptions = {}, start = 0, end = text.length): Span[] {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const out: Span[] = [];
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    splitLine(text, lineStart, lineEnd, maxLength, out);
    lineStart = lineEnd + 1;
  }
  return out;
}

function splitLine(text: string, start: number, end: number, maxLength: number, out: Span[]): void {
  let sentenceStart = start;
  TERMINATORS.lastIndex = start;
  for (let m = TERMINATORS.exec(text); m && m.index < end; m = TERMINATORS.exec(text)) {
    let after = Math.min(m.index + m[0].length, end);
    while (after < end && CLOSERS.has(text[after]!)) after++;
    if (after < end && !isSpace(text[after])) continue; // "$9.7", "U.S.", "jackets…we"
    if (after < end && !isBoundary(text, m.index, m[0], after, end)) continue;
    push(text, sentenceStart, after, maxLength, out);
    sentenceStart = after;
    TERMINATORS.lastIndex = after;
  }
  push(text, sentenceStart, end, maxLength, out);
}

/**
 * Decides whether the terminator `mark` at `at`, followed by white space from
 * `after`, ends a sentence.
 */
function isBoundary(text: string, at: number, mark: string, after: number, end: number): boolean {
  let next = after;
  while (next < end && isSpace(text[next])) next++;
  if (next >= end) return true;
  const c = text[next]!;
  // A sentence does not start in lower case: '"Why?" he asked', "e.g. the", "U.S. and".
  if (isLower(c)) return false;
  if (mark !== '.') return true; // "!", "?", "…" followed by a capital, digit or quote.

  const word = wordBefore(text, at);
  if (isDigit(c)) {
    // "No. 10", "Aug. 24", "p. 7": a number follows the abbreviation it belongs to.
    return !(NAME_ABBREVIATIONS.has(word) || NUMBER_ABBREVIATIONS.has(word));
  }
  if (/^\p{Lu}$/u.test(word)) return false; // an initial: "John G. Ward"
  if (NAME_ABBREVIATIONS.has(word)) return !isUpper(c) && !OPENERS.has(c);
  const dotted = word.includes('.'); // "U.S", "U.K", "Ph.D", "a.m", "e.g"
  if (dotted || AMBIGUOUS_ABBREVIATIONS.has(word)) return SENTENCE_OPENERS.has(nextWord(text, next, end));
  return true;
}

/** The word (letters and inner periods) that ends just before position `at`. */
function wordBefore(text: string, at: number): string {
  let i = at;
  // Abbreviation words are short; looking back 12 characters keeps this O(1).
  const limit = Math.max(0, at - 12);
  while (i > limit && /[\p{L}.]/u.test(text[i - 1]!)) i--;
  return text.slice(i, at).replace(/^\.+/, '');
}

function nextWord(text: string, from: number, end: number): string {
  let i = from;
  while (i < end && OPENERS.has(text[i]!)) i++;
  let j = i;
  while (j < end && j - i < 20 && /\p{L}/u.test(text[j]!)) j++;
  return text.slice(i, j);
}

/** Trims `[start, end)` and appends it, cutting pieces longer than `maxLength`. */
function push(text: string, start: number, end: number, maxLength: number, out: Span[]): void {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  while (end - start > maxLength) {
    const cut = cutPoint(text, start, start + maxLength);
    pushIfWordy(text, start, cut, out);
    start = cut;
    while (start < end && /\s/.test(text[start]!)) start++;
  }
  pushIfWordy(text, start, end, out);
}

function pushIfWordy(text: string, start: number, end: number, out: Span[]): void {
  let e = end;
  while (e > start && /\s/.test(text[e - 1]!)) e--;
  if (e > start && hasWordChar.test(text.slice(start, e))) out.push({ start, end: e });
}

/** Where to cut an over-long sentence: after the last clause break, else the last space, else hard. */
function cutPoint(text: string, start: number, limit: number): number {
  const floor = start + Math.floor((limit - start) / 2);
  let space = -1;
  for (let i = limit; i > floor; i--) {
    const c = text[i - 1]!;
    if (c === ';' || c === ':' || c === ',' || c === '\u2014' || c === '\u2013') return i;
    if (space < 0 && isSpace(c)) space = i;
  }
  return space > 0 ? space : limit;
}
