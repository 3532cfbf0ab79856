/** Reading one corpus file into articles: `readCorpusFile`. */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { ArticleMeta, CorpusFile, LoadedArticle, SkippedItem } from './types.ts';
import { OUTSIDE_REASON, isInside, openedFileIsInside, resolveRoot } from './confine.ts';
import { describeFsError } from './errors.ts';
import { DEFAULT_MAX_FRONT_MATTER_LINES, parseFrontMatter } from './frontMatter.ts';
import { hashArticle } from './hash.ts';
import { readJsonl } from './jsonl.ts';
import { positiveInt } from './limit.ts';
import { corpusFileKind, fileId } from './paths.ts';
import { unwrapText } from './reflow.ts';
import { withCheckedUrl } from './url.ts';
import { MiB, decodeUtf8, isBlank, normalizeText, sniffNonText, tooLarge } from './text.ts';

/** Default for {@link ReadCorpusFileOptions.maxFileBytes}: 16 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 16 * MiB;
/** Default for {@link ReadCorpusFileOptions.maxArticleBytes}: 16 MiB. */
export const DEFAULT_MAX_ARTICLE_BYTES = 16 * MiB;
/** Default for {@link ReadCorpusFileOptions.maxReportedLineErrors}. */
export const DEFAULT_MAX_REPORTED_LINE_ERRORS = 100;

/** Options for {@link readCorpusFile}. */
export interface ReadCorpusFileOptions {
  /**
   * Largest .txt/.md file read, in bytes (default 16 MiB). Larger files are
   * skipped, not truncated: a cut-off article would be quoted as if whole,
   * and a huge "text" file is usually a dump that got misnamed.
   */
  maxFileBytes?: number;
  /** Longest JSONL line read, in bytes (default 16 MiB). Longer lines are skipped. */
  maxArticleBytes?: number;
  /**
   * Lines after the opening `---` within which front matter must close
   * (default 100). See {@link parseFrontMatter}.
   */
  maxFrontMatterLines?: number;
  /**
   * Bad JSONL lines reported individually per file (default 100); further
   * ones are summarized in one skipped item, so a file in the wrong format
   * does not flood the report. Warnings (lines loaded with a value dropped)
   * have a budget of the same size of their own.
   */
  maxReportedLineErrors?: number;
}

/** What reading one file produced. */
export interface ReadCorpusFileResult {
  articles: LoadedArticle[];
  skipped: SkippedItem[];
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

  const kind = corpusFileKind(rel);
  if (kind === undefined) return skip('unsupported file type (expected .txt, .md or .jsonl)');
  const rootAbs = path.resolve(root);
  const abs = path.resolve(rootAbs, ...rel.split('/'));
  if (abs === rootAbs || !isInside(rootAbs, abs)) return skip('path is outside the corpus directory');

  let rootReal: string;
  let handle: FileHandle;
  try {
    rootReal = await resolveRoot(rootAbs);
    handle = await open(abs, OPEN_FLAGS);
  } catch (err) {
    return skip(`cannot read file (${describeFsError(err)})`);
  }
  try {
    // Checked on the open file, not on the path: the file may have been swapped
    // for a link since it was listed (see confine.ts).
    if (!(await openedFileIsInside(handle, abs, rootReal))) return skip(OUTSIDE_REASON);
    const stats = await handle.stat();
    if (stats.isDirectory()) return skip('is a directory');
    if (!stats.isFile()) return skip('not a regular file');
    if (kind === 'jsonl') {
      return await readJsonl(handle, rel, {
        maxArticleBytes: positiveInt(options.maxArticleBytes, DEFAULT_MAX_ARTICLE_BYTES),
        maxReportedLineErrors: Math.max(0, Math.floor(options.maxReportedLineErrors ?? DEFAULT_MAX_REPORTED_LINE_ERRORS)),
      });
    }
    const maxBytes = positiveInt(options.maxFileBytes, DEFAULT_MAX_FILE_BYTES);
    if (stats.size > maxBytes) return skip(tooLarge('file', stats.size, maxBytes));
    const bytes = await handle.readFile();
    // The file may have grown between stat and read.
    if (bytes.length > maxBytes) return skip(tooLarge('file', bytes.length, maxBytes));
    return textArticle(rel, bytes, options);
  } catch (err) {
    return skip(`cannot read file (${describeFsError(err)})`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Builds the single article of a .txt/.md file from its bytes. */
function textArticle(rel: string, bytes: Uint8Array, options: ReadCorpusFileOptions): ReadCorpusFileResult {
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
    const checked = withCheckedUrl(frontMatter.meta);
    meta = checked.meta;
    if (checked.warning !== undefined) warnings.push(checked.warning);
  }

  // Hard-wrapped paragraphs become one line each (see reflow.ts for why here).
  body = unwrapText(body);
  const id = fileId(rel);
  return {
    articles: [{ id, file: rel, meta, text: body, hash: hashArticle(id, meta, body) }],
    skipped: warnings.map((reason) => ({ file: rel, reason, severity: 'warning' })),
  };
}
