/**
 * Building a library on several cores. Reading, cleaning, splitting and
 * analyzing the corpus (about half of the work) runs in analysis helper
 * threads; this thread inserts what they send into the index, in the order of
 * the sorted file listing, so sentence ids and the "first article with an id
 * wins" rule come out exactly as in a single-threaded build.
 *
 * A large JSONL file is cut into ranges of lines, each read and analyzed on
 * its own, so that one big file keeps the helpers and this thread busy at
 * once (a whole file would be analyzed before any of it is inserted). Its
 * ranges are inserted in file order and its skipped lines reported as one
 * read of the file reports them (finishJsonl).
 */
import { availableParallelism } from 'node:os';
import type { CorpusFile, LoadedArticle, SkippedItem } from '../corpus/types.ts';
import { ArticleIdClaims } from '../corpus/duplicates.ts';
import { finishJsonl, type JsonlPart } from '../corpus/jsonl.ts';
import { DEFAULT_MAX_REPORTED_LINE_ERRORS, planCorpusFileRanges } from '../corpus/readFile.ts';
import { siblingModule, spawnModule } from '../util/spawn.ts';
import type { AnalyzedFile, AnalysisBatch, AnalysisJob, AnalysisUnit } from './analysisWorker.ts';
import { Library, type LibraryOptions, type PendingSentence } from './library.ts';

/** Options of {@link buildInParallel}. */
export interface ParallelBuildOptions extends LibraryOptions {
  /** Analysis threads. Default: the cores less one (the one inserting), at least 1, at most 4. */
  threads?: number;
  /** Files per chunk handed to a helper. Default 64. */
  chunkFiles?: number;
  /** JSONL files of at least twice this many bytes are cut into ranges of about this size. Default 2 MiB. */
  rangeBytes?: number;
  onProgress?: (done: number, total: number) => void;
}

/** What a parallel build produced. */
export interface ParallelBuild {
  library: Library;
  /** The articles indexed, with their file (for the corpus manifest). */
  articles: Array<Pick<LoadedArticle, 'id' | 'file'>>;
  skipped: SkippedItem[];
}

const ANALYSIS_MODULE = siblingModule(import.meta.url, 'analysisWorker');
/** Sentences inserted per batch (see Library.flush). */
const INSERT_BATCH = 5000;
/**
 * Default {@link ParallelBuildOptions.rangeBytes}: about 13,000 sentences of
 * news text, a few hundred milliseconds of a helper's time. Small enough that
 * insertion starts soon and the work spreads over the helpers, large enough
 * that messages and per-range costs stay negligible.
 */
const RANGE_BYTES = 2 * 1024 * 1024;

/** Whether a parallel build is possible with these options (a custom stemmer cannot be sent to another thread). */
export function canBuildInParallel(options: LibraryOptions): boolean {
  return options.stem === undefined;
}

