/** Reading one corpus file into articles: `readCorpusFile`. */
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { ArticleMeta, CorpusFile, LoadedArticle, SkippedItem } from './types.ts';
import { OUTSIDE_REASON, isInside, openedFileIsInside, resolveRoot } from './confine.ts';
import { describeFsError, errorCode } from './errors.ts';
import { MAX_SIDECAR_BYTES, SIDECAR_SUFFIX, parseSidecar, sidecarOf, type SidecarMeta } from './sidecar.ts';
import { DEFAULT_MAX_FRONT_MATTER_LINES, parseFrontMatter } from './frontMatter.ts';
import { hashArticle } from './hash.ts';
import {
  indexJsonlLines,
  parseJsonlLine,
  planJsonlRanges,
  readJsonl,
  readJsonlLine,
  readJsonlPart,
  type JsonlLineIndex,
  type JsonlPart,
  type JsonlRange,
} from './jsonl.ts';
import { positiveInt } from './limit.ts';
import { CORPUS_EXTENSIONS, corpusFileKind, fileId } from './paths.ts';
import type { CorpusFileKind } from './paths.ts';
import { DEFAULT_MAX_PDF_PAGES } from './pdfLimits.ts';
import { unwrapText } from './reflow.ts';
import { withCheckedUrl } from './url.ts';
import { MiB, decodeUtf8, isBlank, normalizeText, sniffNonText, tooLarge } from './text.ts';

/** Default for {@link ReadCorpusFileOptions.maxFileBytes}: 16 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 16 * MiB;
/** Default for {@link ReadCorpusFileOptions.maxArticleBytes}: 16 MiB. */
export const DEFAULT_MAX_ARTICLE_BYTES = 16 * MiB;
/** Default for {@link ReadCorpusFileOptions.maxHtmlBytes}: 5 MiB. */
export const DEFAULT_MAX_HTML_BYTES = 5 * MiB;
/** Default for {@link ReadCorpusFileOptions.maxPdfBytes}: 50 MiB. */
export const DEFAULT_MAX_PDF_BYTES = 50 * MiB;
/** Default for {@link ReadCorpusFileOptions.maxReportedLineErrors}. */
export const DEFAULT_MAX_REPORTED_LINE_ERRORS = 100;

/** Options for {@link readCorpusFile}. */
export interface ReadCorpusFileOptions {
  /**
   * Largest .txt/.md file read, in bytes (default 16 MiB). Larger files are
   * skipped, not truncated: a cut-off article would be quoted as if whole,
   * and a huge "text" file is usually a dump that got misnamed.
   */
  maxFileBytes?: number | undefined;
  /** Longest JSONL line read, in bytes (default 16 MiB). Longer lines are skipped. */
  maxArticleBytes?: number | undefined;
  /**
   * Largest .html/.htm file read, in bytes (default 5 MiB). A page's DOM takes
   * several times its size in memory, and news pages are 0.1 to 1 MiB.
   */
  maxHtmlBytes?: number | undefined;
  /** Largest .pdf file read, in bytes (default 50 MiB). */
  maxPdfBytes?: number | undefined;
  /** PDFs with more pages are skipped (default 2,000). */
  maxPdfPages?: number | undefined;
  /**
   * Lines after the opening `---` within which front matter must close
   * (default 100). See {@link parseFrontMatter}.
   */
  maxFrontMatterLines?: number | undefined;
  /**
   * Bad JSONL lines reported individually per file (default 100); further
   * ones are summarized in one skipped item, so a file in the wrong format
   * does not flood the report. Warnings (lines loaded with a value dropped)
   * have a budget of the same size of their own.
   */
  maxReportedLineErrors?: number | undefined;
  /**
   * The corpus root's real path (symbolic links resolved), when the caller
   * has resolved it once for many files; otherwise it is resolved per file.
   */
  rootReal?: string | undefined;
}

