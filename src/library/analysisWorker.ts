/**
 * An analysis helper thread for {@link buildInParallel}: reads its share of
 * the corpus files, cleans and splits each article and analyzes each
 * sentence into terms, and streams the results to the thread that builds the
 * index. Terms travel as numbers into a table of this helper's (new terms are
 * sent once), so a batch is mostly one typed array.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { JsonlPart, JsonlRange } from '../corpus/jsonl.ts';
import { readCorpusFile, readCorpusFilePart } from '../corpus/readFile.ts';
import type { CorpusFile, LoadedArticle, SkippedItem } from '../corpus/types.ts';
import { Analyzer } from '../text/analyze.ts';
import { cleanArticle, type CleanOptions } from '../text/clean.ts';

/** A piece of work: a whole file, or one range of a large JSONL file. */
export interface AnalysisUnit {
  /** Position in the builder's list of units (files in listing order, a split file's ranges in file order). */
  index: number;
  file: CorpusFile;
  range?: JsonlRange;
}

/** What the builder gives a helper. */
export interface AnalysisJob {
  corpusDir: string;
  /** This helper's chunks, each a list of units. */
  chunks: AnalysisUnit[][];
  clean: Pick<CleanOptions, 'maxLength' | 'maxTitleLength'>;
  stopWords?: ReadonlySet<string>;
  baseForms?: ReadonlyMap<string, string>;
}

/** One analyzed article. */
export interface AnalyzedArticle extends Omit<LoadedArticle, 'text'> {
  text: string;
  title: string;
  /** Per sentence: start, end (characters) and paragraph, flattened. */
  spans: Int32Array;
  /** Per sentence: how many terms it has in `terms`. */
  termCounts: Uint16Array;
  /** All sentences' term numbers, in order. */
  terms: Uint32Array;
  /** The distinct word numbers of the article (its vocabulary). */
  words: Uint32Array;
}

/** One unit's results. */
export interface AnalyzedFile {
  /** The unit's index. */
  index: number;
  file: CorpusFile;
  /** A whole file's skipped items; for a range, its part's (`part.skipped`). */
  skipped: SkippedItem[];
  /** For a range: what the builder needs to report the file as one read would (see finishJsonl). */
  part?: Omit<JsonlPart, 'articles' | 'skipped'>;
  articles: AnalyzedArticle[];
}

/** A message from a helper: a chunk of files, with the terms and words it introduced. */
export interface AnalysisBatch {
  files: AnalyzedFile[];
  /** Terms numbered from the helper's previous batch's end. */
  newTerms: string[];
  /** Words numbered from the helper's previous batch's end, each with its term number. */
  newWords: Array<[string, number]>;
  /** True on the helper's last batch. */
  last: boolean;
}

const job = workerData as AnalysisJob;
const port = parentPort!;
const analyzer = new Analyzer({ stopWords: job.stopWords, baseForms: job.baseForms });
const termIds = new Map<string, number>();
/** Term numbers and word number of each memoised surface analysis (a WeakMap: the analyzer's cache owns the entries). */
const numbered = new WeakMap<object, { terms: number[]; word: number }>();
const wordIds = new Map<string, number>();
/** Per word number: the last article that listed it, to list each word once per article. */
const wordStamp: number[] = [];
let articleSerial = 0;
let newTerms: string[] = [];
let newWords: Array<[string, number]> = [];
// Flow control: at most this many batches in flight, so a slow builder does not queue the whole corpus.
const MAX_IN_FLIGHT = 4;
let inFlight = 0;
let resume: (() => void) | undefined;
port.on('message', () => {
  inFlight--;
  resume?.();
});

function termId(term: string): number {
  let id = termIds.get(term);
  if (id === undefined) {
    id = termIds.size;
    termIds.set(term, id);
    newTerms.push(term);
  }
  return id;
}

function wordId(word: string, term: number): number {
  let id = wordIds.get(word);
  if (id === undefined) {
    id = wordIds.size;
    wordIds.set(word, id);
    newWords.push([word, term]);
  }
  return id;
}

function analyze(article: LoadedArticle): AnalyzedArticle {
  const serial = ++articleSerial;
  const words: number[] = [];
  const cleaned = cleanArticle(article.text, { ...job.clean, title: article.meta.title, fallbackTitle: article.id });
  const spans = new Int32Array(cleaned.sentences.length * 3);
  const termCounts = new Uint16Array(cleaned.sentences.length);
  const terms: number[] = [];
  cleaned.sentences.forEach((s, i) => {
    spans[i * 3] = s.start;
    spans[i * 3 + 1] = s.end;
    spans[i * 3 + 2] = s.paragraph;
    const before = terms.length;
    analyzer.forEachToken(article.text.slice(s.start, s.end), (token) => {
      if (token.terms.length === 0) return;
      // A surface form's numbers are looked up once and kept with its memoised analysis.
      let ids = numbered.get(token);
      if (ids === undefined) {
        const t = token.terms.map(termId);
        ids = { terms: t, word: wordId(token.word, t[0]!) };
        numbered.set(token, ids);
      }
      if (wordStamp[ids.word] !== serial) {
        wordStamp[ids.word] = serial;
        words.push(ids.word);
      }
      for (let k = 0; k < ids.terms.length; k++) terms.push(ids.terms[k]!);
    });
    termCounts[i] = Math.min(65535, terms.length - before);
  });
  return { ...article, title: cleaned.title, spans, termCounts, terms: Uint32Array.from(terms), words: Uint32Array.from(words) };
}

/** Reads a chunk's units concurrently: reading one at a time would leave the core idle on every file's latency. */
function readChunk(chunk: AnalysisUnit[]) {
  return Promise.all(
    chunk.map(async ({ index, file, range }) => {
      if (range === undefined) return { index, file, read: await readCorpusFile(job.corpusDir, file) };
      const { articles, skipped, ...part } = await readCorpusFilePart(job.corpusDir, file, range);
      return { index, file, read: { articles, skipped }, part };
    }),
  );
}

async function main(): Promise<void> {
  let reading = job.chunks.length > 0 ? readChunk(job.chunks[0]!) : undefined;
  for (let c = 0; c < job.chunks.length; c++) {
    const chunk = await reading!;
    // The next chunk is read while this one is analyzed.
    reading = c + 1 < job.chunks.length ? readChunk(job.chunks[c + 1]!) : undefined;
    const files: AnalyzedFile[] = chunk.map(({ index, file, read, part }) => ({
      index,
      file,
      skipped: read.skipped,
      ...(part && { part }),
      articles: read.articles.map(analyze),
    }));
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (resume = r));
    inFlight++;
    const batch: AnalysisBatch = { files, newTerms, newWords, last: c === job.chunks.length - 1 };
    const transfer = files.flatMap((f) => f.articles.flatMap((a) => [a.spans.buffer, a.termCounts.buffer, a.terms.buffer, a.words.buffer]));
    port.postMessage(batch, transfer as ArrayBuffer[]);
    newTerms = [];
    newWords = [];
  }
  if (job.chunks.length === 0) port.postMessage({ files: [], newTerms: [], newWords: [], last: true } satisfies AnalysisBatch);
}

void main();
