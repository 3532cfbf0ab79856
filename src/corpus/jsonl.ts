/**
 * JSONL corpus files: one article per line,
 * `{"id"?, "title"?, "url"?, "date"?, "source"?|"publisher"?, "text", …}`.
 *
 * Files can be hundreds of MB, so they are read in chunks and split on the
 * newline byte; a line is only decoded and parsed on its own. Splitting bytes
 * (not a decoded stream, not `readline`) also lets us (1) stop buffering a line
 * as soon as it exceeds the size limit and (2) decode each line with a strict
 * UTF-8 decoder, so one mis-encoded line is skipped instead of being loaded
 * with U+FFFD characters.
 */
import type { FileHandle } from 'node:fs/promises';
import type { ArticleMeta, LoadedArticle, SkippedItem } from './types.ts';
import { describeFsError } from './errors.ts';
import { hashArticle } from './hash.ts';
import { fileId } from './paths.ts';
import { withCheckedUrl } from './url.ts';
import { decodeUtf8, excerpt, isBlank, normalizeText, sniffNonText, tooLarge } from './text.ts';

/** Read size for JSONL files. Big enough for throughput, small enough to not matter for memory. */
const CHUNK_BYTES = 256 * 1024;

/** Options for {@link readJsonl}. */
export interface JsonlOptions {
  /** Longest accepted line in bytes; longer lines are skipped without being buffered. */
  maxArticleBytes: number;
  /** How many bad lines per file are listed one by one before the rest are only counted. */
  maxReportedLineErrors: number;
}

/**
 * Outcome of parsing one JSONL line: an article (with a `warning` when a value
 * was dropped from it, e.g. a `url` that is not an http(s) URL), or why the
 * line was skipped.
 */
export type JsonlLineResult = { article: LoadedArticle; warning?: string } | { error: string };

const META_FIELDS = ['title', 'url', 'date', 'source', 'publisher'] as const;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Turns one decoded, non-blank JSONL line into an article.
 *
 * - `text` must be a non-blank string; it is normalized like file text.
 * - `id` may be a string or a (safe) number; blank or `null` means "none", and
 *   the id becomes `<file id>:<line>`.
 * - `title`, `url`, `date`, `source`, `publisher` must be strings when
 *   present; `null` and blank strings count as absent (exporters often write
 *   `null` for a missing field). `source` wins over `publisher`.
 * - Any other field with a string, number or boolean value is kept in
 *   `meta.extra` as a string; nested values are ignored.
 */
export function parseJsonlLine(line: string, lineNumber: number, file: string): JsonlLineResult {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { error: `invalid JSON (${excerpt(message, 120)})` };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { error: `not a JSON object (got ${typeName(record)})` };
  }
  const fields = record as Record<string, unknown>;

  const rawText = fields['text'];
  if (!Object.hasOwn(fields, 'text') || rawText === null) return { error: 'missing "text" field' };
  if (typeof rawText !== 'string') return { error: `"text" is not a string (got ${typeName(rawText)})` };
  const text = normalizeText(rawText);
  if (isBlank(text)) return { error: '"text" is empty' };

  let id = `${fileId(file)}:${lineNumber}`;
  const rawId = fields['id'];
  if (typeof rawId === 'string') {
    if (!isBlank(rawId)) id = rawId.trim();
  } else if (typeof rawId === 'number') {
    // Beyond 2^53 JSON.parse has already rounded the number: the id we would
    // show is not the one in the file.
    if (Number.isInteger(rawId) && !Number.isSafeInteger(rawId)) {
      return { error: '"id" is a number too large to keep exactly (write it as a string)' };
    }
    id = String(rawId);
  } else if (rawId !== undefined && rawId !== null) {
    return { error: `"id" must be a string or number (got ${typeName(rawId)})` };
  }

  const values: Partial<Record<(typeof META_FIELDS)[number], string>> = {};
  for (const key of META_FIELDS) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return { error: `"${key}" is not a string (got ${typeName(value)})` };
    if (!isBlank(value)) values[key] = value.trim();
  }

  const extra: [string, string][] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'text' || key === 'id' || (META_FIELDS as readonly string[]).includes(key)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      extra.push([key, String(value)]);
    }
  }

  const parsed: ArticleMeta = { extra: Object.fromEntries(extra) };
  if (values.title !== undefined) parsed.title = values.title;
  if (values.url !== undefined) parsed.url = values.url;
  if (values.date !== undefined) parsed.date = values.date;
  const source = values.source ?? values.publisher;
  if (source !== undefined) parsed.source = source;
  const { meta, warning } = withCheckedUrl(parsed);

  const article: LoadedArticle = { id, file, line: lineNumber, meta, text, hash: hashArticle(id, meta, text) };
  return warning === undefined ? { article } : { article, warning };
}

