/**
 * Checking a snapshot against the corpus.
 *
 * A snapshot is a cache, not a source: anyone who can write to the snapshot
 * folder could otherwise make the bot quote text of their own (a body
 * changed and the file's checksum recomputed loads fine). So a library
 * loaded from a snapshot is checked against EVERY corpus file, not only
 * those whose size or modification time changed, and an article of the
 * snapshot is kept only when the text it would quote is the text the file
 * gives now: its stored body, metadata and id must be those the loader
 * reads from the file today (and its content hash theirs), and its title must be one the
 * cleaning stage could have derived (the explicit title, the id, or words of
 * its own text). Anything else is re-indexed from the file.
 *
 * The full check reads and derives every file, which at a million sentences
 * takes longer than loading the snapshot. {@link SnapshotCheck} runs it in
 * slices while the host already answers; until it is done, everything the
 * host shows is verified first, article by article ({@link SnapshotCheck.verify}):
 * the article's own file is read again (for a JSONL article, only its own
 * line) and derived by the same loader. The article store's restore refuses
 * a snapshot whose sentences do not each belong to the article they point to
 * (`ArticleStore.checkState`), so the text of a quote, its context and its
 * citation all come from the one article that is verified.
 *
 * What this does not cover, and why it is acceptable, is in the README
 * ("Trust"): a writer of the snapshot folder can still change rankings or
 * where sentences are cut within a verified text, but not what text exists.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { isListablePath, readCorpusArticle, readCorpusFile } from '../corpus/index.ts';
import type { ArticleMeta, JsonlLineIndexes, LoadedArticle } from '../corpus/index.ts';
import { resolveRoot } from '../corpus/confine.ts';
import { mapLimit } from '../corpus/limit.ts';
import type { Library } from '../library/library.ts';
import type { StoredArticle } from '../library/store.ts';
import { applyChanges, type AppliedChange, type ChangePlan, type CorpusManifestState, type ReadFile } from './corpusSync.ts';

/** The ellipsis a derived title ends with when the first sentence was cut. */
const CUT = '…';

/**
 * Whether an article from a snapshot still holds exactly what its loader
 * gives now (`loaded`, just read from the corpus file): the same id, body,
 * metadata and page starts (everything the content hash covers), the same
 * hash, and a title that is the explicit one, its id, or text of its own
 * body. The fields are compared directly rather than hashed again: the
 * loader has hashed the file's article already, and comparing is both
 * cheaper and exact.
 */
export function storedArticleIsIntact(library: Library, article: StoredArticle, loaded: LoadedArticle): boolean {
  if (
    article.hash !== loaded.hash ||
    article.id !== loaded.id ||
    !sameMeta(article.meta, loaded.meta) ||
    !samePages(article.pages, loaded.pages)
  )
    return false;
  const text = library.store.articleText(article);
  if (text !== loaded.text) return false;
  const title = article.title;
  if (title === article.meta.title?.trim() || title === article.id || title === 'Untitled') return true;
  // A derived title is a line or first sentence of the text, its white space collapsed.
  const derived = title.endsWith(CUT) ? title.slice(0, -CUT.length) : title;
  return derived.length > 0 && (text.includes(derived) || text.replace(/\s+/g, ' ').includes(derived));
}

/** Whether two articles' metadata are the same (a snapshot's may be anything JSON can hold). */
function sameMeta(held: ArticleMeta, loaded: ArticleMeta): boolean {
  if (typeof held !== 'object' || held === null) return false;
  if (held.title !== loaded.title || held.url !== loaded.url || held.date !== loaded.date || held.source !== loaded.source) return false;
  const extra: unknown = held.extra;
  if (typeof extra !== 'object' || extra === null) return false;
  const keys = Object.keys(loaded.extra);
  if (Object.keys(extra).length !== keys.length) return false;
  return keys.every((k) => Object.hasOwn(extra, k) && (extra as Record<string, unknown>)[k] === loaded.extra[k]);
}

/** Whether two page-start lists are the same (both absent, or equal). */
function samePages(held: readonly number[] | undefined, loaded: readonly number[] | undefined): boolean {
  if (held === undefined || loaded === undefined) return held === loaded;
  return Array.isArray(held) && held.length === loaded.length && held.every((p, i) => p === loaded[i]);
}

/** Options of {@link SnapshotCheck}. */
export interface SnapshotCheckOptions {
  corpusDir: string;
  library: Library;
  manifest: CorpusManifestState;
  /** Called after the check changed the library (an article re-indexed on demand, or the final step). */
  onChange: () => void;
  /** Awaited between two slices of the full check (default: one turn of the event loop, so that calls waiting are answered). */
  pace?: () => Promise<void>;
}

/** Longest stretch of checking between two slices, in ms. */
const SLICE_MS = 10;
/** Files read at a time by the full check. */
const FILES_AT_ONCE = 16;

/** The outcome of a full check: what it changed, and how many held articles no file gives at all. */
export type CheckResult = AppliedChange & { orphans: number };

/**
 * The check of a library loaded from a snapshot: the full check of every
 * file, started at once and run in slices, and the check of one article on
 * demand while the full one runs.
 */
export class SnapshotCheck {
  /** Articles shown to be what their file gives today (by the full check or on demand). */
  private readonly verified = new WeakSet<StoredArticle>();
  /** Articles the full check matched against the very read it applies: the only ones its final step keeps as they are. */
  private readonly confirmed = new WeakSet<StoredArticle>();
  private readonly inFlight = new Map<StoredArticle, Promise<boolean>>();
  private readonly lineIndexes: JsonlLineIndexes = new Map();
  private finished = false;
  /** Settles when the full check is over: the library then holds only what the corpus gives. */
  readonly done: Promise<CheckResult>;

