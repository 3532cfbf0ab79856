/**
 * Cleaning: decides which lines of an article may be quoted as answers.
 *
 * News pages scraped to text carry boilerplate ("Story continues below
 * advertisement", "READ MORE: …", navigation words, copyright footers) and
 * photo or video captions. None of it may ever be quoted as an answer. The
 * rules here are general patterns plus a shape rule (very short lines without
 * sentence punctuation are navigation, short ones are headings); they are not
 * a list of the seed corpus's exact lines.
 *
 * Cleaning never edits text: it classifies line ranges, so every sentence
 * keeps its offsets into the original article.
 */
import { splitSentences, type SplitOptions } from './sentences.ts';

/** What a line of an article is. Only `body` lines are split into quotable sentences. */
export type BlockKind = 'title' | 'body' | 'heading' | 'caption' | 'boilerplate';

/** A classified line of an article: `text.slice(start, end)`, trimmed. */
export interface Block {
  start: number;
  end: number;
  kind: BlockKind;
}

/** A quotable sentence of an article: its range in the article text. */
export interface SentenceSpan {
  start: number;
  end: number;
  /** Index of the paragraph (body line) it belongs to, counting from 0. */
  paragraph: number;
}

/** The result of cleaning one article. */
export interface CleanedArticle {
  /** The title to show: explicit, else the headline line, else a trimmed first sentence. */
  title: string;
  /** Every non-empty line, classified, in order. */
  blocks: Block[];
  /** The sentences that may be quoted, in order. */
  sentences: SentenceSpan[];
}

/** Options of {@link cleanArticle}. */
export interface CleanOptions extends SplitOptions {
  /** A title from front matter or JSONL; when given, no line is taken as the title. */
  title?: string | undefined;
  /** Used as the title when nothing better is found (e.g. the article id). Default: "Untitled". */
  fallbackTitle?: string;
  /** Longest derived title, in characters, before it is cut with "…". Default: 100. */
  maxTitleLength?: number;
}

/**
 * Whole lines (and sentences) that are page furniture, never content.
 * Anchored at both ends so that prose that merely starts with "More" or
 * "Share" is not affected.
 */
