/**
 * The engine protocol: every operation of an index host, declared once.
 *
 * {@link HostApi} is the call table: operation name → arguments and result.
 * The index host implements it (`IndexHost implements HostApi`); the
 * in-process handle, the worker-thread client and the worker's dispatcher are
 * derived from it and from {@link HOST_OPERATIONS}, so adding an operation is
 * one entry here plus its implementation, and the compiler checks every side.
 * Arguments and results are structured-clone data (they cross a thread
 * boundary), apart from progress listeners, which {@link encodeArguments}
 * turns into markers and the receiving side back into functions. The same
 * table is what a remote engine over HTTP would carry (docs/scaling.md).
 */
import type { SkippedItem } from '../corpus/types.ts';
import type { ArticleRef } from '../library/store.ts';
import type { Answer, AnswerOptions } from '../search/answer.ts';
import type { ArticleView, Counts, DistinctiveWords, EngineStatus, MemoryUse, Progress, ReloadReport } from './types.ts';

/** Receives progress of a long operation. */
export type ProgressListener = (progress: Progress) => void;

/** Options of {@link HostApi.update}. */
export interface UpdateOptions {
  /** Changes up to this many bytes of files are applied in place; larger ones are left to a fresh host. */
  maxInPlaceBytes: number;
}

/** What {@link HostApi.update} did. */
export type UpdateResult =
  /** The corpus folder is as the index knows it. */
  | { kind: 'unchanged'; skipped: SkippedItem[]; ignored: Record<string, number> }
  /** The change was applied in place, in one step between two questions. */
  | { kind: 'applied'; report: ReloadReport }
  /**
   * The change is larger than `maxInPlaceBytes`: nothing was applied, and
   * this host keeps its snapshot saves held (it is about to be replaced)
   * until it is retired, or {@link HostApi.resumeSaves} if it stays.
   */
  | { kind: 'too-large'; bytes: number };

/** A host's state; the engine adds whether a reload is running. */
export type HostStatus = Omit<EngineStatus, 'reloading'>;

/** The index host's operations. */
export interface HostApi {
  ask(question: string, options?: AnswerOptions): Promise<Answer>;
  /** The article with this id, or `undefined`. */
  article(id: string): Promise<ArticleView | undefined>;
  /** The article with this short key (see `articleKey`), or `undefined`. */
  articleByKey(key: string): Promise<ArticleView | undefined>;
  /** Articles matching typed input, best first: by title, then by text. Empty input lists the first titles in order. */
  suggestArticles(input: string, limit: number): Promise<ArticleRef[]>;
  /** The article whose text has this fingerprint (`textFingerprint`), if any: a document already in the corpus. */
  findByText(fingerprint: string): Promise<ArticleRef | undefined>;
  /** The `limit` words of a text that say most about what it is about, by their rarity in the corpus (Find sources). */
  distinctiveWords(text: string, limit: number): DistinctiveWords;
  status(): HostStatus;
  /** Memory of the host's thread after a full garbage collection (slow: for reports). */
  memory(): MemoryUse;
  counts(): Counts;
  /** Every article id with its content hash, to report what a swap changed (once the snapshot check is over). */
  hashes(): Promise<Array<[string, string]>>;
  /**
   * Brings the index up to date with the corpus folder in one call: compares
   * the folder with the manifest, and applies a change of up to
   * `maxInPlaceBytes` in place. Snapshot saves are held while it runs.
   */
  update(options: UpdateOptions, onProgress?: ProgressListener): Promise<UpdateResult>;
  /** Lets snapshot saves resume after an update that returned `too-large`, when this host stays in service. */
  resumeSaves(): void;
  /** Resolves once the snapshot of the index in use is on disk (or saving is off or not needed). */
  flushSnapshot(): Promise<void>;
}

/** Names of the operations. */
export type HostOperation = keyof HostApi;

/**
 * Every operation, with whether the engine offers it to its users as it is
 * (`query`) or uses it itself (`control`). A `satisfies` check: an operation
 * added to {@link HostApi} and not listed here fails to compile.
 */
export const HOST_OPERATIONS = {
  ask: 'query',
  article: 'query',
  articleByKey: 'query',
  suggestArticles: 'query',
  findByText: 'query',
  distinctiveWords: 'query',
  memory: 'query',
  status: 'control',
  counts: 'control',
  hashes: 'control',
  update: 'control',
  resumeSaves: 'control',
  flushSnapshot: 'control',
} as const satisfies Record<HostOperation, 'query' | 'control'>;

/** The operations the engine forwards to its users unchanged. */
export type QueryOperation = { [K in HostOperation]: (typeof HOST_OPERATIONS)[K] extends 'query' ? K : never }[HostOperation];

/** An API whose every call is asynchronous: how a host looks from another thread (or process). */
export type Remote<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never };

/** A host as the engine holds it: the protocol, asynchronously, plus retirement. */
export type HostHandle = Remote<HostApi> & {
  /** Stops the host once the calls it has are answered. */
  retire(): Promise<void>;
};

/** Stands in for a progress listener in a call's arguments on the way to another thread. */
export interface ProgressMarker {
  readonly progressListener: true;
}

function isProgressMarker(value: unknown): value is ProgressMarker {
  return typeof value === 'object' && value !== null && (value as Partial<ProgressMarker>).progressListener === true;
}

/** A call's arguments ready to be posted: functions (progress listeners) replaced by markers. */
export function encodeArguments(args: readonly unknown[]): { args: unknown[]; listener?: ProgressListener } {
  let listener: ProgressListener | undefined;
  const encoded = args.map((a) => {
    if (typeof a !== 'function') return a;
    listener = a as ProgressListener;
    return { progressListener: true } satisfies ProgressMarker;
  });
  return { args: encoded, ...(listener && { listener }) };
}

/** The receiving side of {@link encodeArguments}: markers become `listener`. */
export function decodeArguments(args: readonly unknown[], listener: ProgressListener): unknown[] {
  return args.map((a) => (isProgressMarker(a) ? listener : a));
}

/**
 * Calls operation `op` of `host` with `args` as they came over a thread
 * boundary. The one place where a name and arguments from outside become a
 * typed call.
 */
export function dispatch(host: HostApi, op: string, args: unknown[]): unknown {
  if (!Object.hasOwn(HOST_OPERATIONS, op)) throw new Error(`unknown host operation "${op}"`);
  const method = Reflect.get(host, op) as (this: HostApi, ...a: unknown[]) => unknown;
  return Reflect.apply(method, host, args);
}

/** A handle on a host in this thread: every operation, made asynchronous. */
export function localHandle(host: HostApi): HostHandle {
  const handle: Record<string, unknown> = { retire: async () => undefined };
  for (const op of Object.keys(HOST_OPERATIONS)) handle[op] = async (...args: unknown[]) => dispatch(host, op, args);
  return handle as HostHandle;
}
