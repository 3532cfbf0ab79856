/**
 * Keeping a library in step with its corpus folder: the manifest of the
 * files an index came from, what changed since (compared by size and
 * modification time), and applying the change.
 *
 * Applying is split in two: reading the changed files (asynchronous, while
 * questions are still answered from the index as it was), then changing the
 * library in one synchronous step, so a question is always answered from the
 * index entirely before or entirely after the change. Within the files read,
 * only articles whose content hash changed are re-indexed.
 */
import path from 'node:path';
import { listCorpusFiles, readCorpusFile } from '../corpus/index.ts';
import { ArticleIdClaims, articleLocation, compareSkipped } from '../corpus/duplicates.ts';
import { resolveRoot } from '../corpus/confine.ts';
import { mapLimit } from '../corpus/limit.ts';
import type { CorpusFile, LoadedArticle, ReadCorpusFileResult, SkippedItem } from '../corpus/index.ts';
import type { Library } from '../library/library.ts';
import type { StoredArticle } from '../library/store.ts';
import type { CorpusManifest } from '../library/snapshot.ts';
import type { ProgressListener } from './protocol.ts';

/** One file's entry in the manifest. */
export interface FileEntry {
  size: number;
  mtimeMs: number;
  /** Ids of the articles the file gave. */
  articles: string[];
  /** What was skipped in it. */
  skipped: SkippedItem[];
}

/** What a reload would do, worked out before doing it. */
export interface ChangePlan {
  /** Files to read: new or changed since the index was built. */
  read: CorpusFile[];
  /** Files gone since. */
  removed: string[];
  /** Items skipped while listing (unreadable folders, links). */
  listingSkipped: SkippedItem[];
  /** Bytes of the files to read: how big the change is. */
  bytes: number;
}

/** What applying a plan changed, by article id. */
export interface AppliedChange {
  added: string[];
  changed: string[];
  removed: string[];
}

/** The files of a corpus as an index knows them, and what listing the folder skipped. */
export class CorpusManifestState {
  readonly files: Map<string, FileEntry>;
  listingSkipped: SkippedItem[];
  /** Files of other types in the folder, by extension, as the last listing found them. */
  ignored: Record<string, number>;

  constructor(
    readonly corpusDir: string,
    manifest: CorpusManifest,
  ) {
    this.files = new Map(
      manifest.files.map((f) => [f.file, { size: f.size, mtimeMs: f.mtimeMs, articles: f.articles, skipped: f.skipped }]),
    );
    this.listingSkipped = manifest.listingSkipped;
    this.ignored = manifest.ignored ?? {};
  }

  /** The manifest as a snapshot stores it. */
  toManifest(): CorpusManifest {
    return {
      corpusDir: this.corpusDir,
      files: [...this.files].map(([file, e]) => ({ file, ...e })),
      listingSkipped: this.listingSkipped,
      ignored: this.ignored,
    };
  }

  /** Everything skipped, in file then line order. */
  skipped(): SkippedItem[] {
    return [...this.listingSkipped, ...[...this.files.values()].flatMap((e) => e.skipped)].sort(compareSkipped);
  }

  /**
   * Compares the corpus folder with the manifest: what a reload would read
   * and remove. With `everyFile`, every file present is read again, changed or
   * not (checking a snapshot: see snapshotCheck.ts).
   */
  async plan(options: { everyFile?: boolean } = {}): Promise<ChangePlan> {
    const listing = await listCorpusFiles(this.corpusDir);
    this.ignored = listing.ignored;
    const read = listing.files.filter((f) => {
      const known = this.files.get(f.file);
      return options.everyFile || !known || known.size !== f.size || known.mtimeMs !== f.mtimeMs;
    });
    const present = new Set(listing.files.map((f) => f.file));
    const removed = [...this.files.keys()].filter((f) => !present.has(f));
    return { read, removed, listingSkipped: listing.skipped, bytes: read.reduce((n, f) => n + f.size, 0) };
  }
}

/** A changed file, read. */
export type ReadFile = ReadCorpusFileResult & { file: CorpusFile };