/** What reading one file produced. */
export interface ReadCorpusFileResult {
  articles: LoadedArticle[];
  skipped: SkippedItem[];
}

const UNSUPPORTED = `unsupported file type (expected ${CORPUS_EXTENSIONS.join(', ')})`;

/**
 * Reads at most `limit` bytes from the start of an open regular file.
 * `expected` (the size a stat gave) sizes the first read, one byte over, so
 * that a small file costs one buffer of its own size rather than a megabyte
 * of garbage per file. A regular file reads short only at its end; a file
 * that grew since the stat is read on, in chunks, up to the limit.
 */
async function readUpTo(handle: FileHandle, limit: number, expected = 0): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  let size = Math.min(limit, Math.max(0, expected) + 1);
  while (total < limit) {
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await handle.read(buffer, 0, size, null);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (bytesRead < size) break;
    size = Math.min(limit - total, 1024 * 1024);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

// O_NONBLOCK so that opening a FIFO named `*.txt` returns at once (we then see
// it is not a regular file) instead of hanging until a writer appears. It has
// no effect on regular files. Windows has no such flag.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads one corpus file.
 *
 * - `.txt`/`.md` → one article, id = path without extension, optional front
 *   matter (see {@link parseFrontMatter}).
 * - `.jsonl` → one article per non-blank line (see {@link parseJsonlLine}),
 *   streamed.
 * - `.html`/`.htm` → one article: the page's main content and metadata (see
 *   html.ts).
 * - `.pdf` → one article with its page starts (see pdf.ts).
 *
 * Never throws on bad input: an unreadable, binary, non-UTF-8, empty or
 * oversized file, a broken front matter block, a bad JSONL line or a file
 * that resolves outside the corpus root becomes a {@link SkippedItem} with a
 * reason. A problem that only drops a value (a link that is not an http(s)
 * URL, a malformed front matter value) is a `SkippedItem` with
 * `severity: 'warning'`, next to the article, which loads. Does not check for duplicate ids across
 * files or within a JSONL file; {@link loadCorpus} does.
 *
 * @param root corpus root directory
 * @param file a {@link CorpusFile} from {@link listCorpusFiles}, or a path
 *   relative to `root` with `/` separators
 */
export async function readCorpusFile(
  root: string,
  file: CorpusFile | string,
  options: ReadCorpusFileOptions = {},
): Promise<ReadCorpusFileResult> {
  const rel = typeof file === 'string' ? file : file.file;
  const skip = (reason: string): ReadCorpusFileResult => ({ articles: [], skipped: [{ file: rel, reason }] });
  return withCorpusFile(root, rel, options, skip, async ({ handle, stats, kind, abs, rootReal }) => {
    if (kind === 'jsonl') return await readJsonl(handle, rel, jsonlOptions(options));
    const maxBytes = documentSizeLimit(kind, options);
    if (stats.size > maxBytes) return skip(tooLarge('file', stats.size, maxBytes));
    // At most one byte over the limit is read: the file may have grown since the stat.
    const bytes = await readUpTo(handle, maxBytes + 1, stats.size);
    if (bytes.length > maxBytes) return skip(tooLarge('file', bytes.length, maxBytes));
    // A listed file says whether it has a sidecar; for a path given directly, one is looked for.
    const sidecar = typeof file === 'string' || file.sidecar ? await readSidecar(abs, rootReal, rel) : undefined;
    const result = await parseDocument(rel, bytes, options, sidecar && 'meta' in sidecar ? sidecar.meta : undefined);
    if (sidecar && 'warning' in sidecar && result.articles.length > 0) {
      result.skipped.push({ file: rel, reason: sidecar.warning, severity: 'warning' });
    }
    return result;
  });
}

