/**
 * Re-joining hard-wrapped text: RFCs, e-mail, Project Gutenberg books and
 * text copied out of PDFs break every paragraph into lines of a fixed width.
 * The cleaning stage reads a text line by line (a line is a paragraph, and a
 * hard sentence boundary), so a wrapped sentence would be quoted in pieces
 * and a wrapped line without a final period would be taken for a heading.
 *
 * The loader therefore re-flows such text before anything else sees it: each
 * wrapped paragraph becomes one line. This is done here, on the loader's
 * output, rather than as "soft" line breaks in the splitter, because the
 * loader's text is exactly what the article store keeps and what sentence
 * offsets point into: re-flowing here keeps every later stage (line
 * classification, paragraphs, offsets, `verbatim source`) unchanged and
 * correct, and quotes carry no stray line breaks.
 *
 * Only files that look hard-wrapped are touched (see {@link detectWrapWidth});
 * files with one paragraph per line (the seed corpus), lists, headings, code,
 * tables and verse keep their line boundaries.
 */

/** A line's leading white space, in characters. */
function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return i;
}

const LIST_MARKER = /^[ \t]*(?:[-*+•‣◦o]|\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,3}\))[ \t]+(?=\S)/u;
/** Lines that start a structure of their own and are never joined to the line before. */
const STRUCTURE = /^[ \t]*(?:#{1,6}[ \t]|>|\||```|~~~|={3,}|-{3,}|\*{3,}|_{3,}|\[\d+\][ \t])/;
/** Three spaces inside a line: columns (a memo header, a table, a signature block), never prose. */
const COLUMNS = /\S {3,}\S/;
const SENTENCE_END = /[.!?…:;]["'”’»)\]]*$/u;
const FENCE = /^[ \t]*(?:```|~~~)/;

function isBlankLine(line: string): boolean {
  return line.trim() === '';
}

function firstWordLength(line: string): number {
  const trimmed = line.trimStart();
  const space = trimmed.search(/\s/);
  return space === -1 ? trimmed.length : space;
}

function startsLowercase(line: string): boolean {
  const c = line.trimStart()[0];
  return c !== undefined && c !== c.toUpperCase() && c === c.toLowerCase();
}

/** Options of {@link detectWrapWidth} and {@link unwrapText}. */
export interface ReflowOptions {
  /** Narrowest wrap width recognized, in characters. Default 30. */
  minWidth?: number | undefined;
  /** Widest wrap width recognized, in characters (wider lines are paragraphs). Default 132. */
  maxWidth?: number | undefined;
}

/**
 * The width a text was hard-wrapped at, or `undefined` when it does not look
 * hard-wrapped.
 *
 * Evidence: inside blocks of consecutive non-blank lines, a line that does
 * not end a sentence followed by one that starts in lower case is a sentence
 * broken in two, which a writer does not do by hand. The text counts as
 * wrapped when at least 2 such breaks exist, they are at least 20% of the
 * line breaks inside blocks, and the lines before breaks are no wider than
 * `maxWidth` (95th percentile, which is taken as the width). One paragraph per
 * line gives no such breaks (each line ends a sentence); verse and lists start
 * their lines with capitals or markers.
 */
export function detectWrapWidth(lines: readonly string[], options: ReflowOptions = {}): number | undefined {
  const minWidth = options.minWidth ?? 30;
  const maxWidth = options.maxWidth ?? 132;
  const widths: number[] = [];
  let innerBreaks = 0;
  let sentenceBreaks = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1]!;
    if (isBlankLine(line) || isBlankLine(next)) continue;
    innerBreaks++;
    widths.push(line.trimEnd().length);
    if (!SENTENCE_END.test(line.trimEnd()) && startsLowercase(next) && !LIST_MARKER.test(next)) sentenceBreaks++;
  }
  if (sentenceBreaks < 2 || sentenceBreaks < 0.2 * innerBreaks) return undefined;
  widths.sort((a, b) => a - b);
  const width = widths[Math.min(widths.length - 1, Math.floor(widths.length * 0.95))]!;
  return width >= minWidth && width <= maxWidth ? width : undefined;
}

/** Lower-cased words of a text, for {@link joinHyphenated}. */
export function documentWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const match of text.matchAll(/\p{L}+/gu)) words.add(match[0].toLowerCase());
  return words;
}

/**
 * Joins `left` (a line ending in a letter and `-`) and `right` (the next
 * line). The hyphen is a line-end break, and is removed, only when the joined
 * word is one the document uses elsewhere ("exam-" + "ple" → "example" if
 * "example" occurs); otherwise it is a real hyphen and stays ("well-" +
 * "known" → "well-known"). Returns `undefined` when `left` does not end in
 * a hyphenated word part.
 */
export function joinHyphenated(left: string, right: string, words: ReadonlySet<string>): string | undefined {
  const head = /(\p{L}+)-$/u.exec(left);
  const tail = /^(\p{Ll}\p{L}*)/u.exec(right);
  if (!head || !tail) return undefined;
  const joined = `${head[1]}${tail[1]}`.toLowerCase();
  return words.has(joined) ? `${left.slice(0, -1)}${right}` : `${left}${right}`;
}

/**
 * Re-flows hard-wrapped paragraphs of `text` into one line each; returns
 * `text` itself when it does not look hard-wrapped.
 *
 * A line break inside a block of non-blank lines is removed (the lines joined
 * with one space, continuation indent dropped) when the break was made by the
 * wrapper: the next line's first word would not have fit in the width (10%
 * slack for an estimated width), or, for proportional text copied from PDFs,
 * the line is at least half the width, does not end a sentence and the next
 * starts in lower case. It is kept before a list item, a Markdown heading,
 * quote, table, rule or code fence, inside fenced code, next to a line laid
 * out in columns (three spaces between words), and where the
 * indentation grows (a quotation, verse, code), except for the hanging indent
 * of a list item's own continuation lines.
 */
export function unwrapText(text: string, options: ReflowOptions = {}): string {
  const lines = text.split('\n');
  const width = detectWrapWidth(lines, options);
  if (width === undefined) return text;
  let words: Set<string> | undefined;

  const out: string[] = [];
  let current: string | undefined; // the line being built, not yet pushed
  let currentIndent = 0; // indent of the previous physical line
  let hangingIndent = -1; // content column of the list item being continued
  let lastLength = 0; // length of the previous physical line
  let inFence = false;

  const flush = (): void => {
    if (current !== undefined) out.push(current);
    current = undefined;
  };

  for (const line of lines) {
    if (FENCE.test(line)) {
      flush();
      out.push(line);
      inFence = !inFence;
      continue;
    }
    if (inFence || isBlankLine(line)) {
      flush();
      out.push(line);
      hangingIndent = -1;
      continue;
    }
    const indent = indentOf(line);
    const marker = LIST_MARKER.exec(line);
    const join =
      current !== undefined &&
      !marker &&
      !STRUCTURE.test(line) &&
      !STRUCTURE.test(current) &&
      !COLUMNS.test(line) &&
      !COLUMNS.test(current.trimEnd()) &&
      (indent <= currentIndent || indent === hangingIndent) &&
      (lastLength + 1 + firstWordLength(line) > width * 0.9 ||
        (lastLength >= width * 0.5 && !SENTENCE_END.test(current.trimEnd()) && startsLowercase(line)));
    if (join && current !== undefined) {
      const right = line.trim();
      words ??= documentWords(text);
      const left = current.trimEnd();
      current = joinHyphenated(left, right, words) ?? (/[—–]$|--$/.test(left) ? `${left}${right}` : `${left} ${right}`);
    } else {
      flush();
      current = line; // a line that is not joined is kept exactly
      hangingIndent = marker ? marker[0].length : indent === hangingIndent ? hangingIndent : -1;
    }
    currentIndent = indent;
    lastLength = line.trimEnd().length;
  }
  flush();
  return out.join('\n');
}