/** Reads the files a plan names (the asynchronous half of applying it). */
export async function readChangedFiles(corpusDir: string, plan: ChangePlan, onProgress?: ProgressListener): Promise<ReadFile[]> {
  let done = 0;
  // Resolved once for all files; a root that cannot be resolved is left to each read to report.
  const rootReal = await resolveRoot(path.resolve(corpusDir)).catch(() => undefined);
  return mapLimit(plan.read, 16, async (file) => {
    const result = await readCorpusFile(corpusDir, file, { rootReal });
    onProgress?.({ phase: 'reading', done: ++done, total: plan.read.length });
    return { file, ...result };
  });
}

/** Whether an article of the index may stay as it is, given what its file gives now (see {@link applyChanges}). */
export type KeepCheck = (held: StoredArticle, incoming: LoadedArticle) => boolean;

/**
 * Applies a plan whose files were read, in one synchronous step: articles of
 * removed and re-read files are kept (same content), replaced or removed;
 * new ones are added; an id that another file already holds is reported as a
 * duplicate in the skipped items of the file that brought it. `keep`, when
 * given, must also accept an article for it to be kept rather than re-indexed
 * from the file (the snapshot check).
 */
export function applyChanges(
  library: Library,
  manifest: CorpusManifestState,
  plan: ChangePlan,
  results: readonly ReadFile[],
  keep?: KeepCheck,
): AppliedChange {
  const { store } = library;
  const incoming = new Map<string, LoadedArticle>();
  for (const r of results) for (const a of r.articles) if (!incoming.has(a.id)) incoming.set(a.id, a);
  const previous = new Set<string>();
  for (const file of [...plan.removed, ...plan.read.map((f) => f.file)]) {
    for (const id of manifest.files.get(file)?.articles ?? []) {
      previous.add(id);
      const next = incoming.get(id);
      const held = store.get(id);
      if (!next || !held || next.hash !== held.hash || next.file !== file || (keep && !keep(held, next))) library.remove(id);
    }
    manifest.files.delete(file);
  }
  // An id still in the store after the removals above belongs to a file that did not change, unless it is the same article re-read.
  const ids = new ArticleIdClaims((a) => {
    const held = store.get(a.id);
    return held && held.file !== a.file ? articleLocation(held) : undefined;
  });
  const added: string[] = [];
  const changed: string[] = [];
  const present = new Set<string>();
  for (const r of results) {
    const entry: FileEntry = { size: r.file.size, mtimeMs: r.file.mtimeMs, articles: [], skipped: [...r.skipped] };
    for (const a of r.articles) {
      const duplicate = ids.claim(a);
      if (duplicate) {
        entry.skipped.push(duplicate);
        continue;
      }
      present.add(a.id);
      entry.articles.push(a.id);
      if (store.get(a.id)) continue; // same content as before: kept
      (previous.has(a.id) ? changed : added).push(a.id);
      library.add(a);
    }
    manifest.files.set(r.file.file, entry);
  }
  manifest.listingSkipped = plan.listingSkipped;
  return { added, changed, removed: [...previous].filter((id) => !present.has(id)) };
}

/** The manifest of a full load: every file with its articles and skipped items. */
export function manifestOf(
  corpusDir: string,
  files: readonly CorpusFile[],
  articles: ReadonlyArray<Pick<LoadedArticle, 'id' | 'file'>>,
  skipped: readonly SkippedItem[],
  ignored: Record<string, number>,
): CorpusManifest {
  const byFile = new Map(
    files.map((f) => [f.file, { file: f.file, size: f.size, mtimeMs: f.mtimeMs, articles: [] as string[], skipped: [] as SkippedItem[] }]),
  );
  const listingSkipped: SkippedItem[] = [];
  for (const a of articles) byFile.get(a.file)?.articles.push(a.id);
  for (const s of skipped) {
    const entry = byFile.get(s.file);
    if (entry) entry.skipped.push(s);
    else listingSkipped.push(s);
  }
  return { corpusDir, files: [...byFile.values()], listingSkipped, ignored };
}
