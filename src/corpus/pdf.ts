/**
 * PDF documents (.pdf): their text, page by page, with Mozilla's pdf.js
 * (`pdfjs-dist`, the legacy build, which is the one meant for Node; text
 * extraction needs no worker thread, so pdf.js runs its "fake worker" in this
 * thread).
 *
 * A PDF has no paragraphs, only positioned runs of text. They are put back
 * together here:
 * - runs on one baseline make a line;
 * - lines make a paragraph unless the gap above a line is larger than the
 *   page's usual line spacing, the font size changes, the line is indented
 *   (a first-line indent), or the line before ended a sentence well short of
 *   the right margin;
 * - a hyphen at a line end is removed only when the joined word occurs
 *   elsewhere in the document ("pass-" + "engers" → "passengers"), else kept
 *   ("well-" + "known" → "well-known");
 * - running headers and footers (the same line, digits aside, at the top or
 *   bottom of at least half the pages) and page numbers are dropped;
 * - a paragraph cut by a page break is joined across it.
 *
 * The text keeps where each page starts ({@link PdfResult.pages}), so a quote
 * can cite its page.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ArticleMeta } from './types.ts';
import { documentWords, joinHyphenated } from './reflow.ts';

import { DEFAULT_MAX_PDF_PAGES } from './pdfLimits.ts';

/** Options of {@link pdfToArticle}. */
export interface PdfOptions {
  /** Documents with more pages are skipped (default 2,000). */
  maxPages?: number | undefined;
}

/** What a PDF gives: its text, page starts and metadata, or why there is none. */
export type PdfResult =
  | {
      text: string;
      /** Offset in `text` where each page starts: `pages[0]` is page 1's (always 0). */
      pages: number[];
      meta: ArticleMeta;
    }
  | { error: string };

/** A run of text from pdf.js's `getTextContent` (the fields used here). */
interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

/** One line of a page. */
interface Line {
  text: string;
  x: number;
  xEnd: number;
  y: number;
  size: number;
}

const requireHere = createRequire(import.meta.url);
// pdf.js reads character maps (CJK fonts) and standard font metrics from these folders.
const PDFJS_DIR = path.dirname(requireHere.resolve('pdfjs-dist/package.json'));
const CMAP_DIR = `${path.join(PDFJS_DIR, 'cmaps')}${path.sep}`;
const STANDARD_FONTS_DIR = `${path.join(PDFJS_DIR, 'standard_fonts')}${path.sep}`;

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs;
}

const SENTENCE_END = /[.!?…:;]["'”’»)\]]*$/u;
/** A line that is only a page number: "4", "- 4 -", "Page 4", "4 of 12", "iv". */
const PAGE_NUMBER = /^(?:(?:page|p\.|seite|página)\s*)?[-–—(]?\s*(?:\d{1,5}|[ivxlcdm]{1,7})\s*[-–—)]?(?:\s*(?:of|\/|de|von)\s*\d{1,5})?$/i;

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Lines of one page, in content order, from pdf.js's text items. */
function pageLines(items: readonly TextItem[]): Line[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  let breakNext = false;
  for (const item of items) {
    const [a = 0, b = 0, , , e = 0, f = 0] = item.transform;
    const size = Math.hypot(a, b) || item.height || 1;
    if (item.str === '') {
      if (item.hasEOL) breakNext = true;
      continue;
    }
    const sameLine = current !== undefined && !breakNext && Math.abs(current.y - f) < size * 0.5 && e >= current.xEnd - size;
    if (!sameLine) {
      if (current) lines.push(current);
      current = { text: item.str, x: e, xEnd: e + item.width, y: f, size };
    } else if (current) {
      const gap = e - current.xEnd;
      const needsSpace = gap > size * 0.15 && !current.text.endsWith(' ') && !item.str.startsWith(' ');
      current.text += (needsSpace ? ' ' : '') + item.str;
      current.xEnd = Math.max(current.xEnd, e + item.width);
      current.size = Math.max(current.size, size);
    }
    breakNext = item.hasEOL;
  }
  if (current) lines.push(current);
  for (const line of lines) line.text = line.text.replace(/\s+/g, ' ').trim();
  return lines.filter((l) => l.text !== '');
}

/** The text that identifies a running header or footer: digits stand for any page number. */
function furnitureKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
}

/**
 * Drops running headers, footers and page numbers: lines among the first or
 * last two of a page, in the top or bottom 12% of it, whose text (digits
 * aside) recurs at the top or bottom of at least half of the pages (two at
 * least), and lone page numbers there.
 */
