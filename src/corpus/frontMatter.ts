/**
 * Front matter: an optional `key: value` block at the very top of a .txt/.md
 * file, between two `---` lines.
 *
 * ```
 * ---
 * title: "Kyiv after the storm"
 * link: https://example.com/kyiv
 * # comments and blank lines are allowed
 * Publisher: Example News
 * author: J. Doe          ← not a known key: goes to meta.extra
 * ---
 * Body text…
 * ```
 *
 * This is a deliberately small subset of YAML (no nesting, lists, escapes or
 * multi-line values): corpus files come from scrapers and people, and a
 * predictable line-based format produces clearer errors than a YAML parser.
 * A YAML parser was considered and rejected: it would make ordinary
 * values something else (`date: 2024-03-01` a Date, `title: Yes` a boolean,
 * `title: 1.10` the number 1.1) and refuse common ones outright
 * (`title: Kyiv: the day after` is a YAML error), so files that load today
 * would lose their titles or be skipped. Instead the YAML syntax that cannot
 * be a plain value here (an unclosed quote, an unclosed `[`/`{`, a list or
 * map for a named field) is reported as a warning and that value dropped:
 * the block's boundaries are still certain, so the article itself loads.
 */
import type { ArticleMeta } from './types.ts';
import { excerpt } from './text.ts';

/** Default for {@link FrontMatterOptions.maxLines}. */
export const DEFAULT_MAX_FRONT_MATTER_LINES = 100;

/** Options for {@link parseFrontMatter}. */
export interface FrontMatterOptions {
  /**
   * How many lines after the opening `---` may pass before a closing `---`
   * must have appeared; beyond that the block is reported as unclosed rather
   * than swallowing the whole article as metadata. Default 100.
   */
  maxLines?: number;
}

/** Result of {@link parseFrontMatter}. */
export type FrontMatterResult =
  /** The text has no front matter; the body is the whole text. */
  | { kind: 'none' }
  /**
   * A well-formed block; `body` is everything after the closing `---` line.
   * `warnings` name values that were dropped as malformed (one line each,
   * e.g. `front matter line 2: "title" dropped: a quote opens but never closes ("\"Unclosed")`).
   */
  | { kind: 'ok'; meta: ArticleMeta; body: string; closingLine: number; warnings: string[] }
  /** A block that starts like front matter but is broken; the file should be skipped. */
  | { kind: 'error'; reason: string };

const FENCE = /^---[ \t]*$/;
// Keys are single words (letters, digits, `_`, `-`, `.`): requiring that is what
// lets us tell `date: 2024-05-01` apart from a prose line such as
// "In the end: nothing changed".
const KEY_VALUE = /^([A-Za-z0-9_][A-Za-z0-9_.-]*)[ \t]*:(.*)$/;

/** Front matter keys (lower-case) that fill a named {@link ArticleMeta} field, with aliases. */
// A Map, not an object literal: `KNOWN_KEYS['constructor']` must not find Object's.
type MetaField = 'title' | 'url' | 'date' | 'source';
const KNOWN_KEYS: ReadonlyMap<string, MetaField> = new Map<string, MetaField>([
  ['title', 'title'],
  ['url', 'url'],
  ['link', 'url'],
  ['date', 'date'],
  ['source', 'source'],
  ['publisher', 'source'],
]);

/** Trims a value and removes one pair of matching surrounding quotes (`"…"` or `'…'`). */
export function unquote(raw: string): string {
  const value = raw.trim();
  if (value.length >= 2) {
    const first = value[0];
    if ((first === '"' || first === "'") && value[value.length - 1] === first) return value.slice(1, -1);
  }
  return value;
}

/**
 * Why a front matter value cannot be taken as written, or `undefined`.
 * `named` is true for the keys that fill an {@link ArticleMeta} field, which
 * hold one value: a YAML list or map there is a mistake, while other keys are
 * kept verbatim, so `tags: [a, b]` stays the string "[a, b]".
 */
function valueProblem(raw: string, named: boolean): string | undefined {
  const value = raw.trim();
  const first = value[0];
  const last = value[value.length - 1];
  if (first === '"' || first === "'") {
    return value.length < 2 || last !== first ? 'a quote opens but never closes' : undefined;
  }
  if (first === '[' || first === '{') {
    const close = first === '[' ? ']' : '}';
    if (last !== close) return `"${first}" opens a YAML list or map that never closes`;
    if (named) return 'a YAML list or map, where one value is expected';
  }
  return undefined;
}

