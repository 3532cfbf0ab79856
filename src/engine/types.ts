/**
 * The answer engine's interface: what the CLI, the local console and the
 * Discord bot ask of it. It knows nothing of Discord. Every method is async so
 * that an engine may live in another thread (see `workerEngine.ts`) without
 * its users noticing.
 */
import type { SkippedItem } from '../corpus/types.ts';
import type { ArticleRef } from '../library/store.ts';
import type { Block } from '../text/clean.ts';
import type { HostApi, QueryOperation, Remote } from './protocol.ts';

/** Sizes of what is loaded. */
export interface Counts {
  articles: number;
  sentences: number;
}

/** What a load or reload did. */
export interface ReloadReport {
  /** False when the reload failed; the previous index is then still in use. */
  ok: boolean;
  /** Why the reload failed. */
  error?: string;
  before: Counts;
  after: Counts;
  /** Article ids added, changed and removed compared with the previous index. */
  added: string[];
  changed: string[];
  removed: string[];
  /** Files and JSONL lines that could not be loaded, with reasons. */
  skipped: SkippedItem[];
  /** Files left alone for their type, counted by extension (`{".docx": 3}`). */
  ignored?: Record<string, number>;
  tookMs: number;
  /** How the index was obtained: built from text, updated in place (only what changed), or loaded from a snapshot. */
  mode?: 'built' | 'incremental' | 'snapshot';
  /** Anything worth knowing about how it went (e.g. why a snapshot was not used). */
  note?: string;
  /** With several shards: how the reload went in each shard (this one included), by shard id. */
  shards?: ShardReloadResult[];
}

/** One shard's part of a reload that fanned out to every shard. */
export interface ShardReloadResult {
  shard: number;
  ok: boolean;
  /** Why it failed (the shard then keeps its previous index), or why it could not be asked. */
  error?: string;
  tookMs: number;
  after?: Counts;
}

/** Memory of the thread that holds the index, in bytes (`process.memoryUsage()` there). */
export interface MemoryUse {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** The engine's state. */
export interface EngineStatus extends Counts {
  corpusDir: string;
  /** Distinct index terms and vocabulary words. */
  terms: number;
  words: number;
  /** Items skipped by the last successful load. */
  skipped: SkippedItem[];
  /** Files left alone for their type, by extension, as the last listing found them. */
  ignored: Record<string, number>;
  /** When the index in use was built or loaded (ms since epoch). */
  loadedAt: number;
  /** Increases by one with every swap of the index in use. */
  generation: number;
  /** True while a reload is running. */
  reloading: boolean;
  /**
   * Set while the snapshot the index was loaded from is still being checked
   * against the corpus files in the background (answers are then checked
   * article by article; `skipped` and `ignored` are empty until it is over).
   */
  snapshotCheck?: 'running';
  /** Memory of the thread holding the index. */
  memory?: MemoryUse;
  /** The snapshot on disk, when there is one. */
  snapshot?: { path: string; bytes: number };
  /** Why the last snapshot could not be written, and where it was to go. */
  snapshotError?: { path: string; error: string };
}

/** An article as `/source` shows it. */
export interface ArticleView {
  article: ArticleRef & { file: string; line?: number };
  /** The article text; block and sentence offsets point into it. */
  text: string;
  /** Every non-empty line, classified (title, body, heading, caption, boilerplate). */
  blocks: Block[];
  /** The quotable sentences, in order. */
  sentences: Array<{ start: number; end: number }>;
}

/** What `distinctiveWords` found. */
export interface DistinctiveWords {
  /** The chosen words, normalized, in the order they first occur in the text. */
  words: string[];
  /** Distinct content words (not stop words) in the text read. */
  total: number;
}

/** Progress of a long load, for terminals and Discord status edits. */
export interface Progress {
  phase: 'scanning' | 'reading' | 'indexing' | 'snapshot';
  done: number;
  total: number;
}

/**
 * The engine: the host's query operations (see `protocol.ts`), made
 * asynchronous so the index may live in another thread, plus reloads and
 * status.
 */
export interface AnswerEngine extends Remote<Pick<HostApi, QueryOperation>> {
  /**
   * Re-reads the corpus and swaps the new index in atomically. Calls made
   * while a reload runs share it; questions keep being answered from the old
   * index until the swap. A failed reload keeps the old index.
   */
  reload(onProgress?: (p: Progress) => void): Promise<ReloadReport>;
  status(): Promise<EngineStatus>;
  close(): Promise<void>;
}
