/**
 * Corpus stage: reads the documents the bot quotes from.
 *
 * ```ts
 * import { loadCorpus } from './corpus/index.ts';
 * const { articles, skipped, files } = await loadCorpus('corpus');
 * ```
 */
export type * from './types.ts';
export { loadCorpus, DEFAULT_READ_CONCURRENCY } from './loadCorpus.ts';
export type { LoadCorpusOptions } from './loadCorpus.ts';
export { listCorpusFiles, DEFAULT_STAT_CONCURRENCY } from './listFiles.ts';
export type { CorpusListing, ListCorpusFilesOptions } from './listFiles.ts';
export {
  readCorpusFile,
  parseDocument,
  DEFAULT_MAX_HTML_BYTES,
  DEFAULT_MAX_PDF_BYTES,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_ARTICLE_BYTES,
  DEFAULT_MAX_REPORTED_LINE_ERRORS,
} from './readFile.ts';
export type { ReadCorpusFileOptions, ReadCorpusFileResult } from './readFile.ts';
export { parseFrontMatter, DEFAULT_MAX_FRONT_MATTER_LINES } from './frontMatter.ts';
export type { FrontMatterOptions, FrontMatterResult } from './frontMatter.ts';
export { parseJsonlLine } from './jsonl.ts';
export type { JsonlLineResult } from './jsonl.ts';
export { CORPUS_EXTENSIONS, fileId } from './paths.ts';
export { hashArticle } from './hash.ts';
export { pageAt } from './pages.ts';
export { CorpusRootError } from './errors.ts';