/**
 * Splits optional front matter off `text` (already BOM-stripped, `\n` line endings).
 *
 * Rules, in order:
 * - No front matter unless line 1 is exactly `---` (trailing spaces allowed).
 * - Blank lines and `#` comment lines after it are skipped. The first other
 *   line decides: `key: value` or the closing `---` → front matter; anything
 *   else → NOT front matter (a Markdown horizontal rule followed by prose),
 *   and the whole text, `---` included, is the body. Misreading a rule as a
 *   broken block would drop a perfectly good article.
 * - Once a block has started, every line must be blank, a comment,
 *   `key: value` or the closing `---`; otherwise, or with no closing `---`
 *   within `maxLines` lines, the result is an error naming the line (when
 *   both happen, e.g. a forgotten closing `---`, the error says so and names
 *   the first body line it ran into).
 * - Keys are one word (letters, digits, `_`, `-`, `.`), case-insensitive and
 *   trimmed; `title`, `url`/`link`, `date`,
 *   `source`/`publisher` fill the named fields, other keys go to `meta.extra`
 *   under their lower-cased name. Values are trimmed and unquoted; an empty
 *   value leaves a named field unset. A repeated key: the later line wins.
 * - A value that is broken YAML (see `valueProblem`: an unclosed quote or
 *   bracket, a list for a named field) is dropped with a warning in
 *   `warnings`; the rest of the block and the body are kept.
 */
export function parseFrontMatter(text: string, options: FrontMatterOptions = {}): FrontMatterResult {
  const maxLines = options.maxLines ?? DEFAULT_MAX_FRONT_MATTER_LINES;
  if (!text.startsWith('---')) return { kind: 'none' };

  // Walk line by line with indexOf instead of text.split('\n'): the text can be
  // megabytes and we only ever look at the first ~100 lines.
  let pos = 0;
  const nextLine = (): string | undefined => {
    if (pos > text.length) return undefined;
    const end = text.indexOf('\n', pos);
    const line = end === -1 ? text.slice(pos) : text.slice(pos, end);
    pos = end === -1 ? text.length + 1 : end + 1;
    return line;
  };

  if (!FENCE.test(nextLine() ?? '')) return { kind: 'none' };

  const fields: Partial<Record<MetaField, string>> = {};
  const extra = new Map<string, string>();
  const warnings: string[] = [];
  let sawKey = false;
  // The first line that is not `key: value`. We keep scanning after it only to
  // word the error: a stray line inside a closed block and a block that was
  // never closed (the body's first line is the "bad" one) need different fixes.
  let badLine: { number: number; text: string } | undefined;
  const unclosed = (detail: string): FrontMatterResult => ({
    kind: 'error',
    reason:
      badLine === undefined
        ? `front matter has no closing "---" ${detail} (opened on line 1)`
        : `front matter has no closing "---" ${detail} (opened on line 1; line ${badLine.number} is not "key: value": "${excerpt(badLine.text)}")`,
  });

  for (let lineNumber = 2; lineNumber <= maxLines + 1; lineNumber++) {
    const line = nextLine();
    if (line === undefined) return sawKey ? unclosed('line') : { kind: 'none' };
    if (FENCE.test(line)) {
      if (badLine !== undefined) {
        return { kind: 'error', reason: `front matter line ${badLine.number} is not "key: value": "${excerpt(badLine.text)}"` };
      }
      const meta: ArticleMeta = {
        ...fields,
        // fromEntries defines own properties, so even a `__proto__` key is kept.
        extra: Object.fromEntries(extra),
      };
      return { kind: 'ok', meta, body: pos > text.length ? '' : text.slice(pos), closingLine: lineNumber, warnings };
    }
    if (badLine !== undefined) continue;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;

    const match = KEY_VALUE.exec(trimmed);
    if (!match) {
      if (!sawKey) return { kind: 'none' };
      badLine = { number: lineNumber, text: trimmed };
      continue;
    }
    sawKey = true;
    const key = (match[1] ?? '').toLowerCase();
    const field = KNOWN_KEYS.get(key);
    const problem = valueProblem(match[2] ?? '', field !== undefined);
    if (problem !== undefined) {
      warnings.push(`front matter line ${lineNumber}: "${key}" dropped: ${problem} (${excerpt((match[2] ?? '').trim())})`);
      continue;
    }
    const value = unquote(match[2] ?? '');
    if (field === undefined) {
      extra.set(key, value);
    } else if (value === '') {
      delete fields[field];
    } else {
      fields[field] = value;
    }
  }
  return sawKey ? unclosed(`within ${maxLines} lines`) : { kind: 'none' };
}