/**
 * Reads one range of a JSONL corpus file (see {@link planCorpusFileRanges}),
 * with the same checks as {@link readCorpusFile}; the parts of a file, put
 * together by `finishJsonl` (src/corpus/jsonl.ts), give what
 * `readCorpusFile` gives for the whole file. A problem with the file itself
 * stops the part. Never throws.
 */
export async function readCorpusFilePart(
  root: string,
  file: CorpusFile,
  range: JsonlRange,
  options: ReadCorpusFileOptions = {},
): Promise<JsonlPart> {
  const stop = (reason: string): JsonlPart => ({
    articles: [],
    skipped: [{ file: file.file, reason }],
    unreportedErrors: 0,
    unreportedWarnings: 0,
    sawContent: false,
    stopped: true,
  });
  return withCorpusFile(root, file.file, options, stop, async ({ handle, kind }) =>
    kind === 'jsonl' ? await readJsonlPart(handle, file.file, jsonlOptions(options), range) : stop(UNSUPPORTED),
  );
}

/**
 * Where a large JSONL corpus file may be cut so that its ranges can be read
 * and analyzed by different threads: ranges of about `bytes` bytes at line
 * boundaries, each with the number of its first line. A file of another
 * kind, a small one, or one that cannot be opened or is not text (reading it
 * whole reports why) is one range. Never throws.
 */
export async function planCorpusFileRanges(
  root: string,
  file: CorpusFile,
  bytes: number,
  options: Pick<ReadCorpusFileOptions, 'rootReal'> = {},
): Promise<JsonlRange[]> {
  const whole: JsonlRange[] = [{ start: 0, firstLine: 1 }];
  if (corpusFileKind(file.file) !== 'jsonl' || file.size < 2 * bytes) return whole;
  return withCorpusFile(
    root,
    file.file,
    options,
    () => whole,
    async ({ handle, stats }) => {
      const head = await readUpTo(handle, 4096, 4096);
      if (sniffNonText(head) !== undefined) return whole;
      return planJsonlRanges(handle, stats.size, bytes);
    },
  );
}

function jsonlOptions(options: ReadCorpusFileOptions): Parameters<typeof readJsonl>[2] {
  return {
    maxArticleBytes: positiveInt(options.maxArticleBytes, DEFAULT_MAX_ARTICLE_BYTES),
    maxReportedLineErrors: Math.max(0, Math.floor(options.maxReportedLineErrors ?? DEFAULT_MAX_REPORTED_LINE_ERRORS)),
  };
}

/** An open corpus file that passed the checks of {@link withCorpusFile}. */
interface OpenedCorpusFile {
  handle: FileHandle;
  stats: Stats;
  kind: CorpusFileKind;
  abs: string;
  rootReal: string;
}

/**
 * Opens `rel` under `root` and runs `use` on it when it is a regular file of
 * a corpus kind that lies inside the corpus (checked on the open file, not on
 * the path: the file may have been swapped for a link since it was listed,
 * see confine.ts); otherwise, or when anything throws, returns `skip(reason)`.
 * Closes the file in every case.
 */
