/**
 * Types shared by the corpus stage: what the loader reads from disk and hands
 * to the rest of the pipeline (clean → split → analyze → index).
 */

/** Metadata known about an article, from front matter or a JSONL record. */
export interface ArticleMeta {
  /** Explicit title; when absent the clean stage derives one from the text. */
  title?: string;
  url?: string;
  /** Publication date as written in the source (not parsed). */
  date?: string;
  /** Publisher / outlet ("source" or "publisher" in front matter). */
  source?: string;
  /** Any other front matter keys, kept verbatim. */
  extra: Record<string, string>;
}

/** One article as read from the corpus, before cleaning and splitting. */
export interface LoadedArticle {
  /**
   * Stable id shown to users: the file's path relative to the corpus root,
   * with `/` separators and without extension (`news/2024/kyiv`); for a JSONL
   * line, its `id` field, else `<file id>:<line number>`.
   */
  id: string;
  /** Path of the file it came from, relative to the corpus root, `/` separators. */
  file: string;
  /** 1-based line number, for articles read from a JSONL file. */
  line?: number;
  meta: ArticleMeta;
  /**
   * Body text: the file after any front matter block (line endings normalized
   * to `\n`, BOM removed). Sentence offsets point into this string.
   */
  text: string;
  /** Hash of everything above that affects indexing; equal hash ⇒ nothing to re-index. */
  hash: string;
  /**
   * For paged documents (PDF): the offset in `text` where each page starts,
   * `pages[0]` (page 1) being 0; non-decreasing. The page of a sentence is the
   * last page whose start is at or before the sentence's start (see
   * `pageAt` in src/corpus/pages.ts). Absent for unpaged formats.
   */
  pages?: number[];
}

/**
 * A file or JSONL line the loader could not use, and why; or, with
 * `severity: 'warning'`, a value it dropped from an article that still loaded.
 */
export interface SkippedItem {
  /** Path relative to the corpus root. */
  file: string;
  /** 1-based line number when one JSONL line was skipped. */
  line?: number;
  /** Human-readable reason, e.g. "not UTF-8 text", "empty file". */
  reason: string;
  /**
   * Absent: the file or line was skipped. `'warning'`: it loaded, but part of
   * it was dropped (the reason says what, e.g. a `url` that is not an http(s)
   * URL). Kept in the same list so that every report that shows skipped items
   * shows warnings too.
   */
  severity?: 'warning';
}

/** A corpus file seen by a directory scan, used to detect what changed. */
export interface CorpusFile {
  /** Path relative to the corpus root, `/` separators. */
  file: string;
  /** Bytes, plus those of its metadata sidecar when it has one. */
  size: number;
  /** Modification time, or its sidecar's when that is later. */
  mtimeMs: number;
  /** It has a metadata sidecar, `<file>.meta.json` (see src/corpus/sidecar.ts). */
  sidecar?: true;
}

/** Everything one load of the corpus produced. */
export interface CorpusLoad {
  articles: LoadedArticle[];
  skipped: SkippedItem[];
  files: CorpusFile[];
}
