/**
 * The index host: one library, the manifest of the corpus files it came
 * from, and everything done to it — opening (from a snapshot when one is
 * valid, else from the text), answering, incremental reloads and saving
 * snapshots. It runs wherever the index lives: in the calling thread for the
 * CLI (`LocalEngine`) or in a worker thread for the bot (`WorkerEngine`).
 *
 * A reload compares the corpus folder with the manifest (size and
 * modification time of every file), reads only the files that changed, and
 * within them re-indexes only the articles whose content hash changed. The
 * change is applied in one synchronous step, so a question is always answered
 * from the index entirely before or entirely after it.
 */
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { listCorpusFiles, loadCorpus, readCorpusFile } from '../corpus/index.ts';
import type { CorpusFile, LoadedArticle, SkippedItem } from '../corpus/types.ts';
import { mapLimit } from '../corpus/limit.ts';
import { buildLibrary } from '../library/build.ts';
import { buildInParallel, canBuildInParallel } from '../library/parallelBuild.ts';
import type { Library, LibraryOptions } from '../library/library.ts';
import { readSnapshot, SnapshotError, writeSnapshot, type CorpusManifest } from '../library/snapshot.ts';
import { ArticleStore, type ArticleRef, type StoredArticle } from '../library/store.ts';
import { answerQuestion, type Answer, type AnswerOptions } from '../search/answer.ts';
import { parseQuestion } from '../search/question.ts';
import { SentenceRanker } from '../search/rank.ts';
import { cleanArticle } from '../text/clean.ts';
import { measureMemory } from '../util/memory.ts';
import type { ArticleView, Counts, EngineStatus, MemoryUse, Progress, ReloadReport } from './types.ts';

/** Options of {@link IndexHost.open}. */
export interface HostOptions {
  corpusDir: string;
  /** Folder for the snapshot; without it, none is read or written. */
  snapshotDir?: string;
  /** Write a snapshot after a build or a change. Default true when `snapshotDir` is set. */
  saveSnapshots?: boolean;
  library?: LibraryOptions;
  /** Defaults for every question. */
  answer?: AnswerOptions;
}

/** What a reload would do, worked out before doing it. */
export interface ReloadPlan {
  /** Files to read: new or changed since the index was built. */
  read: CorpusFile[];
  /** Files gone since. */
  removed: string[];
  /** The full listing, to become the new manifest. */
  files: CorpusFile[];
  listingSkipped: SkippedItem[];
  /** Bytes of the files to read: how big the change is. */
  bytes: number;
}

/** Quiet time before a snapshot is saved, in ms. */
const SAVE_DELAY_MS = 2000;

/** One file's entry in the manifest. */
interface FileEntry {
  size: number;
  mtimeMs: number;
  articles: string[];
  skipped: SkippedItem[];
}

/** The snapshot file of a corpus: one per corpus folder, so several corpora can share a snapshot folder. */
export function snapshotPath(snapshotDir: string, corpusDir: string): string {
  const digest = createHash('sha1').update(path.resolve(corpusDir)).digest('hex').slice(0, 12);
  return path.join(snapshotDir, `index-${digest}.bin`);
}

export class IndexHost {
  private library: Library;
  private ranker: SentenceRanker;
  private files: Map<string, FileEntry>;
  private listingSkipped: SkippedItem[];
  private loadedAt = Date.now();
  /** Increases with every change of the library; a snapshot write started at another generation is stale. */
  private generation = 1;
  private saving: Promise<void> | undefined;
  private savedGeneration = 0;
  private snapshotBytes: number | undefined;
  /** Ends the quiet spell before a scheduled save. */
  private wakeSave: (() => void) | undefined;
  /** Set when a reload starts: the save in progress is abandoned, and none starts until the plan is made. */
  private abandonSave = false;
  private holdSaves = false;

  private constructor(
    readonly options: HostOptions,
    library: Library,
    manifest: CorpusManifest,
  ) {
    this.library = library;
    this.ranker = new SentenceRanker(library);
    this.files = new Map(
      manifest.files.map((f) => [f.file, { size: f.size, mtimeMs: f.mtimeMs, articles: f.articles, skipped: f.skipped }]),
    );
    this.listingSkipped = manifest.listingSkipped;
  }

