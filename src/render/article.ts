/**
 * An article as readers see it in `/source` and `verbatim source`: its
 * readable paragraphs (body lines and headings; boilerplate and captions
 * left out), cut into pages that fit a Discord embed.
 */
import type { ArticleView } from '../engine/types.ts';

/** A readable piece of an article: a heading or a body line. */
export interface Paragraph {
  kind: 'heading' | 'body';
  start: number;
  end: number;
}

/** The article's readable paragraphs, in order (the title line is shown separately). */
export function readableParagraphs(view: ArticleView): Paragraph[] {
  return view.blocks
    .filter((b): b is typeof b & { kind: Paragraph['kind'] } => b.kind === 'body' || b.kind === 'heading')
    .map(({ kind, start, end }) => ({ kind, start, end }));
}

/** One page of an article. */
export interface Page {
  /** Paragraphs on this page. */
  paragraphs: Paragraph[];
}

/**
 * Cuts paragraphs into pages of at most `maxChars` characters of text (plus
 * the blank lines between paragraphs). A paragraph longer than a page is cut
 * at sentence or word boundaries by the caller's renderer.
 */
export function paginate(view: ArticleView, maxChars: number): Page[] {
  const pages: Page[] = [];
  let current: Paragraph[] = [];
  let size = 0;
  for (const p of splitLong(readableParagraphs(view), view, maxChars)) {
    const len = p.end - p.start + 2;
    if (current.length && size + len > maxChars) {
      pages.push({ paragraphs: current });
      current = [];
      size = 0;
    }
    current.push(p);
    size += len;
  }
  if (current.length || pages.length === 0) pages.push({ paragraphs: current });
  return pages;
}

/** The page holding a character offset (e.g. a quoted sentence's start). */
export function pageOf(pages: readonly Page[], offset: number): number {
  const i = pages.findIndex((p) => p.paragraphs.some((q) => q.start <= offset && offset < q.end));
  return Math.max(0, i);
}

/** Cuts paragraphs longer than `maxChars` at sentence ends, else at spaces. */
function splitLong(paragraphs: Paragraph[], view: ArticleView, maxChars: number): Paragraph[] {
  const out: Paragraph[] = [];
  for (const p of paragraphs) {
    let start = p.start;
    while (p.end - start > maxChars) {
      const limit = start + maxChars;
      const sentenceEnd = view.sentences.filter((s) => s.end > start && s.end <= limit).pop()?.end;
      const space = view.text.lastIndexOf(' ', limit);
      const cut = sentenceEnd ?? (space > start ? space : limit);
      out.push({ kind: p.kind, start, end: cut });
      start = cut;
      while (start < p.end && /\s/.test(view.text[start]!)) start++;
    }
    if (start < p.end) out.push({ kind: p.kind, start, end: p.end });
  }
  return out;
}
