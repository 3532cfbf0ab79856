/** Scanning the corpus directory: `listCorpusFiles`. */
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CorpusFile, SkippedItem } from './types.ts';
import { OUTSIDE_REASON, isInside, resolveRoot } from './confine.ts';
import { CorpusRootError, describeFsError, errorCode } from './errors.ts';
import { createLimiter, positiveInt } from './limit.ts';
import { comparePaths, corpusExtension, corpusFileKind } from './paths.ts';
import { documentOfSidecar } from './sidecar.ts';

/** Default for {@link ListCorpusFilesOptions.statConcurrency}. */
export const DEFAULT_STAT_CONCURRENCY = 64;

/** Options for {@link listCorpusFiles}. */
export interface ListCorpusFilesOptions {
  /**
   * Maximum `readdir`/`stat` calls in flight (default 64). High enough to keep
   * a disk or network file system busy, low enough to stay far from the
   * open-file limit with ~50,000 files.
   */
  statConcurrency?: number;
}

/** Result of {@link listCorpusFiles}. */
export interface CorpusListing {
  /** Corpus files, sorted by path (UTF-16 code unit order, locale-independent). */
  files: CorpusFile[];
  /** Unreadable directories, broken links, symlinked directories…, sorted by path. */
  skipped: SkippedItem[];
  /**
   * Files left alone for their type, counted by extension (lower case; `""`
   * for a name without one): what a corpus editor may have expected to load.
   * Hidden files are not counted.
   */
  ignored: Record<string, number>;
}

/**
 * Throws {@link CorpusRootError} unless `rootAbs` is an existing directory
 * (symbolic links to one are fine).
 */
export async function assertCorpusRoot(rootAbs: string): Promise<void> {
  let stats: Stats;
  try {
    stats = await stat(rootAbs);
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') {
      throw new CorpusRootError(`corpus directory not found: ${rootAbs}`, { cause: err });
    }
    throw new CorpusRootError(`cannot access corpus directory: ${rootAbs} (${describeFsError(err)})`, { cause: err });
  }
  if (!stats.isDirectory()) throw new CorpusRootError(`corpus path is not a directory: ${rootAbs}`);
}

/** Directory entries visited at a time (see `walk`). */
const VISIT_CHUNK = 128;

/**
 * Recursively lists the `.txt`, `.md` and `.jsonl` files under `root`
 * (extension case-insensitive), with size and mtime for change detection.
 *
 * - Paths are relative to `root`, with `/` separators on every OS.
 * - Names starting with `.` (files and directories: `.git`, `.DS_Store`,
 *   editor swap files) and other extensions are ignored without a report.
 * - Symbolic links to files inside the corpus folder are followed (the
 *   article id is the link's path). A link whose real path lies outside the
 *   folder (`passwd.txt -> /etc/passwd`) is skipped with a reason: nothing
 *   outside the corpus is ever read, listed or quoted. The reader checks
 *   again on the file it opens (a link swapped in after the scan).
 *   Symbolic links to directories are NOT followed: a link to an ancestor
 *   would make the scan loop forever, and detecting cycles reliably across
 *   bind mounts and network file systems is not worth it for a corpus
 *   folder. They are reported in `skipped` so the missing articles are not a
 *   mystery.
 * - An unreadable subdirectory, a broken link, a non-regular file (FIFO,
 *   socket) with a corpus extension, or a file that vanished during the scan
 *   becomes a skipped item; it never throws for those.
 *
 * @throws {CorpusRootError} if `root` is missing, not a directory or unreadable.
 */
