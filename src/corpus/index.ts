/**
 * Corpus stage: reads the documents the bot quotes from.
 *
 * ```ts
 * import { loadCorpus } from './corpus/index.ts';
 * const { articles, skipped, files } = await loadCorpus('corpus');
 * ```
 */
export type * from './types.ts';
export { loadCorpus } from './loadCorpus.ts';
export { isListablePath, listCorpusFiles } from './listFiles.ts';
export { readCorpusArticle, readCorpusFile } from './readFile.ts';
export type { JsonlLineIndexes, ReadCorpusFileResult } from './readFile.ts';
export { parseFrontMatter } from './frontMatter.ts';
export { hashArticle } from './hash.ts';
export { CorpusRootError } from './errors.ts';
