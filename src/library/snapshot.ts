/**
 * Index snapshots: a library saved to disk so that a restart answers in
 * seconds instead of re-indexing the corpus.
 *
 * The format is our own binary layout rather than MiniSearch's JSON
 * (`toJSON`/`loadJSON`): at a million sentences that JSON is ~200 MB, takes
 * ~11 s to write and ~9 s to load, blocking whichever thread does it (as
 * measured for this project: docs/scaling.md, "Measurements"). Here postings are delta-encoded varints
 * (a few bytes each), text is raw UTF-8 and typed arrays are copied as bytes;
 * loading decodes straight into MiniSearch's own structures.
 *
 * Layout: magic, format number, then length-prefixed sections (header JSON,
 * article records JSON, article bodies, typed arrays, vocabulary, postings),
 * then a SHA-256 of everything before it. A snapshot whose magic, format,
 * index version, options or checksum do not match is refused with a reason:
 * it is rebuilt, never trusted.
 *
 * Writing is cut into slices of a few milliseconds with a yield in between,
 * so a worker can save its index while it keeps answering; if the index
 * changes meanwhile, the write is abandoned (`isStale`) and the old snapshot
 * stays in place. The file is written under a temporary name and renamed, so
 * a crash never leaves a half-written snapshot behind.
 */
import { createHash } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { SkippedItem } from '../corpus/types.ts';
import { ByteReader, ByteWriter } from '../util/binary.ts';
import { Library, type LibraryOptions } from './library.ts';
import { SentenceIndex } from './sentenceIndex.ts';
import { ArticleStore, type StoredArticle } from './store.ts';

const MAGIC = Buffer.from('VRBTSNAP', 'latin1');
/** Version of the file layout. */
export const SNAPSHOT_FORMAT = 2;
/**
 * Version of what indexing produces (cleaning, splitting, analysis). Bump it
 * whenever a change would make an old snapshot's postings differ from a fresh
 * build: old snapshots are then rebuilt instead of trusted.
 */
export const INDEX_VERSION = 'verbatim-index-6';

/** What the snapshot knows of the corpus it was built from, to tell what changed since. */
export interface CorpusManifest {
  corpusDir: string;
  /** Every corpus file seen, with its signature, the articles it gave and what was skipped in it. */
  files: Array<{ file: string; size: number; mtimeMs: number; articles: string[]; skipped: SkippedItem[] }>;
  /** Items skipped while listing (unreadable folders, links). */
  listingSkipped: SkippedItem[];
  /** Files left alone for their type, by extension (see `CorpusListing.ignored`). */
  ignored?: Record<string, number>;
}

interface Header {
  format: number;
  indexVersion: string;
  optionsKey: string;
  createdAt: number;
  articles: number;
  sentences: number;
  manifest: CorpusManifest;
}

/** A snapshot that cannot be used; `message` says why. */
export class SnapshotError extends Error {}

/** A key of the library options that change what is indexed: a snapshot built with other options is not used. */
export function optionsKey(options: LibraryOptions): string {
  return JSON.stringify({
    clean: options.clean ?? {},
    bm25: options.bm25 ?? {},
    stopWords: options.stopWords ? [...options.stopWords].sort() : 'default',
    // A custom stemmer cannot be compared, so its snapshots never match anything.
    stem: options.stem ? `custom-${Math.random()}` : 'porter',
    baseForms: options.baseForms ? [...options.baseForms].sort() : 'default',
  });
}

/** Options of {@link writeSnapshot}. */
export interface WriteOptions {
  /** Longest stretch of work between two yields, in ms. Default 8. */
  sliceMs?: number;
  /** Polled between slices: true abandons the write (the index changed). */
  isStale?: () => boolean;
}