  /**
   * Opens the corpus: from the snapshot when it is valid (then re-reading only
   * the files changed since it was written), else by reading and indexing
   * every file. Throws only when the corpus folder itself is missing.
   */
  static async open(options: HostOptions, onProgress?: (p: Progress) => void): Promise<{ host: IndexHost; report: ReloadReport }> {
    const started = performance.now();
    const corpusDir = path.resolve(options.corpusDir);
    const opts = { ...options, corpusDir };
    const empty: Counts = { articles: 0, sentences: 0 };
    let snapshotNote: string | undefined;

    if (opts.snapshotDir) {
      onProgress?.({ phase: 'snapshot', done: 0, total: 1 });
      try {
        const loaded = await readSnapshot(snapshotPath(opts.snapshotDir, corpusDir), opts.library);
        if (loaded.manifest.corpusDir !== corpusDir) throw new SnapshotError('made for another corpus folder');
        const host = new IndexHost(opts, loaded.library, loaded.manifest);
        host.snapshotBytes = loaded.bytes;
        host.savedGeneration = host.generation;
        onProgress?.({ phase: 'snapshot', done: 1, total: 1 });
        // Files changed since the snapshot are re-read, like a reload.
        const plan = await host.planReload();
        const update = plan.read.length || plan.removed.length ? await host.applyReload(plan) : undefined;
        const report: ReloadReport = {
          ok: true,
          before: empty,
          after: host.counts(),
          added: [...host.library.store.all()].map((a) => a.id),
          changed: [],
          removed: [],
          skipped: host.skipped(),
          tookMs: performance.now() - started,
          mode: 'snapshot',
          ...(update && {
            note: `${update.added.length + update.changed.length + update.removed.length} articles changed since the snapshot`,
          }),
        };
        if (update) host.scheduleSave();
        return { host, report };
      } catch (err) {
        if (!(err instanceof SnapshotError)) throw err;
        snapshotNote = `snapshot not used: ${err.message}`;
      }
    }

    const { library, manifest } = await buildFromText(corpusDir, opts.library ?? {}, onProgress);
    const host = new IndexHost(opts, library, manifest);
    host.scheduleSave();
    return {
      host,
      report: {
        ok: true,
        before: empty,
        after: host.counts(),
        added: [...library.store.all()].map((a) => a.id),
        changed: [],
        removed: [],
        skipped: host.skipped(),
        tookMs: performance.now() - started,
        mode: 'built',
        ...(snapshotNote && { note: snapshotNote }),
      },
    };
  }

  /**
   * Asks a few questions made of the corpus's own titles, so that a freshly
   * started thread has its ranking code compiled before it answers users (the
   * first questions in a cold isolate are many times slower).
   */
  warmUp(questions = 12): void {
    const titles = [...this.library.store.all()].slice(0, questions).map((a) => a.title);
    for (const t of titles) this.ask(t, { top: 3 });
  }

  ask(question: string, options: AnswerOptions = {}): Answer {
    return answerQuestion(this.library, this.ranker, question, { ...this.options.answer, ...options });
  }

  article(id: string): ArticleView | undefined {
    return this.view(this.library.store.get(id));
  }

  articleByKey(key: string): ArticleView | undefined {
    return this.view(this.library.store.getByKey(key));
  }

  suggestArticles(input: string, limit: number): ArticleRef[] {
    const { store } = this.library;
    const out = new Map<string, ArticleRef>();
    const add = (id: string): void => {
      const a = store.get(id);
      if (a && out.size < limit && !out.has(id)) out.set(id, ArticleStore.ref(a));
    };
    if (!input.trim()) {
      for (const a of store.all()) {
        if (out.size >= limit) break;
        add(a.id);
      }
      return [...out.values()];
    }
    // An exact id first, then titles, then articles whose text matches.
    add(input.trim());
    for (const m of this.library.titles.suggest(input, limit)) add(m.id);
    if (out.size < limit) {
      for (const r of this.ranker.rank(parseQuestion(input, this.library.sentences), { depth: 200 }).results) {
        if (out.size >= limit) break;
        add(store.articleOf(r.id).id);
      }
    }
    return [...out.values()];
  }

  status(): Omit<EngineStatus, 'reloading'> {
    const stats = this.library.stats();
    const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    return {
      ...stats,
      corpusDir: this.options.corpusDir,
      skipped: this.skipped(),
      loadedAt: this.loadedAt,
      generation: this.generation,
      memory: { heapUsed, heapTotal, external, arrayBuffers },
      ...(this.options.snapshotDir &&
        this.snapshotBytes !== undefined && {
          snapshot: { path: snapshotPath(this.options.snapshotDir, this.options.corpusDir), bytes: this.snapshotBytes },
        }),
    };
  }