async function withCorpusFile<R>(
  root: string,
  rel: string,
  options: Pick<ReadCorpusFileOptions, 'rootReal'>,
  skip: (reason: string) => R,
  use: (opened: OpenedCorpusFile) => Promise<R>,
): Promise<R> {
  const kind = corpusFileKind(rel);
  if (kind === undefined) return skip(UNSUPPORTED);
  const opened = await openInside(root, rel, options);
  if ('reason' in opened) return skip(opened.reason);
  const { handle, abs, rootReal } = opened;
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) return skip('is a directory');
    if (!stats.isFile()) return skip('not a regular file');
    return await use({ handle, stats, kind, abs, rootReal });
  } catch (err) {
    return skip(`cannot read file (${describeFsError(err)})`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Opens corpus file `rel` for reading, checked to lie inside the corpus on
 * the open descriptor (see confine.ts); or why it cannot be read.
 */
async function openInside(
  root: string,
  rel: string,
  options: Pick<ReadCorpusFileOptions, 'rootReal'>,
): Promise<{ handle: FileHandle; abs: string; rootReal: string } | { reason: string }> {
  const rootAbs = path.resolve(root);
  const abs = path.resolve(rootAbs, ...rel.split('/'));
  if (abs === rootAbs || !isInside(rootAbs, abs)) return { reason: 'path is outside the corpus directory' };
  let rootReal: string;
  let handle: FileHandle;
  try {
    rootReal = options.rootReal ?? (await resolveRoot(rootAbs));
    handle = await open(abs, OPEN_FLAGS);
  } catch (err) {
    return { reason: `cannot read file (${describeFsError(err)})` };
  }
  try {
    // Checked on the open file, not on the path: the file may have been swapped
    // for a link since it was listed (see confine.ts).
    if (await openedFileIsInside(handle, abs, rootReal)) return { handle, abs, rootReal };
    await handle.close();
    return { reason: OUTSIDE_REASON };
  } catch (err) {
    await handle.close().catch(() => undefined);
    return { reason: `cannot read file (${describeFsError(err)})` };
  }
}

/** Line indexes of JSONL files (see {@link readCorpusArticle}), by corpus path; each valid while its file keeps its size and modification time. */
export type JsonlLineIndexes = Map<string, { size: number; mtimeMs: number; index: JsonlLineIndex }>;

/**
 * The one article that corpus file `rel` gives today at `line` (a JSONL
 * line number; `undefined` for the other formats, which give one article per
 * file), derived exactly as {@link readCorpusFile} derives it and read with
 * the same confinement. A JSONL file gives up one line, read on its own: the
 * file is scanned once for where its lines start (kept in `lineIndexes`,
 * when given, for the next line asked of the same file). `undefined` when
 * the file or line gives no article.
 */
export async function readCorpusArticle(
  root: string,
  rel: string,
  line: number | undefined,
  options: ReadCorpusFileOptions & { lineIndexes?: JsonlLineIndexes } = {},
): Promise<LoadedArticle | undefined> {
  const kind = corpusFileKind(rel);
  if (kind !== 'jsonl') {
    if (kind === undefined || line !== undefined) return undefined;
    const { articles } = await readCorpusFile(root, rel, options);
    return articles.length === 1 ? articles[0] : undefined;
  }
  if (line === undefined) return undefined;
  const opened = await openInside(root, rel, options);
  if ('reason' in opened) return undefined;
  const { handle } = opened;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    let known = options.lineIndexes?.get(rel);
    if (!known || known.size !== stats.size || known.mtimeMs !== stats.mtimeMs) {
      known = { size: stats.size, mtimeMs: stats.mtimeMs, index: await indexJsonlLines(handle) };
      options.lineIndexes?.set(rel, known);
    }
    return await readJsonlLine(handle, rel, line, known.index, {
      maxArticleBytes: positiveInt(options.maxArticleBytes, DEFAULT_MAX_ARTICLE_BYTES),
    });
  } catch {
    return undefined;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The sidecar of the document at `abs` (see sidecar.ts): its metadata, a
 * warning saying why it is ignored, or `undefined` when there is none. Read
 * with the same care as a document: opened, then checked to be inside the
 * corpus, and capped.
 */
async function readSidecar(abs: string, rootReal: string, rel: string): Promise<{ meta: SidecarMeta } | { warning: string } | undefined> {
  const name = `${path.basename(rel)}${SIDECAR_SUFFIX}`;
  const ignored = (why: string) => ({ warning: `metadata sidecar ${name} ignored: ${why}` });
  let handle: FileHandle;
  try {
    handle = await open(sidecarOf(abs), OPEN_FLAGS);
  } catch (err) {
    return errorCode(err) === 'ENOENT' ? undefined : ignored(`cannot read it (${describeFsError(err)})`);
  }
  try {
    if (!(await openedFileIsInside(handle, sidecarOf(abs), rootReal))) return ignored(OUTSIDE_REASON);
    const stats = await handle.stat();
    if (!stats.isFile()) return ignored('not a regular file');
    const bytes = await readUpTo(handle, MAX_SIDECAR_BYTES + 1, stats.size);
    if (bytes.length > MAX_SIDECAR_BYTES) return ignored(tooLarge('sidecar', bytes.length, MAX_SIDECAR_BYTES));
    const text = decodeUtf8(bytes);
    if (text === undefined) return ignored('not UTF-8 text');
    const parsed = parseSidecar(normalizeText(text));
    return 'error' in parsed ? ignored(parsed.error) : parsed;
  } catch (err) {
    return ignored(`cannot read it (${describeFsError(err)})`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The article(s) of a document given as bytes, named `rel` (a corpus-relative
 * path; its extension decides the format). What {@link readCorpusFile} does
 * after reading, for callers that hold the bytes already (a document about to
 * be added to the corpus can be checked before it is written). Never throws.
 */
export async function parseDocument(
  rel: string,
  bytes: Uint8Array,
  options: ReadCorpusFileOptions = {},
  /** Metadata that overrides the document's own (a sidecar's); ignored for JSONL. */
  overrides?: SidecarMeta,
): Promise<ReadCorpusFileResult> {
  const kind = corpusFileKind(rel);
  const skip = (reason: string): ReadCorpusFileResult => ({ articles: [], skipped: [{ file: rel, reason }] });
  const limit = kind === undefined ? 0 : documentSizeLimit(kind, options);
  if (bytes.length > limit) return skip(tooLarge('file', bytes.length, limit));
  try {
    switch (kind) {
      case undefined:
        return skip(UNSUPPORTED);
      case 'text':
        return textArticle(rel, bytes, options, overrides);
      case 'html':
        return await htmlArticle(rel, bytes, overrides);
      case 'pdf':
        return await pdfArticle(rel, bytes, options, overrides);
      case 'jsonl': {
        // JSONL is streamed from disk by readJsonl; in memory, line by line here.
        const text = decodeUtf8(bytes);
        if (text === undefined) return skip('not UTF-8 text');
        const articles: LoadedArticle[] = [];
        const skipped: SkippedItem[] = [];
        normalizeText(text)
          .split('\n')
          .forEach((line, i) => {
            if (isBlank(line)) return;
            const result = parseJsonlLine(line, i + 1, rel);
            if ('error' in result) skipped.push({ file: rel, line: i + 1, reason: `line ${i + 1}: ${result.error}` });
            else {
              articles.push(result.article);
              if (result.warning !== undefined)
                skipped.push({ file: rel, line: i + 1, reason: `line ${i + 1}: ${result.warning}`, severity: 'warning' });
            }
          });
        if (articles.length === 0 && skipped.length === 0) return skip('empty file');
        return { articles, skipped };
      }
    }
  } catch (err) {
    // The format readers do not throw on bad input; this is a last line of defence, never a crash.
    return skip(`cannot read ${kind} document (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** The size limit of a format in bytes, with the options' overrides. */
export function documentSizeLimit(kind: CorpusFileKind, options: ReadCorpusFileOptions = {}): number {
  switch (kind) {
    case 'text':
      return positiveInt(options.maxFileBytes, DEFAULT_MAX_FILE_BYTES);
    case 'html':
      return positiveInt(options.maxHtmlBytes, DEFAULT_MAX_HTML_BYTES);
    case 'pdf':
      return positiveInt(options.maxPdfBytes, DEFAULT_MAX_PDF_BYTES);
    case 'jsonl':
      return Number.MAX_SAFE_INTEGER; // streamed; each line has its own limit
  }
}

/** The article of a document's text and metadata: checks the link, hashes, attaches warnings. */
function articleOf(
  rel: string,
  own: ArticleMeta,
  overrides: SidecarMeta | undefined,
  text: string,
  warnings: string[],
  pages?: number[],
): ReadCorpusFileResult {
  const checked = withCheckedUrl(overrides === undefined ? own : { ...own, ...overrides });
  if (checked.warning !== undefined) warnings.push(checked.warning);
  const id = fileId(rel);
  const article: LoadedArticle = { id, file: rel, meta: checked.meta, text, hash: hashArticle(id, checked.meta, text, pages) };
  if (pages !== undefined) article.pages = pages;
  return { articles: [article], skipped: warnings.map((reason) => ({ file: rel, reason, severity: 'warning' })) };
}

/** Builds the single article of a .txt/.md file from its bytes. */
function textArticle(rel: string, bytes: Uint8Array, options: ReadCorpusFileOptions, overrides?: SidecarMeta): ReadCorpusFileResult {
  const skip = (reason: string): ReadCorpusFileResult => ({ articles: [], skipped: [{ file: rel, reason }] });

  const notText = sniffNonText(bytes);
  if (notText !== undefined) return skip(notText);
  const decoded = decodeUtf8(bytes);
  if (decoded === undefined) return skip('not UTF-8 text');
  const text = normalizeText(decoded);
  if (isBlank(text)) return skip('empty file');

  let body = text;
  let meta: ArticleMeta = { extra: {} };
  const warnings: string[] = [];
  const frontMatter = parseFrontMatter(text, {
    maxLines: positiveInt(options.maxFrontMatterLines, DEFAULT_MAX_FRONT_MATTER_LINES),
  });
  if (frontMatter.kind === 'error') return skip(frontMatter.reason);
  if (frontMatter.kind === 'ok') {
    body = frontMatter.body;
    if (isBlank(body)) return skip('no text after the front matter');
    warnings.push(...frontMatter.warnings);
    meta = frontMatter.meta;
  }
  // Hard-wrapped paragraphs become one line each (see reflow.ts for why here).
  return articleOf(rel, meta, overrides, unwrapText(body), warnings);
}

/** Builds the article of an .html/.htm file (the HTML code is loaded on first use: most corpora have none). */
async function htmlArticle(rel: string, bytes: Uint8Array, overrides?: SidecarMeta): Promise<ReadCorpusFileResult> {
  const skip = (reason: string): ReadCorpusFileResult => ({ articles: [], skipped: [{ file: rel, reason }] });
  const { decodeHtml, htmlToArticle } = await import('./html.ts');
  const html = decodeHtml(bytes);
  if (html === undefined) return skip('HTML in an unknown character encoding');
  if (html.includes('\u0000')) return skip('binary file (contains NUL bytes)');
  if (isBlank(html)) return skip('empty file');
  const result = htmlToArticle(html);
  if ('error' in result) return skip(result.error);
  return articleOf(rel, result.meta, overrides, result.text, []);
}

/** Builds the article of a .pdf file, with its page starts (pdf.js is loaded on first use). */
async function pdfArticle(
  rel: string,
  bytes: Uint8Array,
  options: ReadCorpusFileOptions,
  overrides?: SidecarMeta,
): Promise<ReadCorpusFileResult> {
  const skip = (reason: string): ReadCorpusFileResult => ({ articles: [], skipped: [{ file: rel, reason }] });
  if (bytes.length === 0) return skip('empty file');
  // The PDF header may follow some junk, but must come within the first 1,024 bytes.
  if (Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).indexOf('%PDF-') === -1) {
    return skip('not a PDF file (no "%PDF-" header)');
  }
  const { pdfToArticle } = await import('./pdf.ts');
  const result = await pdfToArticle(bytes, { maxPages: positiveInt(options.maxPdfPages, DEFAULT_MAX_PDF_PAGES) });
  if ('error' in result) return skip(result.error);
  return articleOf(rel, result.meta, overrides, result.text, [], result.pages);
}
