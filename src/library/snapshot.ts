/**
 * Index snapshots: a library saved to disk so that a restart answers in
 * seconds instead of re-indexing the corpus.
 *
 * The format is our own binary layout rather than MiniSearch's JSON
 * (`toJSON`/`loadJSON`): at a million sentences that JSON is ~200 MB, takes
 * ~11 s to write and ~9 s to load, blocking whichever thread does it (as
 * measured for this project: docs/scaling.md, "Measurements"). Here postings are delta-encoded varints
 * (a few bytes each), text is raw UTF-8, typed arrays are copied as bytes and
 * lists of strings are one UTF-8 run each. Loading keeps the postings
 * encoded (encodedPostings.ts): a restart answers once the articles and the
 * vocabulary are read, and MiniSearch's own structures are filled afterwards,
 * in the background (`Library.materialize`).
 *
 * Layout: magic, format number, then length-prefixed sections (header JSON,
 * article records JSON, article bodies, typed arrays, vocabulary, sentence
 * postings, title documents, title postings), then a SHA-256 of everything
 * before it. A snapshot whose magic, format,
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
import { EncodedPostings, PostingsWriter } from './encodedPostings.ts';
import { Library, type LibraryOptions } from './library.ts';
import { SentenceIndex } from './sentenceIndex.ts';
import { ArticleStore, type StoredArticle } from './store.ts';
import { TitleIndex, type TitleIndexState } from './titleIndex.ts';
import { Vocabulary } from './vocabulary.ts';

const MAGIC = Buffer.from('VRBTSNAP', 'latin1');
/** Version of the file layout. */
export const SNAPSHOT_FORMAT = 3;
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

/**
 * Reads a title index's documents (see {@link writeSnapshot}), each naming
 * its article by slot; throws unless every article of `store` has exactly
 * one title document and every title document a distinct short id.
 */
function readTitleState(r: ByteReader, store: ArticleStore): TitleIndexState {
  const nextId = r.uint();
  const fieldCount = r.uint();
  const averages = Array.from({ length: fieldCount }, () => r.float());
  const copy = <T>(make: (b: ArrayBuffer) => T): T => make(new Uint8Array(r.bytes()).buffer);
  const shortIds = copy((b) => new Uint32Array(b));
  const slots = copy((b) => new Int32Array(b));
  const lengths = copy((b) => new Uint32Array(b));
  const count = shortIds.length;
  if (slots.length !== count || lengths.length !== count * fieldCount || count !== store.articleCount)
    throw new SnapshotError('title documents do not match the articles');
  const documents: TitleIndexState['documents'] = [];
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const article = store.atSlot(slots[i]!);
    const shortId = shortIds[i]!;
    if (!article || seen.has(slots[i]!) || shortId >= nextId || (i > 0 && shortId <= shortIds[i - 1]!))
      throw new SnapshotError('title documents do not match the articles');
    seen.add(slots[i]!);
    const own = Array.from(lengths.subarray(i * fieldCount, (i + 1) * fieldCount), (n) => (n === 0 ? undefined : n - 1));
    documents.push([shortId, article.id, own]);
  }
  return { documents, nextId, averages };
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
    // What a snapshot restored and the index has not materialized yet is written from MiniSearch's structures.
    await library.materialize(sliceMs);
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
    // Sentence index: counts, lengths, vocabulary (in chunks of string lists), postings.
    w.uint(index.documentCount);
    w.uint(index.nextId);
    w.float(index.averageLength);
    w.bytes(new Uint8Array(index.lengths.buffer, index.lengths.byteOffset, index.lengths.byteLength));
    let words: string[] = [];
    let terms: string[] = [];
    const wordChunk = () => {
      w.stringList(words);
      w.stringList(terms);
      words = [];
      terms = [];
    };
    for (const [word, term] of library.sentences.vocabulary()) {
      words.push(word);
      terms.push(term === word ? '' : term); // a word that is its own term (numbers, names Porter leaves alone) is stored once
      if (words.length >= 4096) {
        wordChunk();
        if (!(await flush())) return abandon();
      }
    }
    if (words.length > 0) wordChunk();
    wordChunk(); // an empty chunk ends the list
    // Postings of removed sentences are left out.
    const sentencePostings = new PostingsWriter(w);
    for (const [term, fields] of library.sentences.livePostings()) {
      sentencePostings.add(term, fields);
      if (!(await flush())) return abandon();
    }
    sentencePostings.end();
    // Title index: its documents (by article slot), then its postings.
    const titles = library.titles.exportState();
    const fieldCount = titles.averages.length;
    const titleLengths = new Uint32Array(titles.documents.length * fieldCount);
    const slots = new Int32Array(titles.documents.length);
    titles.documents.forEach(([, id, lengths], i) => {
      slots[i] = library.store.get(id)!.slot;
      for (let f = 0; f < fieldCount; f++) titleLengths[i * fieldCount + f] = lengths[f] === undefined ? 0 : lengths[f]! + 1;
    });
    w.uint(titles.nextId);
    w.uint(fieldCount);
    for (const average of titles.averages) w.float(average);
    w.bytes(new Uint8Array(Uint32Array.from(titles.documents, (d) => d[0]).buffer));
    w.bytes(new Uint8Array(slots.buffer));
    w.bytes(new Uint8Array(titleLengths.buffer));
    if (!(await flush())) return abandon();
    const titlePostings = new PostingsWriter(w);
    for (const [term, fields] of library.titles.livePostings()) {
      titlePostings.add(term, fields);
      if (!(await flush())) return abandon();
    }
    titlePostings.end();
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
 * truncated or made by another version or with other options. `readAhead`,
 * when given, is the file's bytes read already (or the error of reading it).
 */