  constructor(private readonly options: SnapshotCheckOptions) {
    this.done = this.run();
  }

  /** Whether the full check is over (everything held is then what the corpus gives). */
  get isDone(): boolean {
    return this.finished;
  }

  /** Whether an article may be shown as it is. */
  isVerified(article: StoredArticle): boolean {
    return this.finished || this.verified.has(article);
  }

  /**
   * Checks one held article against its file now (for a JSONL article, only
   * its own line). Resolves true when it is intact; false when it was not
   * (it is then re-indexed from its file, or removed when the file gives no
   * such article) or is no longer the article held under its id: either way
   * the caller computes its result again.
   */
  verify(article: StoredArticle): Promise<boolean> {
    if (this.isVerified(article)) return Promise.resolve(true);
    if (this.options.library.store.get(article.id) !== article) return Promise.resolve(false);
    let pending = this.inFlight.get(article);
    if (!pending) {
      pending = this.verifyNow(article).finally(() => this.inFlight.delete(article));
      this.inFlight.set(article, pending);
    }
    return pending;
  }

  private async verifyNow(held: StoredArticle): Promise<boolean> {
    const { corpusDir, library } = this.options;
    // The article's file and line come from the snapshot: only a path the listing would give is read.
    const derived = (await isListablePath(corpusDir, held.file))
      ? await readCorpusArticle(corpusDir, held.file, held.line, { lineIndexes: this.lineIndexes })
      : undefined;
    if (this.isVerified(held)) return true;
    if (library.store.get(held.id) !== held) return false; // replaced while the file was read
    const same = derived !== undefined && derived.id === held.id && derived.line === held.line;
    if (same && storedArticleIsIntact(library, held, derived)) {
      this.verified.add(held);
      return true;
    }
    // Re-indexed from what the file gives now, as the full check will (which checks it again); the index
    // restored from the snapshot is materialized first, in slices (see Library.materialize).
    await library.materialize();
    if (this.isVerified(held)) return true;
    if (library.store.get(held.id) !== held) return false;
    library.remove(held.id);
    if (same) this.verified.add(library.add(derived));
    this.options.onChange();
    return false;
  }

  /** The full check: every file read and derived, in slices; then one synchronous step that applies what differs. */
  private async run(): Promise<CheckResult> {
    const { corpusDir, library, manifest } = this.options;
    const pace = this.options.pace ?? (() => yieldToEventLoop());
    try {
      const plan = await manifest.plan({ everyFile: true });
      // Files whose size or time changed since the snapshot first: the likeliest to differ. The manifest only orders the work.
      const changed = plan.read.filter((f) => {
        const known = manifest.files.get(f.file);
        return !known || known.size !== f.size || known.mtimeMs !== f.mtimeMs;
      });
      const unchanged = plan.read.filter((f) => !changed.includes(f));
      const order = changed.length === 0 ? plan.read : [...changed, ...unchanged];
      const rootReal = await resolveRoot(corpusDir).catch(() => undefined);
      const read = new Map<string, ReadFile>();
      let sliceStart = performance.now();
      const breathe = async () => {
        if (performance.now() - sliceStart < SLICE_MS) return;
        await pace();
        sliceStart = performance.now();
      };
      for (let i = 0; i < order.length; i += FILES_AT_ONCE) {
        const batch = await mapLimit(order.slice(i, i + FILES_AT_ONCE), FILES_AT_ONCE, async (file) => ({
          file,
          ...(await readCorpusFile(corpusDir, file, { rootReal })),
        }));
        for (const r of batch) {
          read.set(r.file.file, r);
          for (const a of r.articles) {
            this.confirm(a);
            await breathe();
          }
        }
        await breathe();
      }
      await pace();
      // A change needs the index restored from the snapshot materialized: in slices now, not at once in the step below.
      if (this.wouldChange(plan, read)) await library.materialize();
      // One step: what no read confirmed goes (tampered, changed, or given by no file); then the change applies as a reload's does.
      let orphans = 0;
      const previous = new Set([...manifest.files.values()].flatMap((e) => e.articles));
      for (const a of [...library.store.all()]) {
        if (this.confirmed.has(a)) continue;
        library.remove(a.id);
        if (!previous.has(a.id)) orphans++;
      }
      const change = applyChanges(
        library,
        manifest,
        plan,
        plan.read.map((f) => read.get(f.file)!),
      );
      this.finished = true;
      if (change.added.length + change.changed.length + change.removed.length + orphans > 0) this.options.onChange();
      return { ...change, orphans };
    } finally {
      this.lineIndexes.clear();
    }
  }

  /** Whether the final step of the check may change the library (no false "no": a "yes" only costs a wait). */
  private wouldChange(plan: ChangePlan, read: ReadonlyMap<string, ReadFile>): boolean {
    const { store } = this.options.library;
    if (plan.removed.length > 0) return true;
    for (const a of store.all()) if (!this.confirmed.has(a)) return true;
    for (const r of read.values()) for (const a of r.articles) if (store.get(a.id)?.hash !== a.hash) return true;
    return false;
  }

  /** Marks the held article with `a`'s id as confirmed when it is exactly what `a`'s file gives now. */
  private confirm(a: LoadedArticle): void {
    const { library } = this.options;
    const held = library.store.get(a.id);
    if (!held || held.file !== a.file || held.line !== a.line) return;
    if (!this.verified.has(held) && !storedArticleIsIntact(library, held, a)) return;
    if (this.verified.has(held) && held.hash !== a.hash) return; // verified on demand, but the file has changed since
    this.verified.add(held);
    this.confirmed.add(held);
  }
}