/**
 * One line of a JSONL file as bytes (without its newline, within the size
 * limit) turned into an article: a trailing CR dropped, strictly decoded as
 * UTF-8, a BOM dropped on line 1, then {@link parseJsonlLine}. `undefined`
 * for a blank line. {@link readJsonl} reads every line through this, and
 * {@link readJsonlLine} one line, so that both give the same article.
 */
export function parseJsonlLineBytes(line: Uint8Array, lineNumber: number, file: string): JsonlLineResult | undefined {
  let bytes = line;
  if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1); // CRLF files
  const decoded = decodeUtf8(bytes);
  if (decoded === undefined) return { error: 'not UTF-8 text' };
  const text = lineNumber === 1 && decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  if (isBlank(text)) return undefined;
  return parseJsonlLine(text, lineNumber, file);
}

/**
 * Where each line of a JSONL file starts, found by one pass over its bytes
 * (no decoding): what {@link readJsonlLine} needs to find a line by its
 * number. Also whether {@link readJsonl} would refuse the whole file on its
 * first chunk (binary or UTF-16), in which case no line of it is an article.
 */
export interface JsonlLineIndex {
  /** `starts[0]` is 0; `starts[k]` is the offset just after the k-th newline. */
  starts: Float64Array;
  /** The file's size in bytes as read. */
  size: number;
  /** Why the file gives no article at all, as readJsonl would say. */
  notText?: string;
}