const BOILERPLATE: RegExp[] = [
  // Advertising and promotion.
  /^(?:story continues (?:below|after)(?: (?:this )?(?:advertisement|ad))?|advertisement|ad|sponsored(?: content| post| links?| stories)?|paid (?:content|post|partnership)|promoted(?: content)?)$/i,
  // Social and navigation furniture.
  /^(?:connect with us|follow us\b.{0,60}|share(?: this)?(?: article| story| page| on \w+)?|trending(?: now| stories)?|(?:most )?(?:popular|read|viewed)(?: now| stories| articles)?|skip to (?:main )?content|back to top|(?:leave a |add a |view )?(?:comments?|reply)|(?:you may|you might) also like\b.{0,60}|recommended(?: for you| stories)?|top stories|latest (?:news|stories))$/i,
  // Cross-links with a label: "READ MORE: …", "WATCH: …", "Related: …".
  /^(?:read(?: more)?|watch(?: more)?|listen|see also|also read|related(?: \w+)?|more|must read|don[’']t miss|recommended|video|photos?|gallery)\s*[:|–—-]\s.*$/i,
  // Player and image chrome: "Click to play video: …", "view larger image".
  /^(?:click (?:to|here)\b.*|(?:related images)?\s*view (?:larger|full|more) (?:image|photo|gallery).*|related images\b.*|(?:image|photo|video) (?:source|credit)s?\s*:.*)$/i,
  // Subscription prompts.
  /^(?:sign up|subscribe|get (?:the|our) (?:latest|daily|weekly)|join (?:our|the) (?:newsletter|mailing list))\b.{0,120}$/i,
  // Bylines and datelines that stand alone.
  /^(?:(?:posted|published|updated|last updated)(?: on| at| by)?\b.{0,40}|by [\p{Lu}][\p{L}'’.-]+(?: [\p{Lu}][\p{L}'’.-]+){0,3}(?:,? [\p{L} ]{0,30})?)$/iu,
  // Copyright footers and their legal boilerplate.
  /^(?:copyright\b|©|\(c\) ?\d{4}|all rights reserved\b).*$/i,
];

/** Photo and video captions and credits. */
const CAPTIONS: RegExp[] = [
  // Agency credit: "AP Photo/Efrem Lukatsky", "Reuters/Gleb Garanich".
  /\b(?:AP|AFP|Reuters|Getty(?: Images)?|EPA|Bloomberg|Xinhua|Anadolu|(?:The )?Canadian Press|CP)(?: Photo| Images?)?\s*\/\s*\p{Lu}/u,
  /\bphoto(?:graph)?\s+(?:by|credit|courtesy of)\b/i,
  /^(?:in this (?:[\w-]+ )?(?:photo|image|picture|handout|file photo|frame grab)|(?:file )?photo\s*[:–—-]|pictured\s*[:–—-])/i,
  // A parenthesised credit on its own line: "(Ukrainian National Guard Press Office via AP)".
  /^\([^()]*\b(?:via AP|AP Photo|photo|Getty Images|Reuters|AFP|file|handout|courtesy)\b[^()]*\)$/i,
  // A video title followed by its date: "Russia fences off annexed Crimea – Dec 28, 2018".
  /\s[–—-]\s(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}$/,
];

/** A line ends like a sentence when its last character (before closing quotes or brackets) is one of these. */
const SENTENCE_END = /[.!?…:;]["'”’»)\]]*$/;

/** Lines with fewer words than this and no sentence punctuation are navigation ("Politics", "Published", "on"). */
const MIN_HEADING_WORDS = 4;
/** Lines without sentence punctuation and at most this many words are headings, shown but never quoted. */
const MAX_HEADING_WORDS = 20;

/** Whether a line or a sentence is page furniture (see {@link BOILERPLATE}). */
export function isBoilerplate(text: string): boolean {
  const t = text.trim();
  return BOILERPLATE.some((re) => re.test(t));
}

/** Whether a line is a photo or video caption or credit. */
export function isCaption(text: string): boolean {
  const t = text.trim();
  return CAPTIONS.some((re) => re.test(t));
}

/** Classifies one trimmed line on its own (no title decision). */
export function classifyLine(line: string): Exclude<BlockKind, 'title'> {
  if (isBoilerplate(line)) return 'boilerplate';
  if (isCaption(line)) return 'caption';
  if (!SENTENCE_END.test(line)) {
    const words = countWords(line);
    if (words < MIN_HEADING_WORDS) return 'boilerplate';
    if (words <= MAX_HEADING_WORDS) return 'heading';
  }
  return 'body';
}

/**
 * Cleans one article: classifies its lines, picks its title and lists the
 * sentences that may be quoted.
 */
export function cleanArticle(text: string, options: CleanOptions = {}): CleanedArticle {
  const blocks = classifyLines(text);
  const explicitTitle = options.title?.trim();
  let title = explicitTitle || undefined;

  if (!title) {
    // The first line that is neither furniture nor a one-word section label ("Politics") may be the headline.
    const first = blocks.find(
      (b) => b.kind === 'heading' || b.kind === 'body' || (b.kind === 'boilerplate' && isShortHeadline(text.slice(b.start, b.end))),
    );
    if (first && first.kind !== 'body' && blocks.some((b) => b.kind === 'body' && b.start > first.start)) {
      first.kind = 'title';
      title = text.slice(first.start, first.end);
    }
  }

  const sentences: SentenceSpan[] = [];
  let paragraph = 0;
  for (const block of blocks) {
    if (block.kind !== 'body') continue;
    for (const s of splitSentences(text, options, block.start, block.end)) {
      const sentence = text.slice(s.start, s.end);
      if (!isBoilerplate(sentence) && !isCaption(sentence)) sentences.push({ ...s, paragraph });
    }
    paragraph++;
  }

  if (!title) {
    const first = sentences[0];
    title = first ? shortenTitle(text.slice(first.start, first.end), options.maxTitleLength ?? 100) : '';
  }
  return { title: title || options.fallbackTitle || 'Untitled', blocks, sentences };
}

function classifyLines(text: string): Block[] {
  const blocks: Block[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let s = lineStart;
    let e = lineEnd;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) blocks.push({ start: s, end: e, kind: classifyLine(text.slice(s, e)) });
    lineStart = lineEnd + 1;
  }
  return blocks;
}

/** Turns a first sentence into a title: no final period, cut at a word boundary with "…". */
function shortenTitle(sentence: string, maxLength: number): string {
  const t = sentence.replace(/\s+/g, ' ').replace(/[.]+$/, '');
  if (t.length <= maxLength) return t;
  const cut = t.lastIndexOf(' ', maxLength - 1);
  return t.slice(0, cut > maxLength / 2 ? cut : maxLength - 1).replace(/[\s,;:–—-]+$/, '') + '…';
}

/** A line too short to quote that still reads as a headline: two or more words, no furniture pattern. */
function isShortHeadline(line: string): boolean {
  return countWords(line) >= 2 && !isBoilerplate(line) && !isCaption(line);
}

function countWords(line: string): number {
  return line.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
