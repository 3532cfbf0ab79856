/** Loading a whole corpus directory: `loadCorpus`. */
import path from 'node:path';
import type { CorpusLoad, LoadedArticle, SkippedItem } from './types.ts';
import { mapLimit, positiveInt } from './limit.ts';
import { listCorpusFiles } from './listFiles.ts';
import type { CorpusListing, ListCorpusFilesOptions } from './listFiles.ts';
import { ArticleIdClaims, compareSkipped } from './duplicates.ts';
import { resolveRoot } from './confine.ts';
import { readCorpusFile } from './readFile.ts';
import type { ReadCorpusFileOptions } from './readFile.ts';

/** Default for {@link LoadCorpusOptions.concurrency}. */
export const DEFAULT_READ_CONCURRENCY = 16;

/** Options for {@link loadCorpus}: the listing and reading options plus these. */
export interface LoadCorpusOptions extends ListCorpusFilesOptions, ReadCorpusFileOptions {
  /**
   * Files read at the same time (default 16). Each .txt/.md read may hold up
   * to `maxFileBytes` in memory, so this also bounds peak memory.
   */
  concurrency?: number;
  /**
   * Called with `(0, total)` once the directory has been scanned, then after
   * each file is read, with `done` counting up to `total` (number of files).
   * Calls happen in completion order, so `done` is a count, not a file index.
   */
  onProgress?: (done: number, total: number) => void;
  /** A listing of `root` the caller already made (it is not scanned again). */
  listing?: CorpusListing;
}

/**
 * Loads every corpus file under `root`: {@link listCorpusFiles}, then
 * {@link readCorpusFile} on each file with bounded concurrency.
 *
 * The result is deterministic: articles come in sorted file order (then line
 * order within a JSONL file) however the reads interleave, and `skipped` is
 * sorted by file then line. When two articles share an id, the first in that
 * order is kept and the later one is skipped with
 * `duplicate article id "x" (first seen in a/b.txt)` (`… line N` for JSONL):
 * ids must be unique because users cite them. `files` lists everything the
 * scan found, including files whose contents were skipped, so a later reload
 * can compare sizes and mtimes.
 *
 * @throws {CorpusRootError} if `root` is missing, not a directory or
 *   unreadable: the only failure that throws; everything below the root is
 *   reported in `skipped`.
 */
export async function loadCorpus(root: string, options: LoadCorpusOptions = {}): Promise<CorpusLoad> {
  const rootAbs = path.resolve(root);
  const listing = options.listing ?? (await listCorpusFiles(rootAbs, options));
  const total = listing.files.length;
  let done = 0;
  options.onProgress?.(0, total);
  // Resolved once for all files (a realpath per file costs more than reading a small one).
  const rootReal = await resolveRoot(rootAbs).catch(() => undefined);
  const readOptions = { ...options, rootReal };

  const results = await mapLimit(
    listing.files,
    positiveInt(options.concurrency, DEFAULT_READ_CONCURRENCY),
    async (file) => {
      const result = await readCorpusFile(rootAbs, file, readOptions);
      options.onProgress?.(++done, total);
      return result;
    },
  );

  const articles: LoadedArticle[] = [];
  const skipped: SkippedItem[] = [...listing.skipped];
  const ids = new ArticleIdClaims();
  for (const result of results) {
    skipped.push(...result.skipped);
    for (const article of result.articles) {
      const duplicate = ids.claim(article);
      if (duplicate) skipped.push(duplicate);
      else articles.push(article);
    }
  }
  // Stable sort: items without a line (whole-file problems) come first for a file.
  skipped.sort(compareSkipped);
  return { articles, skipped, files: listing.files };
}