export async function listCorpusFiles(root: string, options: ListCorpusFilesOptions = {}): Promise<CorpusListing> {
  const rootAbs = path.resolve(root);
  await assertCorpusRoot(rootAbs);
  let rootReal: string;
  try {
    rootReal = await resolveRoot(rootAbs);
  } catch (err) {
    throw new CorpusRootError(`cannot access corpus directory: ${rootAbs} (${describeFsError(err)})`, { cause: err });
  }

  const limit = createLimiter(positiveInt(options.statConcurrency, DEFAULT_STAT_CONCURRENCY));
  const files: CorpusFile[] = [];
  const skipped: SkippedItem[] = [];
  /** Sidecars seen (see sidecar.ts), by the path of their document. */
  const sidecars = new Map<string, Stats>();
  const ignored = new Map<string, number>();
  const ignore = (name: string): void => {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 ? name.slice(dot).toLowerCase() : '';
    ignored.set(ext, (ignored.get(ext) ?? 0) + 1);
  };

  const addFile = (rel: string, stats: Stats): void => {
    if (stats.isFile()) files.push({ file: rel, size: stats.size, mtimeMs: stats.mtimeMs });
    else skipped.push({ file: rel, reason: 'not a regular file' });
  };

  const visit = async (entry: Dirent, dirAbs: string, dirRel: string): Promise<void> => {
    const name = entry.name;
    if (name.startsWith('.')) return;
    const rel = dirRel === '' ? name : `${dirRel}/${name}`;
    const abs = path.join(dirAbs, name);
    const wanted = corpusExtension(name) !== undefined;

    if (entry.isDirectory()) return walk(abs, rel);

    const document = documentOfSidecar(name);
    if (document !== undefined && entry.isFile() && corpusFileKind(document) !== undefined && corpusFileKind(document) !== 'jsonl') {
      try {
        sidecars.set(dirRel === '' ? document : `${dirRel}/${document}`, await limit(() => stat(abs)));
      } catch {
        // Gone since readdir: the document is read without it.
      }
      return;
    }

    if (entry.isSymbolicLink()) {
      let target: Stats;
      try {
        target = await limit(() => stat(abs));
      } catch (err) {
        if (!wanted) return;
        const code = errorCode(err);
        const reason =
          code === 'ENOENT'
            ? 'broken symbolic link (its target does not exist)'
            : code === 'ELOOP'
              ? 'symbolic link loop'
              : `cannot follow symbolic link (${describeFsError(err)})`;
        skipped.push({ file: rel, reason });
        return;
      }
      if (target.isDirectory()) {
        skipped.push({ file: rel, reason: 'symbolic link to a directory (not followed, to avoid cycles)' });
        return;
      }
      if (!wanted) {
        if (target.isFile()) ignore(name);
        return;
      }
      let real: string;
      try {
        real = await limit(() => realpath(abs));
      } catch (err) {
        skipped.push({ file: rel, reason: `cannot follow symbolic link (${describeFsError(err)})` });
        return;
      }
      if (!isInside(rootReal, real)) {
        skipped.push({ file: rel, reason: OUTSIDE_REASON });
        return;
      }
      addFile(rel, target);
      return;
    }

    if (!wanted) {
      if (entry.isFile()) ignore(name);
      return;
    }
    if (!entry.isFile()) {
      skipped.push({ file: rel, reason: 'not a regular file' });
      return;
    }
    // readdir does not give sizes or mtimes, hence one stat per file.
    try {
      addFile(rel, await limit(() => stat(abs)));
    } catch (err) {
      skipped.push({ file: rel, reason: `cannot read file (${describeFsError(err)})` });
    }
  };

  const walk = async (dirAbs: string, dirRel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      // Only the fs call holds a limiter slot, never the recursion: a parent
      // holding a slot while waiting for its children could deadlock.
      entries = await limit(() => readdir(dirAbs, { withFileTypes: true }));
    } catch (err) {
      if (dirRel === '') {
        throw new CorpusRootError(`cannot read corpus directory: ${dirAbs} (${describeFsError(err)})`, { cause: err });
      }
      skipped.push({ file: dirRel, reason: `cannot read directory (${describeFsError(err)})` });
      return;
    }
    // In chunks: starting a visit for each of thousands of entries at once queues so much work in one
    // turn of the event loop that it stalls the thread (100 ms and more for 1,000-file folders).
    for (let i = 0; i < entries.length; i += VISIT_CHUNK) {
      await Promise.all(entries.slice(i, i + VISIT_CHUNK).map((entry) => visit(entry, dirAbs, dirRel)));
    }
  };

  await walk(rootAbs, '');
  for (const file of files) {
    const sidecar = sidecars.get(file.file);
    if (sidecar === undefined) continue;
    // Folded into the document's signature, so that editing the sidecar alone is a change of the document.
    file.sidecar = true;
    file.size += sidecar.size;
    file.mtimeMs = Math.max(file.mtimeMs, sidecar.mtimeMs);
  }
  files.sort((a, b) => comparePaths(a.file, b.file));
  skipped.sort((a, b) => comparePaths(a.file, b.file));
  return { files, skipped, ignored: Object.fromEntries([...ignored].sort(([a], [b]) => comparePaths(a, b))) };
}

/**
 * Whether {@link listCorpusFiles} would list the corpus path `rel` if the
 * file exists, judged from the path alone and its folders: every name is
 * non-empty and does not start with `.`, the file has a corpus extension,
 * and every folder on the way is a real folder, not a symbolic link (the
 * listing does not follow those). For checking one article against the
 * corpus without listing the whole folder; whether the file itself is
 * inside the corpus is checked by the reader, on the file it opens.
 */
export async function isListablePath(root: string, rel: string): Promise<boolean> {
  const names = rel.split('/');
  if (names.some((n) => n === '' || n.startsWith('.')) || corpusExtension(names[names.length - 1]!) === undefined) return false;
  let dir = path.resolve(root);
  for (const name of names.slice(0, -1)) {
    dir = path.join(dir, name);
    try {
      const stats = await lstat(dir);
      if (!stats.isDirectory()) return false;
    } catch {
      return false;
    }
  }
  return true;
}