/** Indexes the lines of an open JSONL file (see {@link JsonlLineIndex}). */
export async function indexJsonlLines(handle: FileHandle): Promise<JsonlLineIndex> {
  let starts = new Float64Array(1024);
  let count = 1; // starts[0] = 0
  let offset = 0;
  let notText: string | undefined;
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  let first = true;
  for (;;) {
    // The first read is readJsonl's first chunk, judged the same way.
    const { bytesRead } = await handle.read(buffer, 0, first ? CHUNK_BYTES : buffer.length, null);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    if (first) notText = sniffNonText(chunk);
    first = false;
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) {
      if (count === starts.length) {
        const grown = new Float64Array(starts.length * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[count++] = offset + at + 1;
    }
    offset += bytesRead;
  }
  return { starts: starts.slice(0, count), size: offset, ...(notText !== undefined && { notText }) };
}

/** The byte range of line `lineNumber` (1-based) without its newline, as readJsonl splits lines; `undefined` past the end. */
function lineRange(index: JsonlLineIndex, lineNumber: number): [number, number] | undefined {
  const newlines = index.starts.length - 1;
  if (!Number.isInteger(lineNumber) || lineNumber < 1) return undefined;
  if (lineNumber <= newlines) return [index.starts[lineNumber - 1]!, index.starts[lineNumber]! - 1];
  // After the last newline: a last line without one, when anything follows it.
  const last = index.starts[newlines]!;
  return lineNumber === newlines + 1 && last < index.size ? [last, index.size] : undefined;
}

/**
 * The article of line `lineNumber` of an open JSONL file, read on its own
 * (its byte range from `index`) and derived exactly as {@link readJsonl}
 * derives it; `undefined` when that line gives no article (blank, bad, too
 * long, or the file is not text).
 */
export async function readJsonlLine(
  handle: FileHandle,
  file: string,
  lineNumber: number,
  index: JsonlLineIndex,
  options: Pick<JsonlOptions, 'maxArticleBytes'>,
): Promise<LoadedArticle | undefined> {
  const range = index.notText === undefined ? lineRange(index, lineNumber) : undefined;
  if (!range || range[1] - range[0] > options.maxArticleBytes) return undefined;
  const [start, end] = range;
  const bytes = Buffer.allocUnsafe(end - start);
  let read = 0;
  while (read < bytes.length) {
    const { bytesRead } = await handle.read(bytes, read, bytes.length - read, start + read);
    if (bytesRead === 0) return undefined; // shorter than indexed: changed meanwhile
    read += bytesRead;
  }
  if (bytes.includes(0x0a)) return undefined; // changed meanwhile: not one line any more
  const result = parseJsonlLineBytes(bytes, lineNumber, file);
  return result && 'article' in result ? result.article : undefined;
}

/**
 * A stretch of a JSONL file to read on its own: from byte `start` (the first
 * byte of a line) to byte `end` (just after a newline; absent: to the end of
 * the file). `firstLine` is the 1-based number of the line at `start`.
 */
export interface JsonlRange {
  start: number;
  end?: number | undefined;
  firstLine: number;
}

/**
 * What reading one {@link JsonlRange} of a file gave, before the file's
 * parts are put together by {@link finishJsonl}: its articles, and its
 * skipped items in line order (at most `maxReportedLineErrors` errors and as
 * many warnings listed, the rest counted).
 */
export interface JsonlPart {
  articles: LoadedArticle[];
  skipped: SkippedItem[];
  unreportedErrors: number;
  unreportedWarnings: number;
  /** A non-blank line (or an unreadable one) was seen. */
  sawContent: boolean;
  /** Reading stopped at a problem with the whole file (the last item of `skipped`): later parts count for nothing. */
  stopped: boolean;
}

/**
 * Reads every line of an open JSONL file. Never throws: read errors become
 * skipped items (articles read before the error are kept).
 */
export async function readJsonl(
  handle: FileHandle,
  file: string,
  options: JsonlOptions,
): Promise<{ articles: LoadedArticle[]; skipped: SkippedItem[] }> {
  const part = await readJsonlPart(handle, file, options);
  return { articles: part.articles, skipped: finishJsonl(file, [part], options).skipped };
}

/**
 * Puts the parts of one file, read one range each in file order, together
 * into what one read of the whole file reports: the first
 * `maxReportedLineErrors` bad lines of the file (and as many warnings)
 * listed, the rest summarized, and "empty file" when no part saw content.
 * A part that stopped ends the file: `parts` says how many parts count (their
 * articles are the file's), and the summaries are left out, as a read of the
 * whole file that stops there leaves them out.
 */
export function finishJsonl(
  file: string,
  parts: ReadonlyArray<Omit<JsonlPart, 'articles'>>,
  options: Pick<JsonlOptions, 'maxReportedLineErrors'>,
): { skipped: SkippedItem[]; parts: number } {
  const skipped: SkippedItem[] = [];
  let reportedErrors = 0;
  let reportedWarnings = 0;
  let unreportedErrors = 0;
  let unreportedWarnings = 0;
  let sawContent = false;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    const items = part.stopped ? part.skipped.slice(0, -1) : part.skipped;
    // Each part listed its own first few; the file lists its first few overall.
    for (const item of items) {
      if (item.severity === 'warning') {
        if (reportedWarnings < options.maxReportedLineErrors) {
          reportedWarnings++;
          skipped.push(item);
        } else unreportedWarnings++;
      } else if (reportedErrors < options.maxReportedLineErrors) {
        reportedErrors++;
        skipped.push(item);
      } else unreportedErrors++;
    }
    if (part.stopped) {
      skipped.push(part.skipped.at(-1)!);
      return { skipped, parts: p + 1 };
    }
    unreportedErrors += part.unreportedErrors;
    unreportedWarnings += part.unreportedWarnings;
    sawContent ||= part.sawContent;
  }
  if (unreportedErrors > 0) {
    skipped.push({
      file,
      reason: `${unreportedErrors} more bad line${unreportedErrors === 1 ? '' : 's'} not listed (only the first ${options.maxReportedLineErrors} are)`,
    });
  }
  if (unreportedWarnings > 0) {
    skipped.push({
      file,
      reason: `${unreportedWarnings} more warning${unreportedWarnings === 1 ? '' : 's'} not listed (only the first ${options.maxReportedLineErrors} are)`,
      severity: 'warning',
    });
  }
  if (!sawContent) skipped.push({ file, reason: 'empty file' });
  return { skipped, parts: parts.length };
}

/**
 * Reads the lines of one range of an open JSONL file (default: the whole
 * file). Never throws: a read error stops the part (see {@link JsonlPart}).
 * Only the part that starts at byte 0 judges whether the file is text at all.
 */
