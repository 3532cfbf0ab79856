/**
 * Opening a corpus: from its snapshot when one is valid, else by reading and
 * indexing every file (on several cores when the corpus is large).
 */
import { listCorpusFiles, loadCorpus } from '../corpus/index.ts';
import { buildLibrary } from '../library/build.ts';
import type { Library, LibraryOptions } from '../library/library.ts';
import { buildInParallel, canBuildInParallel } from '../library/parallelBuild.ts';
import { readSnapshot, SnapshotError, type CorpusManifest } from '../library/snapshot.ts';
import { manifestOf } from './corpusSync.ts';
import type { ProgressListener } from './protocol.ts';

/** A library and the manifest of the files it came from. */
export interface OpenedLibrary {
  library: Library;
  manifest: CorpusManifest;
  /** Whether it was loaded from the snapshot or built from the text. */
  mode: 'snapshot' | 'built';
  /** Size of the snapshot it was loaded from. */
  snapshotBytes?: number;
  /** Why the snapshot was not used, when there was a reason to expect one. */
  note?: string;
}

/** Corpora with at least this many bytes of files are built with analysis threads (below, a thread's start-up costs more than it saves). */
const PARALLEL_BUILD_BYTES = 4 * 1024 * 1024;

/**
 * Loads the library of `corpusDir`: from `snapshotFile` (its bytes
 * `snapshotReadAhead`, when read already) when it is a valid
 * snapshot of this corpus folder made with these options (the caller then
 * brings it up to date with the files changed since), else from the text.
 * Throws only when the corpus folder itself is missing or unreadable.
 */
export async function openLibrary(
  corpusDir: string,
  options: LibraryOptions,
  snapshotFile: string | undefined,
  onProgress?: ProgressListener,
  snapshotReadAhead?: Promise<Buffer>,
): Promise<OpenedLibrary> {
  let note: string | undefined;
  if (snapshotFile) {
    onProgress?.({ phase: 'snapshot', done: 0, total: 1 });
    try {
      const loaded = await readSnapshot(snapshotFile, options, snapshotReadAhead);
      if (loaded.manifest.corpusDir !== corpusDir) throw new SnapshotError('made for another corpus folder');
      onProgress?.({ phase: 'snapshot', done: 1, total: 1 });
      return { library: loaded.library, manifest: loaded.manifest, mode: 'snapshot', snapshotBytes: loaded.bytes };
    } catch (err) {
      if (!(err instanceof SnapshotError)) throw err;
      note = `snapshot not used: ${err.message}`;
    }
  }
  const built = await buildFromText(corpusDir, options, onProgress);
  return { ...built, mode: 'built', ...(note && { note }) };
}

/** Reads and indexes the whole corpus: on several cores when it is large, else here. */
async function buildFromText(
  corpusDir: string,
  options: LibraryOptions,
  onProgress?: ProgressListener,
): Promise<{ library: Library; manifest: CorpusManifest }> {
  onProgress?.({ phase: 'scanning', done: 0, total: 0 });
  const listing = await listCorpusFiles(corpusDir);
  const bytes = listing.files.reduce((n, f) => n + f.size, 0);
  const indexing = (done: number, total: number) => onProgress?.({ phase: 'indexing', done, total });
  if (bytes >= PARALLEL_BUILD_BYTES && canBuildInParallel(options)) {
    const built = await buildInParallel(corpusDir, listing.files, { ...options, onProgress: indexing });
    return {
      library: built.library,
      manifest: manifestOf(corpusDir, listing.files, built.articles, [...listing.skipped, ...built.skipped], listing.ignored),
    };
  }
  const corpus = await loadCorpus(corpusDir, { listing, onProgress: (done, total) => onProgress?.({ phase: 'reading', done, total }) });
  const library = await buildLibrary(corpus.articles, { ...options, onProgress: indexing });
  return { library, manifest: manifestOf(corpusDir, corpus.files, corpus.articles, corpus.skipped, listing.ignored) };
}