  /** Memory of this thread after a full collection. */
  memory(): MemoryUse {
    return measureMemory();
  }

  counts(): Counts {
    return { articles: this.library.store.articleCount, sentences: this.library.store.sentenceCount };
  }

  /** Every article id with its content hash, to compare two indexes. */
  hashes(): Array<[string, string]> {
    return [...this.library.store.all()].map((a) => [a.id, a.hash]);
  }

  /** The library (for in-process tools such as benchmarks). */
  get currentLibrary(): Library {
    return this.library;
  }

  /** Compares the corpus folder with the manifest: what a reload would read and remove. */
  async planReload(): Promise<ReloadPlan> {
    // A reload is starting: a snapshot being saved now is about to be out of date, and saving it would
    // compete with the reload and with questions for the CPU. It is abandoned; the next change saves.
    this.holdSaves = true;
    this.abandonSave = true;
    const listing = await listCorpusFiles(this.options.corpusDir);
    const read = listing.files.filter((f) => {
      const known = this.files.get(f.file);
      return !known || known.size !== f.size || known.mtimeMs !== f.mtimeMs;
    });
    const present = new Set(listing.files.map((f) => f.file));
    const removed = [...this.files.keys()].filter((f) => !present.has(f));
    return { read, removed, files: listing.files, listingSkipped: listing.skipped, bytes: read.reduce((n, f) => n + f.size, 0) };
  }

  /**
   * Reads the files of a plan and applies the change in one synchronous step.
   * Articles whose content is unchanged are left as they are.
   */
  async applyReload(plan: ReloadPlan, onProgress?: (p: Progress) => void): Promise<ReloadReport> {
    const started = performance.now();
    const before = this.counts();
    let done = 0;
    const results = await mapLimit(plan.read, 16, async (f) => {
      const r = await readCorpusFile(this.options.corpusDir, f);
      onProgress?.({ phase: 'reading', done: ++done, total: plan.read.length });
      return { file: f, ...r };
    });

    // From here on, synchronous: nobody sees a half-applied change.
    const { store } = this.library;
    const incoming = new Map<string, LoadedArticle>();
    for (const r of results) for (const a of r.articles) if (!incoming.has(a.id)) incoming.set(a.id, a);
    // The articles the re-read and removed files had: each is kept (same content), replaced or removed.
    const previous = new Set<string>();
    for (const file of [...plan.removed, ...plan.read.map((f) => f.file)]) {
      for (const id of this.files.get(file)?.articles ?? []) {
        previous.add(id);
        const next = incoming.get(id);
        if (!next || next.hash !== store.get(id)?.hash || next.file !== file) this.library.remove(id);
      }
      this.files.delete(file);
    }
    const added: string[] = [];
    const changed: string[] = [];
    const present = new Set<string>();
    for (const r of results) {
      const entry: FileEntry = { size: r.file.size, mtimeMs: r.file.mtimeMs, articles: [], skipped: [...r.skipped] };
      for (const a of r.articles) {
        const existing = store.get(a.id);
        if ((existing && existing.file !== a.file) || present.has(a.id)) {
          const first = existing?.file ?? a.file;
          entry.skipped.push({
            file: a.file,
            ...(a.line !== undefined && { line: a.line }),
            reason: `duplicate article id "${a.id}" (first seen in ${first})`,
          });
          continue;
        }
        present.add(a.id);
        entry.articles.push(a.id);
        if (existing) continue; // same content as before: kept
        (previous.has(a.id) ? changed : added).push(a.id);
        this.library.add(a);
      }
      this.files.set(r.file.file, entry);
    }
    const removed = [...previous].filter((id) => !present.has(id));
    this.listingSkipped = plan.listingSkipped;
    this.generation++;
    this.loadedAt = Date.now();
    this.scheduleSave();
    return {
      ok: true,
      before,
      after: this.counts(),
      added,
      changed,
      removed,
      skipped: this.skipped(),
      tookMs: performance.now() - started,
      mode: 'incremental',
    };
  }

  /**
   * Ends a reload begun with {@link planReload} when this host stays in
   * service (in place, or nothing changed): saves may resume, and the
   * abandoned one is retried if the index was not saved yet.
   */
  endReload(): void {
    this.holdSaves = false;
    this.scheduleSave();
  }

  /** Resolves when the snapshot of the current index is on disk (or saving is off or not needed). */
  async flushSnapshot(): Promise<void> {
    while (this.saving) {
      this.wakeSave?.();
      await this.saving;
    }
    if (this.wantsSave()) {
      this.scheduleSave();
      await this.saving;
    }
  }