/** Writes a snapshot of `library`; resolves with its size, or `undefined` when abandoned as stale. */
export async function writeSnapshot(
  path: string,
  library: Library,
  manifest: CorpusManifest,
  options: WriteOptions = {},
): Promise<number | undefined> {
  const sliceMs = options.sliceMs ?? 8;
  const isStale = options.isStale ?? (() => false);
  const temporary = temporaryName(path);
  const file = await open(temporary, 'w');
  const hash = createHash('sha256');
  const w = new ByteWriter(1 << 20);
  let bytes = 0;
  let sliceStart = performance.now();
  /** Writes what has accumulated; between slices, yields and checks staleness. */
  const flush = async (force = false): Promise<boolean> => {
    if (w.length >= 1 << 20 || force) {
      const chunk = w.take();
      hash.update(chunk);
      bytes += chunk.length;
      await file.write(chunk);
    }
    if (performance.now() - sliceStart >= sliceMs) {
      await yieldToEventLoop();
      sliceStart = performance.now();
      if (isStale()) return false;
    }
    return true;
  };

  try {
    const store = library.store.exportState();
    const index = library.sentences.exportState({ words: false });
    const header: Header = {
      format: SNAPSHOT_FORMAT,
      indexVersion: INDEX_VERSION,
      optionsKey: optionsKey(library.settings),
      createdAt: Date.now(),
      articles: library.store.articleCount,
      sentences: library.store.sentenceCount,
      manifest,
    };
    w.bytes(MAGIC);
    w.uint(SNAPSHOT_FORMAT);
    w.string(JSON.stringify(header));
    // Articles: each record (JSON) and body, one by one so that no single step takes long.
    w.uint(store.articles.length);
    for (const a of store.articles) {
      w.string(a ? JSON.stringify({ ...a, body: undefined }) : '');
      if (a) w.bytes(a.body);
      if (!(await flush())) return abandon();
    }
    w.uint(store.nextSentence);
    w.uint(store.liveSentences);
    w.uint(store.liveParagraphs);
    for (const array of Object.values(store.arrays)) {
      w.bytes(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      if (!(await flush())) return abandon();
    }
    // Sentence index: counts, lengths, vocabulary.
    w.uint(index.documentCount);
    w.uint(index.nextId);
    w.float(index.averageLength);
    w.bytes(new Uint8Array(index.lengths.buffer, index.lengths.byteOffset, index.lengths.byteLength));
    w.uint(library.sentences.wordCount);
    for (const [word, term] of library.sentences.vocabulary()) {
      w.string(word);
      w.string(term === word ? '' : term); // a word that is its own term (numbers, names Porter leaves alone) is stored once
      if (!(await flush())) return abandon();
    }
    // Postings: term, count, then (id delta, frequency) pairs; postings of removed sentences are left out.
    for (const [term, postings] of library.sentences.termPostings()) {
      // Postings are in insertion order, which is id order (ids only grow); sorting is needed only if not.
      let live: Array<[number, number]> = [];
      let ordered = true;
      for (const [id, tf] of postings) {
        if (!library.store.isLive(id)) continue;
        if (live.length > 0 && id < live[live.length - 1]![0]) ordered = false;
        live.push([id, tf]);
      }
      if (live.length === 0) continue;
      if (!ordered) live = live.sort((a, b) => a[0] - b[0]);
      w.string(term);
      w.uint(live.length);
      let previous = 0;
      for (const [id, tf] of live) {
        w.uint(id - previous);
        w.uint(tf);
        previous = id;
      }
      if (!(await flush())) return abandon();
    }
    w.string(''); // end of postings (no term is empty)
    await flush(true);
    const digest = hash.digest();
    await file.write(digest);
    bytes += digest.length;
    await file.sync();
    await file.close();
    await rename(temporary, path);
    return bytes;
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw err;
  }

  async function abandon(): Promise<undefined> {
    await file.close();
    await rm(temporary, { force: true });
    return undefined;
  }
}

/** Where a snapshot is written before it is renamed into place: `<file>.tmp-<pid>-<ms>`. */
function temporaryName(file: string): string {
  return `${file}.tmp-${process.pid}-${Date.now()}`;
}

const TEMPORARY = /^index-[0-9a-f]+\.bin\.tmp-(\d+)-(\d+)$/;
/** A temporary file older than this is left over whatever its process (a write takes seconds). */
const STALE_TEMPORARY_MS = 10 * 60_000;

/**
 * Removes the temporary files that writes interrupted by a crash or a
 * kill -9 left in `dir`, so that repeated crashes do not fill the disk. A
 * temporary file is stale when the process that was writing it is gone, or
 * when it is older than any write takes; another live process's write in
 * progress (a shard sharing the folder) is left alone. Returns the names
 * removed.
 */
export async function removeStaleTemporaries(dir: string, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return []; // no folder yet: nothing left over
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    const startedAt = Number(m[2]);
    if (processIsAlive(pid) && now - startedAt < STALE_TEMPORARY_MS) continue;
    await rm(join(dir, name), { force: true }).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}

function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A library and its manifest, loaded from a snapshot. */
export interface LoadedSnapshot {
  library: Library;
  manifest: CorpusManifest;
  bytes: number;
}

/**
 * Loads a snapshot written with the same library options. Throws
 * {@link SnapshotError} saying why when the file is missing, corrupt,
 * truncated or made by another version or with other options.
 */
export async function readSnapshot(path: string, options: LibraryOptions = {}): Promise<LoadedSnapshot> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    throw new SnapshotError(
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no snapshot yet' : `cannot read it (${(err as Error).message})`,
    );
  }
  if (buf.length < 64) throw new SnapshotError('file too short');
  const body = buf.subarray(0, buf.length - 32);
  if (
    !createHash('sha256')
      .update(body)
      .digest()
      .equals(buf.subarray(buf.length - 32))
  )
    throw new SnapshotError('checksum mismatch (corrupt or truncated)');
  try {
    const r = new ByteReader(body);
    if (!Buffer.from(r.bytes()).equals(MAGIC)) throw new SnapshotError('not a Verbatim snapshot');
    const format = r.uint();
    if (format !== SNAPSHOT_FORMAT) throw new SnapshotError(`format ${format}, expected ${SNAPSHOT_FORMAT}`);
    const header = JSON.parse(r.string()) as Header;
    if (header.indexVersion !== INDEX_VERSION)
      throw new SnapshotError(`made by index version ${header.indexVersion}, this is ${INDEX_VERSION}`);
    if (header.optionsKey !== optionsKey(options)) throw new SnapshotError('made with other index options');

    const articleCount = r.uint();
    const articles: Array<StoredArticle | null> = [];
    for (let i = 0; i < articleCount; i++) {
      const record = r.string();
      // Bodies are copied out of the file buffer so that it can be freed.
      articles.push(record ? { ...(JSON.parse(record) as Omit<StoredArticle, 'body'>), body: Buffer.from(r.bytes()) } : null);
    }
    const nextSentence = r.uint();
    const liveSentences = r.uint();
    const liveParagraphs = r.uint();
    const bytesOf = <T>(make: (b: ArrayBuffer) => T): T => {
      const b = r.bytes();
      return make(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    };
    const arrays = {
      sentenceSlot: bytesOf((b) => new Int32Array(b)),
      sentenceStart: bytesOf((b) => new Uint32Array(b)),
      sentenceEnd: bytesOf((b) => new Uint32Array(b)),
      byteStart: bytesOf((b) => new Uint32Array(b)),
      byteEnd: bytesOf((b) => new Uint32Array(b)),
      paragraphStart: bytesOf((b) => new Int32Array(b)),
    };
    const store = ArticleStore.restore({ articles, nextSentence, liveSentences, liveParagraphs, arrays });

    const documentCount = r.uint();
    const nextId = r.uint();
    const averageLength = r.float();
    const lengths = bytesOf((b) => new Uint16Array(b));
    const wordCount = r.uint();
    const words: Array<[string, string]> = [];
    for (let i = 0; i < wordCount; i++) {
      const word = r.string();
      const term = r.string();
      words.push([word, term || word]);
    }
    const postings = function* (): Generator<[string, Map<number, number>]> {
      for (;;) {
        const term = r.string();
        if (!term) return;
        const count = r.uint();
        const map = new Map<number, number>();
        let id = 0;
        for (let i = 0; i < count; i++) {
          id += r.uint();
          map.set(id, r.uint());
        }
        yield [term, map];
      }
    };
    const live = function* (): Generator<number> {
      for (let id = 0; id < nextSentence; id++) if (store.isLive(id)) yield id;
    };
    const library = new Library(options, {
      store,
      sentences: (analyzer) =>
        SentenceIndex.restore({ documentCount, nextId, averageLength, lengths, words }, postings(), live(), {
          analyzer,
          bm25: options.bm25,
        }),
    });
    if (library.store.sentenceCount !== header.sentences) throw new SnapshotError('sentence count does not match its header');
    return { library, manifest: header.manifest, bytes: buf.length };
  } catch (err) {
    if (err instanceof SnapshotError) throw err;
    throw new SnapshotError(`unreadable (${(err as Error).message})`);
  }
}