/** Reads and indexes `files` (a sorted listing of `corpusDir`) using analysis threads. */
export async function buildInParallel(corpusDir: string, files: CorpusFile[], options: ParallelBuildOptions = {}): Promise<ParallelBuild> {
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism() - 1, 4));
  const chunkFiles = options.chunkFiles ?? 64;
  const library = new Library(options);
  const { units, chunks } = await planUnits(corpusDir, files, chunkFiles, options.rangeBytes ?? RANGE_BYTES);

  const articles: ParallelBuild['articles'] = [];
  const skipped: SkippedItem[] = [];
  const ids = new ArticleIdClaims();
  const pending: PendingSentence[] = [];
  const waiting = new Map<number, { helper: number; result: AnalyzedFile }>();
  /** Per file being read in ranges: its parts so far, and whether one stopped the file. */
  const ranged = new Map<number, { parts: Array<Omit<JsonlPart, 'articles'>>; stopped: boolean }>();
  let filesDone = 0;
  const tables: string[][] = [];
  /** Per helper: its numbered words, each word's term number, and whether the word is in the vocabulary yet. */
  const words: Array<{ word: string[]; term: number[]; added: Uint8Array }> = [];
  /** Per helper: files received but not yet inserted, per batch, to acknowledge once inserted. */
  const unacknowledged: Array<Array<Set<number>>> = [];
  let next = 0;

  const workers = Array.from({ length: Math.min(threads, Math.max(1, chunks.length)) }, (_, h) => {
    const job: AnalysisJob = {
      corpusDir,
      chunks: chunks.filter((_, c) => c % threads === h),
      clean: options.clean ?? {},
      // Sets and Maps survive the structured clone into the helper as they are.
      ...(options.stopWords && { stopWords: options.stopWords }),
      ...(options.baseForms && { baseForms: options.baseForms }),
    };
    tables.push([]);
    words.push({ word: [], term: [], added: new Uint8Array(1024) });
    unacknowledged.push([]);
    // A larger young generation: analysis allocates heavily and short-lived (see WorkerEngine).
    return spawnModule(ANALYSIS_MODULE, job, { maxYoungGenerationSizeMb: 64 });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      workers.forEach((worker, h) => {
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0) reject(new Error(`analysis thread exited with code ${code}`));
        });
        worker.on('message', (batch: AnalysisBatch) => {
          try {
            const table = tables[h]!;
            for (const t of batch.newTerms) table.push(t);
            const w = words[h]!;
            for (const [word, term] of batch.newWords) {
              w.word.push(word);
              w.term.push(term);
            }
            if (w.added.length < w.word.length) {
              const grown = new Uint8Array(Math.max(w.word.length, w.added.length * 2));
              grown.set(w.added);
              w.added = grown;
            }
            unacknowledged[h]!.push(new Set(batch.files.map((f) => f.index)));
            for (const result of batch.files) waiting.set(result.index, { helper: h, result });
            insertReady();
            if (batch.last && ++finished === workers.length) {
              if (next !== units.length) throw new Error(`analysis ended with ${units.length - next} of ${units.length} units missing`);
              resolve();
            }
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      });
    });
    library.flush(pending);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  library.analyzer.clearCaches();
  return { library, articles, skipped };

  /** Inserts every unit whose turn has come, in listing order. */
  function insertReady(): void {
    for (let entry = waiting.get(next); entry; entry = waiting.get(next)) {
      waiting.delete(next);
      const { helper, result } = entry;
      const unit = units[next]!;
      if (unit.range === undefined) {
        skipped.push(...result.skipped);
        insertArticles(helper, result);
      } else {
        let state = ranged.get(unit.fileIndex);
        if (!state) ranged.set(unit.fileIndex, (state = { parts: [], stopped: false }));
        // After a part that stopped the file, the file's later lines count for nothing, as in one read of it.
        if (!state.stopped) {
          state.parts.push({ ...result.part!, skipped: result.skipped });
          state.stopped = result.part!.stopped;
          insertArticles(helper, result);
        }
        if (unit.lastOfFile) {
          skipped.push(...finishJsonl(unit.file.file, state.parts, { maxReportedLineErrors: DEFAULT_MAX_REPORTED_LINE_ERRORS }).skipped);
          ranged.delete(unit.fileIndex);
        }
      }
      next++;
      if (unit.lastOfFile) options.onProgress?.(++filesDone, files.length);
      acknowledge(helper, result.index);
    }
  }

  /** Stores and queues a unit's articles, claiming their ids in order. */
  function insertArticles(helper: number, result: AnalyzedFile): void {
    const table = tables[helper]!;
    for (const a of result.articles) {
      const duplicate = ids.claim(a);
      if (duplicate) {
        skipped.push(duplicate);
        continue;
      }
      const sentences = [];
      const terms: string[][] = [];
      let at = 0;
      for (let i = 0; i < a.termCounts.length; i++) {
        sentences.push({ start: a.spans[i * 3]!, end: a.spans[i * 3 + 1]!, paragraph: a.spans[i * 3 + 2]! });
        const count = a.termCounts[i]!;
        const list = new Array<string>(count);
        for (let k = 0; k < count; k++) list[k] = table[a.terms[at + k]!]!;
        at += count;
        terms.push(list);
      }
      const { title, spans: _s, termCounts: _c, terms: _t, words: articleWords, ...loaded } = a;
      library.stagePrepared(loaded, { title, sentences, terms }, pending);
      // The vocabulary gets the words of inserted articles only, as in a single-threaded build.
      const w = words[helper]!;
      for (const id of articleWords) {
        if (w.added[id]) continue;
        w.added[id] = 1;
        library.sentences.addWords([[w.word[id]!, table[w.term[id]!]!]]);
      }
      articles.push({ id: a.id, file: a.file });
      if (pending.length >= INSERT_BATCH) library.flush(pending);
    }
  }

  /** Tells a helper a batch of its is inserted, so it may send another. */
  function acknowledge(helper: number, index: number): void {
    const batches = unacknowledged[helper]!;
    const batch = batches.find((b) => b.has(index));
    if (!batch) return;
    batch.delete(index);
    if (batch.size === 0) {
      batches.splice(batches.indexOf(batch), 1);
      workers[helper]!.postMessage('ack');
    }
  }
}

/** A unit of work as the builder sees it. */
interface PlannedUnit extends AnalysisUnit {
  /** The file's position in the listing. */
  fileIndex: number;
  /** The last (or only) unit of its file. */
  lastOfFile: boolean;
}

/**
 * The units of work, in listing order (a large JSONL file's ranges in file
 * order), and the chunks handed to helpers: up to `chunkFiles` whole files
 * in a row, or one range.
 */
async function planUnits(
  corpusDir: string,
  files: readonly CorpusFile[],
  chunkFiles: number,
  rangeBytes: number,
): Promise<{ units: PlannedUnit[]; chunks: AnalysisUnit[][] }> {
  const units: PlannedUnit[] = [];
  const chunks: AnalysisUnit[][] = [];
  let open: AnalysisUnit[] = [];
  for (let f = 0; f < files.length; f++) {
    const file = files[f]!;
    const ranges = await planCorpusFileRanges(corpusDir, file, rangeBytes);
    if (ranges.length === 1) {
      const unit: PlannedUnit = { index: units.length, file, fileIndex: f, lastOfFile: true };
      units.push(unit);
      open.push({ index: unit.index, file });
      if (open.length >= chunkFiles) {
        chunks.push(open);
        open = [];
      }
      continue;
    }
    if (open.length) {
      chunks.push(open);
      open = [];
    }
    ranges.forEach((range, r) => {
      const unit: PlannedUnit = { index: units.length, file, range, fileIndex: f, lastOfFile: r === ranges.length - 1 };
      units.push(unit);
      chunks.push([{ index: unit.index, file, range }]);
    });
  }
  if (open.length) chunks.push(open);
  return { units, chunks };
}