  private wantsSave(): boolean {
    return (
      Boolean(this.options.snapshotDir) &&
      this.options.saveSnapshots !== false &&
      this.savedGeneration !== this.generation &&
      !this.holdSaves
    );
  }

  /**
   * Saves a snapshot in the background, in slices, after a short quiet spell
   * (a reload in progress or a burst of changes is not the time); a newer
   * change abandons it and saves again.
   */
  private scheduleSave(): void {
    if (!this.wantsSave() || this.saving) return;
    const generation = this.generation;
    const dir = this.options.snapshotDir!;
    this.abandonSave = false;
    this.saving = (async () => {
      try {
        // The quiet spell ends early when someone waits for the snapshot (flushSnapshot).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, SAVE_DELAY_MS);
          timer.unref();
          this.wakeSave = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeSave = undefined;
        if (this.generation !== generation) return;
        await mkdir(dir, { recursive: true });
        const bytes = await writeSnapshot(snapshotPath(dir, this.options.corpusDir), this.library, this.manifest(), {
          isStale: () => this.generation !== generation || this.abandonSave,
        });
        if (bytes !== undefined) {
          this.savedGeneration = generation;
          this.snapshotBytes = bytes;
        }
      } catch (err) {
        process.stderr.write(`verbatim: could not save the index snapshot: ${(err as Error).message}\n`);
        this.savedGeneration = generation; // do not retry in a loop; the next change tries again
      } finally {
        this.saving = undefined;
        if (this.wantsSave()) this.scheduleSave();
      }
    })();
  }

  private manifest(): CorpusManifest {
    return {
      corpusDir: this.options.corpusDir,
      files: [...this.files].map(([file, e]) => ({ file, ...e })),
      listingSkipped: this.listingSkipped,
    };
  }

  private skipped(): SkippedItem[] {
    return [...this.listingSkipped, ...[...this.files.values()].flatMap((e) => e.skipped)].sort((a, b) =>
      a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0),
    );
  }

  private view(a: StoredArticle | undefined): ArticleView | undefined {
    if (!a) return undefined;
    const { store } = this.library;
    const text = store.articleText(a);
    const cleaned = cleanArticle(text, { title: a.meta.title, fallbackTitle: a.id });
    const sentences: ArticleView['sentences'] = [];
    for (let s = a.firstSentence; s < a.firstSentence + a.sentenceCount; s++) sentences.push(store.span(s));
    return {
      article: { ...ArticleStore.ref(a), file: a.file, ...(a.line !== undefined && { line: a.line }) },
      text,
      blocks: cleaned.blocks,
      sentences,
    };
  }
}

/** Corpora with at least this many bytes of files are built with analysis threads (below, a thread's start-up costs more than it saves). */
const PARALLEL_BUILD_BYTES = 4 * 1024 * 1024;

/** Reads and indexes the whole corpus: on several cores when it is large, else here. */
async function buildFromText(
  corpusDir: string,
  options: LibraryOptions,
  onProgress?: (p: Progress) => void,
): Promise<{ library: Library; manifest: CorpusManifest }> {
  onProgress?.({ phase: 'scanning', done: 0, total: 0 });
  const listing = await listCorpusFiles(corpusDir);
  const bytes = listing.files.reduce((n, f) => n + f.size, 0);
  if (bytes >= PARALLEL_BUILD_BYTES && canBuildInParallel(options)) {
    const built = await buildInParallel(corpusDir, listing.files, {
      ...options,
      onProgress: (done, total) => onProgress?.({ phase: 'indexing', done, total }),
    });
    return {
      library: built.library,
      manifest: manifestOf(corpusDir, listing.files, built.articles, [...listing.skipped, ...built.skipped]),
    };
  }
  const corpus = await loadCorpus(corpusDir, { onProgress: (done, total) => onProgress?.({ phase: 'reading', done, total }) });
  const library = await buildLibrary(corpus.articles, {
    ...options,
    onProgress: (done, total) => onProgress?.({ phase: 'indexing', done, total }),
  });
  return { library, manifest: manifestOf(corpusDir, corpus.files, corpus.articles, corpus.skipped) };
}

/** The manifest of a full load: every file with its articles and skipped items. */
function manifestOf(
  corpusDir: string,
  files: CorpusFile[],
  articles: ReadonlyArray<Pick<LoadedArticle, 'id' | 'file'>>,
  skipped: SkippedItem[],
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
  return { corpusDir, files: [...byFile.values()], listingSkipped };
}
