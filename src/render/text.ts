/**
 * Plain-text rendering for terminals: answers, articles and load reports.
 * Matched words are bold only when the output is a terminal (`color`).
 */
import type { SkippedItem } from '../corpus/types.ts';
import type { ArticleRef } from '../library/store.ts';
import type { Answer, Highlight, NoAnswerReason } from '../search/answer.ts';

const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const RESET_BOLD = '\x1b[22m';

/** Options of the text renderers. */
export interface TextOptions {
  /** Use ANSI bold and dim. Default false. */
  color?: boolean;
}

/** `text` with the highlighted ranges wrapped in `open`/`close`. */
export function markRanges(text: string, ranges: readonly Highlight[], open: string, close: string): string {
  let out = '';
  let at = 0;
  for (const [start, end] of ranges) {
    out += text.slice(at, start) + open + text.slice(start, end) + close;
    at = end;
  }
  return out + text.slice(at);
}

/** "Title — Source, Date <url>" for an article. */
export function citation(article: ArticleRef, options: { link?: boolean; page?: number } = {}): string {
  const extra = [article.source, article.date, options.page !== undefined && `p. ${options.page}`].filter(Boolean).join(', ');
  let s = article.title + (extra ? ` — ${extra}` : '');
  if (options.link !== false && article.url) s += ` <${article.url}>`;
  return s;
}

/** The heading of an answer whose best quote is only a weak match, so that it is not read as an answer. */
export const WEAK_ANSWER_TITLE = 'Closest matches, not a clear answer';

/** Explains an empty answer in one sentence. */
export function noAnswerMessage(answer: Answer): string {
  const messages: Record<NoAnswerReason, string> = {
    'empty-question': 'Please ask a question.',
    'question-too-long': 'That question is too long; please shorten it.',
    'no-search-terms':
      'That question has no words to search for (only common words like "what" or "the"). Try naming what you are looking for.',
    'no-match': `No sentence in the corpus answers that (searched ${answer.sentences.toLocaleString('en')} sentences).`,
    'empty-corpus': 'The corpus is empty: there is nothing to quote yet.',
  };
  return messages[answer.reason ?? 'no-match'];
}

export function renderAnswerText(answer: Answer, options: TextOptions = {}): string {
  const { color = false } = options;
  const dim = (s: string) => (color ? DIM + s + RESET_BOLD : s);
  const lines: string[] = [];
  if (answer.quotes.length === 0) {
    lines.push(noAnswerMessage(answer));
    if (answer.suggestions.length) {
      lines.push('Closest articles:');
      for (const a of answer.suggestions) lines.push(`  - ${citation(a)}  ${dim(`[${a.id}]`)}`);
    }
    return lines.join('\n');
  }
  if (answer.confidence.level === 'weak') lines.push(`${WEAK_ANSWER_TITLE}:`);
  answer.quotes.forEach((q, i) => {
    const text = color ? markRanges(q.text, q.highlights, BOLD, RESET_BOLD) : q.text;
    lines.push(`${i + 1}. ${text}`);
    lines.push(
      `   — ${citation(q.article, { ...(q.page !== undefined && { page: q.page }) })}  ${dim(`[${q.article.id}, sentence ${q.sentence + 1}]`)}`,
    );
  });
  const corrected = Object.entries(answer.corrections);
  if (corrected.length)
    lines.push(dim(`(searched ${corrected.map(([w, c]) => `"${w}" as ${c.map((x) => `"${x}"`).join(' or ')}`).join(', ')})`));
  return lines.join('\n');
}

/** Splits a report's items into what was skipped and what loaded with a warning (a value dropped). */
export function splitSkipped(items: readonly SkippedItem[]): { skipped: SkippedItem[]; warnings: SkippedItem[] } {
  return { skipped: items.filter((s) => s.severity !== 'warning'), warnings: items.filter((s) => s.severity === 'warning') };
}

/** Files left alone for their type, in words: "3 .docx, 1 .csv, 2 without an extension" (empty when none). */
export function renderIgnored(ignored: Readonly<Record<string, number>> | undefined): string {
  return Object.entries(ignored ?? {})
    .sort(([x, a], [y, b]) => b - a || (x < y ? -1 : 1))
    .map(([ext, n]) => `${n.toLocaleString('en')} ${ext || 'without an extension'}`)
    .join(', ');
}

/** One line per item: "file line N: reason". */
export function renderSkipped(skipped: readonly SkippedItem[]): string[] {
  // JSONL reasons already start with "line N:"; the line is named once.
  return skipped.map((s) => {
    if (s.line === undefined) return `${s.file}: ${s.reason}`;
    return s.reason.startsWith(`line ${s.line}:`) ? `${s.file} ${s.reason}` : `${s.file} line ${s.line}: ${s.reason}`;
  });
}