function dropPageFurniture(pages: Line[][], pageHeights: number[]): Line[][] {
  const edgeLines = (lines: Line[], height: number): Line[] => {
    const candidates = [...lines.slice(0, 2), ...lines.slice(-2)];
    return candidates.filter((l) => l.y > height * 0.88 || l.y < height * 0.12);
  };
  const counts = new Map<string, number>();
  pages.forEach((lines, i) => {
    const keys = new Set(edgeLines(lines, pageHeights[i] ?? 0).map((l) => furnitureKey(l.text)));
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const recurring = (key: string): boolean => pages.length >= 2 && (counts.get(key) ?? 0) >= Math.max(2, pages.length / 2);
  return pages.map((lines, i) => {
    const edges = new Set(edgeLines(lines, pageHeights[i] ?? 0));
    return lines.filter((l) => !(edges.has(l) && (PAGE_NUMBER.test(l.text) || recurring(furnitureKey(l.text)))));
  });
}

/** Groups a page's lines into paragraphs (arrays of lines). */
function paragraphsOf(lines: Line[]): Line[][] {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const gap = lines[i - 1]!.y - lines[i]!.y;
    if (gap > 0 && Math.abs(lines[i]!.size - lines[i - 1]!.size) < 0.5) gaps.push(gap);
  }
  const spacing = median(gaps);
  const left = median(lines.map((l) => l.x));
  const right = Math.max(...lines.map((l) => l.xEnd));
  const paragraphs: Line[][] = [];
  let current: Line[] = [];
  for (const line of lines) {
    const previous = current[current.length - 1];
    if (previous !== undefined) {
      const gap = previous.y - line.y;
      const newParagraph =
        gap <= 0 || // a new column, or text placed above
        (spacing > 0 && gap > spacing * 1.4) ||
        Math.abs(line.size - previous.size) > 0.5 ||
        line.x > left + line.size * 1.5 || // first-line indent (or an indented block)
        (SENTENCE_END.test(previous.text) && previous.xEnd < right - previous.size * 4);
      if (newParagraph) {
        paragraphs.push(current);
        current = [];
      }
    }
    current.push(line);
  }
  if (current.length) paragraphs.push(current);
  return paragraphs;
}

/** Joins two pieces of a paragraph, removing a line-end hyphen when the joined word occurs elsewhere. */
function joinPieces(left: string, right: string, words: ReadonlySet<string>): string {
  return joinHyphenated(left, right, words) ?? `${left} ${right}`;
}

/** `D:20240314103000Z` (PDF date) or an ISO date → `2024-03-14`; `undefined` if unreadable. */
export function pdfDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim()) ?? /^(?:D:)?(\d{4})(\d{2})?(\d{2})?/.exec(value.trim());
  if (!match) return undefined;
  const [, year, month = '01', day = '01'] = match;
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31) return undefined;
  return `${year}-${month}-${day}`;
}

function metaString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = value.replace(/[\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim(); // eslint-disable-line no-control-regex
  return clean === '' ? undefined : clean;
}

/** Assembles the document's text from the pages' lines (furniture already dropped). */
function assemble(pages: Line[][]): { text: string; pages: number[] } {
  const allText = pages.map((lines) => lines.map((l) => l.text).join('\n')).join('\n');
  const words = documentWords(allText);
  const out: string[] = []; // paragraphs
  const pageStarts: number[] = [];
  let length = 0; // length of out.join('\n\n') so far
  for (const lines of pages) {
    const paragraphs = paragraphsOf(lines).map((p) => p.map((l) => l.text));
    let first = true;
    for (const pieces of paragraphs) {
      let text = pieces[0]!;
      for (let i = 1; i < pieces.length; i++) text = joinPieces(text, pieces[i]!, words);
      const last = out[out.length - 1];
      // A paragraph cut by the page break: the page before ended mid-sentence and this one goes on in lower case.
      if (first && last !== undefined && !SENTENCE_END.test(last) && /^\p{Ll}/u.test(text)) {
        const joined = joinPieces(last, text, words);
        pageStarts.push(length - last.length + (joined.length - text.length));
        out[out.length - 1] = joined;
        length += joined.length - last.length;
      } else {
        if (first) pageStarts.push(out.length === 0 ? 0 : length + 2);
        length += (out.length === 0 ? 0 : 2) + text.length;
        out.push(text);
      }
      first = false;
    }
    if (first) pageStarts.push(out.length === 0 ? 0 : length); // a page without text
  }
  return { text: out.join('\n\n'), pages: pageStarts };
}

/**
 * Text, page starts and metadata of a PDF. Never throws: a password-protected,
 * corrupt, image-only or over-long document gives an error saying which.
 */
export async function pdfToArticle(bytes: Uint8Array, options: PdfOptions = {}): Promise<PdfResult> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PDF_PAGES;
  const { getDocument } = await loadPdfJs();
  const task = getDocument({
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    data: new Uint8Array(bytes),
    verbosity: 0,
    // No code generated from the document (the font compiler's eval path), no fonts installed, nothing fetched.
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    enableXfa: false,
    cMapUrl: CMAP_DIR,
    cMapPacked: true,
    standardFontDataUrl: STANDARD_FONTS_DIR,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    const name = err instanceof Error ? err.name : '';
    if (name === 'PasswordException') return { error: 'PDF is password-protected (encrypted)' };
    if (name === 'InvalidPDFException') return { error: 'corrupt PDF (not a readable PDF file)' };
    return { error: `corrupt PDF (${err instanceof Error ? err.message : String(err)})` };
  }
  try {
    if (doc.numPages > maxPages) return { error: `PDF has too many pages (${doc.numPages} > ${maxPages} limit)` };
    const pages: Line[][] = [];
    const heights: number[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      pages.push(pageLines(content.items.filter((i) => 'str' in i)));
      const [, y0 = 0, , y1 = 0] = page.view;
      heights.push(Math.abs(y1 - y0));
      page.cleanup();
    }
    if (pages.every((lines) => lines.length === 0)) return { error: 'PDF has no text (image-only or scanned? no OCR is done)' };
    const { text, pages: starts } = assemble(dropPageFurniture(pages, heights));
    if (text.trim() === '') return { error: 'PDF has no text (only page numbers or running headers)' };

    const meta: ArticleMeta = { extra: {} };
    try {
      const info = (await doc.getMetadata()).info as Record<string, unknown>;
      const title = metaString(info['Title']);
      const author = metaString(info['Author']);
      const date = pdfDate(info['CreationDate']);
      if (title !== undefined) meta.title = title;
      if (author !== undefined) meta.extra['author'] = author;
      if (date !== undefined) meta.date = date;
    } catch {
      // Broken metadata is not a reason to lose the text.
    }
    return { text, pages: starts, meta };
  } catch (err) {
    return { error: `corrupt PDF (${err instanceof Error ? err.message : String(err)})` };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}