export async function readSnapshot(path: string, options: LibraryOptions = {}, readAhead?: Promise<Buffer>): Promise<LoadedSnapshot> {
  let buf: Buffer;
  try {
    buf = await (readAhead ?? readFile(path));
  } catch (err) {
    throw new SnapshotError(
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no snapshot yet' : `cannot read it (${(err as Error).message})`,
    );
  }
  if (buf.length < 64) throw new SnapshotError('file too short');
  const body = buf.subarray(0, buf.length - 32);
  // SHA-256 runs at ~1.5 GB/s here (0.15 s at a million sentences); WebCrypto's digest, off this thread, spends
  // longer than that copying its input first.
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
      // Bodies are views of the file's buffer, copied out later in the background (ArticleStore.detachBodiesUntil).
      const view = record ? r.bytes() : undefined;
      articles.push(
        view
          ? { ...(JSON.parse(record) as Omit<StoredArticle, 'body'>), body: Buffer.from(view.buffer, view.byteOffset, view.byteLength) }
          : null,
      );
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
    const store = ArticleStore.restore({ articles, nextSentence, liveSentences, liveParagraphs, arrays }, { borrowed: buf.buffer });

    const documentCount = r.uint();
    const nextId = r.uint();
    const averageLength = r.float();
    const lengths = bytesOf((b) => new Uint16Array(b));
    const words: string[] = [];
    const terms: string[] = [];
    for (;;) {
      const chunk = r.stringList();
      const chunkTerms = r.stringList();
      if (chunk.length === 0) break;
      if (chunkTerms.length !== chunk.length) throw new SnapshotError('vocabulary lists differ in length');
      for (let i = 0; i < chunk.length; i++) {
        words.push(chunk[i]!);
        terms.push(chunkTerms[i] || chunk[i]!);
      }
    }
    const vocabulary = Vocabulary.restore(words, terms);
    const sentencePostings = EncodedPostings.read(r);
    const titles = readTitleState(r, store);
    const titlePostings = EncodedPostings.read(r);
    if (!r.done) throw new SnapshotError('bytes after the end');
    // Registered with MiniSearch only when the rest is materialized; listed now, as the store may have changed by then.
    const live = new Uint32Array(liveSentences);
    let liveCount = 0;
    for (let id = 0; id < nextSentence && liveCount < live.length; id++) if (store.isLive(id)) live[liveCount++] = id;
    const library = new Library(options, {
      store,
      sentences: (analyzer) =>
        SentenceIndex.restore({ documentCount, nextId, averageLength, lengths }, sentencePostings, vocabulary, live, {
          analyzer,
          bm25: options.bm25,
        }),
      titles: (analyzer) => TitleIndex.restore(analyzer, titles, titlePostings),
    });
    if (library.store.sentenceCount !== header.sentences) throw new SnapshotError('sentence count does not match its header');
    return { library, manifest: header.manifest, bytes: buf.length };
  } catch (err) {
    if (err instanceof SnapshotError) throw err;
    throw new SnapshotError(`unreadable (${(err as Error).message})`);
  }
}