export async function readJsonlPart(
  handle: FileHandle,
  file: string,
  options: JsonlOptions,
  range: JsonlRange = { start: 0, firstLine: 1 },
): Promise<JsonlPart> {
  const part: JsonlPart = { articles: [], skipped: [], unreportedErrors: 0, unreportedWarnings: 0, sawContent: false, stopped: false };
  const { articles, skipped } = part;
  let reportedErrors = 0;
  const stop = (reason: string): JsonlPart => {
    skipped.push({ file, reason });
    part.stopped = true;
    return part;
  };

  const lineError = (line: number, reason: string): void => {
    // A file in the wrong format (a CSV renamed .jsonl, say) would otherwise
    // produce one skipped item per line: millions for a large file.
    if (reportedErrors >= options.maxReportedLineErrors) {
      part.unreportedErrors++;
      return;
    }
    reportedErrors++;
    skipped.push({ file, line, reason: `line ${line}: ${reason}` });
  };

  // Warnings get a budget of their own, so a feed whose every line has a bad
  // link cannot crowd real errors out of the report (or flood it).
  let reportedWarnings = 0;
  const lineWarning = (line: number, reason: string): void => {
    if (reportedWarnings >= options.maxReportedLineErrors) {
      part.unreportedWarnings++;
      return;
    }
    reportedWarnings++;
    skipped.push({ file, line, reason: `line ${line}: ${reason}`, severity: 'warning' });
  };

  const handleLine = (parts: Buffer[], byteLength: number, tooLong: boolean, lineNumber: number): void => {
    if (tooLong) {
      part.sawContent = true;
      lineError(lineNumber, tooLarge('line', byteLength, options.maxArticleBytes));
      return;
    }
    const result = parseJsonlLineBytes(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, byteLength), lineNumber, file);
    if (result === undefined) return;
    part.sawContent = true;
    if ('error' in result) {
      lineError(lineNumber, result.error);
      return;
    }
    articles.push(result.article);
    if (result.warning !== undefined) lineWarning(lineNumber, result.warning);
  };

  let parts: Buffer[] = [];
  let byteLength = 0;
  let tooLong = false;
  let lineNumber = range.firstLine - 1;
  let first = range.start === 0;
  let position = range.start;
  try {
    for (;;) {
      const want = range.end === undefined ? CHUNK_BYTES : Math.min(CHUNK_BYTES, range.end - position);
      if (want <= 0) break;
      // A fresh buffer per read: lines are sub-arrays of it, so nothing is copied
      // unless a line spans chunks.
      const buffer = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const chunk = buffer.subarray(0, bytesRead);
      if (first) {
        first = false;
        // Judge the file on its first chunk: a binary or UTF-16 file would
        // otherwise be reported as thousands of "invalid JSON" lines.
        const notText = sniffNonText(chunk);
        if (notText !== undefined) return stop(notText);
      }
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(0x0a, start);
        const end = newline === -1 ? chunk.length : newline;
        const pieceLength = end - start;
        if (!tooLong && byteLength + pieceLength > options.maxArticleBytes) {
          tooLong = true;
          parts = []; // drop what we had: never hold more than the limit
        }
        if (!tooLong && pieceLength > 0) parts.push(chunk.subarray(start, end));
        byteLength += pieceLength;
        if (newline === -1) break;
        handleLine(parts, byteLength, tooLong, ++lineNumber);
        parts = [];
        byteLength = 0;
        tooLong = false;
        start = newline + 1;
      }
    }
    if (byteLength > 0) handleLine(parts, byteLength, tooLong, ++lineNumber); // no final newline
  } catch (err) {
    return stop(`read error after line ${lineNumber} (${describeFsError(err)})`);
  }
  return part;
}

/**
 * Cuts an open JSONL file into ranges of about `bytes` bytes each, at line
 * boundaries, numbering the first line of each (which means counting every
 * newline of the file: a memchr-speed scan). Reads the file once, in large
 * pieces; a file smaller than `2 × bytes` is one range. A read error gives
 * one range: reading the whole file will then report it.
 */
export async function planJsonlRanges(handle: FileHandle, size: number, bytes: number): Promise<JsonlRange[]> {
  const ranges: JsonlRange[] = [{ start: 0, firstLine: 1 }];
  if (size < 2 * bytes) return ranges;
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  let position = 0;
  let lines = 0;
  let nextCut = bytes;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      for (let at = buffer.indexOf(0x0a, 0); at !== -1 && at < bytesRead; at = buffer.indexOf(0x0a, at + 1)) {
        lines++;
        const after = position + at + 1;
        // Cut after the first newline past each mark, unless that leaves a last range too small to be worth a thread's time.
        if (after >= nextCut && size - after >= bytes / 2) {
          ranges.at(-1)!.end = after;
          ranges.push({ start: after, firstLine: lines + 1 });
          nextCut = after + bytes;
        }
      }
      position += bytesRead;
    }
  } catch {
    return [{ start: 0, firstLine: 1 }];
  }
  return ranges;
}
