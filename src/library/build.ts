/**
 * Building a library from loaded articles without freezing the process: the
 * work is cut into slices of a few milliseconds with a yield to the event
 * loop between them, so a bot keeps answering (from its current index) while
 * a new one is built beside it.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { LoadedArticle } from '../corpus/types.ts';
import { Library, type LibraryOptions } from './library.ts';

/** Options of {@link buildLibrary}. */
export interface BuildOptions extends LibraryOptions {
  /** Longest stretch of work between two yields to the event loop, in ms. Default 20. */
  sliceMs?: number;
  /** Called after each slice with the number of articles indexed so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Indexes the given articles into a new library. Articles whose id is already
 * in the library are skipped (the loader drops duplicates first).
 */
export async function buildLibrary(articles: readonly LoadedArticle[], options: BuildOptions = {}): Promise<Library> {
  const library = new Library(options);
  const sliceMs = options.sliceMs ?? 20;
  let sliceStart = performance.now();
  // Slices of a few hundred articles: big enough for batched insertion, small enough to yield often.
  const slice = 200;
  for (let i = 0; i < articles.length; i += slice) {
    library.addMany(articles.slice(i, i + slice));
    if (performance.now() - sliceStart >= sliceMs) {
      options.onProgress?.(Math.min(i + slice, articles.length), articles.length);
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  options.onProgress?.(articles.length, articles.length);
  library.analyzer.clearCaches();
  return library;
}
