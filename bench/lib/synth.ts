/**
 * A deterministic large corpus for the scale bench, made from the 50
 * squad-train articles: each article is cut into documents of a few
 * paragraphs, and the documents are replicated with variation until the
 * corpus holds about the wanted number of sentences.
 *
 * Variation scheme (copy 0 is the original text, so every bench question
 * still has its real answer somewhere; copy k ≥ 1 of a document is rewritten
 * with a PRNG seeded by (seed, k, document), so the output depends only on
 * the seed):
 * - title: "<article> (part p, copy k)";
 * - capitalised words (3+ letters): 30% get a variant suffix ("Boston" →
 *   "Bostonvel"); the suffix is drawn from a pool of ⌈2·√k⌉ per word, so
 *   variants recur across copies and documents while the vocabulary keeps
 *   growing about like √tokens (Heaps' law, β ≈ 0.5), not linearly;
 * - lower-case words of 6+ letters: 5% get one inner letter changed, drawn
 *   from the same kind of pool (rare forms and typos of a real corpus);
 * - integers of 3–4 digits (years, counts): shifted by a per-document offset
 *   in [-20, 20]; smaller ones (days, small counts) are kept;
 * - paragraphs: 15% lose one sentence (when they have 3+), and 30% of the
 *   documents have two adjacent paragraphs swapped.
 * Without variation the index would hold only the 50 articles' words at any
 * size, and posting lists, vocabulary and snapshot would not grow as a real
 * corpus's do.
 *
 * The same documents can be written in three shapes ({@link CorpusShape}), so
 * that builds of the same sentences compare: one `.txt` file per document,
 * one big JSONL file with one line per document, or one JSONL line per
 * paragraph ("tiny" articles) spread over a few JSONL files. JSONL files have
 * no size limit of their own (src/corpus/jsonl.ts streams them and limits
 * each line to 16 MiB), so the big file is written whole, never split.
 */
import fs from 'node:fs';
import path from 'node:path';
import { benchPaths, UsageError } from './options.ts';
import { readQuestions } from './score.ts';

/** Bump when the output for a given (sentences, seed) changes, so old folders are regenerated. */
export const SYNTH_VERSION = 'synth-v1';

/** One line, printed by the bench: how the copies differ. */
export const VARIATION =
  'copy 0 = squad-train text cut into documents of ~20-40 sentences; copies k>=1 (seeded mulberry32): ' +
  '30% of capitalised words get a variant suffix (pool ceil(2*sqrt(k)) per word, Heaps-like vocabulary growth), ' +
  '5% of lower-case words of 6+ letters get one letter changed, integers >= 100 shifted by a per-document offset in [-20,20], ' +
  '15% of paragraphs drop a sentence, 30% of documents swap two adjacent paragraphs, titles carry the part and copy number';

const MANIFEST = '.synth.json';
/** Present while a bench has corpus files modified; a corpus left dirty by a crash is regenerated. */
const DIRTY = '.synth-dirty';
const FILES_PER_FOLDER = 1000;
const DEFAULT_SEED = 1;
/** JSONL files the tiny articles are spread over (document d goes to file d mod this). */
const TINY_FILES = 4;

/**
 * How the generated documents are laid out on disk:
 * - `files`: one `.txt` file per document (title line, blank line, paragraphs);
 * - `jsonl`: one file `corpus.jsonl`, one line `{"id","title","text"}` per document;
 * - `tiny`: one JSONL line per paragraph (its document's title and the
 *   paragraph number as title), the documents spread over four JSONL files.
 */
export type CorpusShape = 'files' | 'jsonl' | 'tiny';
/** Every shape, in the order the bench measures them. */
export const CORPUS_SHAPES: readonly CorpusShape[] = ['files', 'jsonl', 'tiny'];

/** Options of {@link writeSyntheticCorpus}. */
export interface SynthOptions {
  /** About how many sentences to write. */
  sentences: number;
  /** Default `files`. */
  shape?: CorpusShape;
  seed?: number;
  /** The shared bench folder (holds `squad-train/`). */
  benchDir: string;
  /** Fail instead of generating when `dir` holds no matching corpus. */
  reuseOnly?: boolean;
  onProgress?: (sentences: number, target: number) => void;
}

/** What {@link writeSyntheticCorpus} produced (or found). */
export interface SynthResult {
  shape: CorpusShape;
  /** Files written (`.txt` or `.jsonl`). */
  files: number;
  /** Articles written: one per document (`files`, `jsonl`) or per paragraph (`tiny`). */
  articles: number;
  /** Sentences written, counted by sentence-ending punctuation (approximate). */
  sentences: number;
  /** Copies of the source documents (the last one may be partial). */
  copies: number;
  bytes: number;
  /** The variation scheme, to print with the results. */
  variation: string;
  /** True when an existing folder with a matching manifest was reused. */
  reused: boolean;
  /** Seconds generation took (when it was done, even if reused now). */
  generateS: number;
}

interface Manifest extends Omit<SynthResult, 'reused' | 'shape'> {
  /** Absent in manifests written before shapes existed: `files`. */
  shape?: CorpusShape;
  version: string;
  target: number;
  seed: number;
}

/** A document cut from a source article: its title and paragraphs split into sentences. */
interface SourceDoc {
  title: string;
  paragraphs: string[][];
}

/**
 * Writes (or reuses) a corpus folder of about `opts.sentences` sentences in
 * the shape `opts.shape` (see {@link CorpusShape}); as `files`, in the
 * corpus-txt format (line 1 title, blank line, paragraphs separated by blank
 * lines), as `dir/0000/000000-Title-p1-c0.txt`, at most 1,000 files per
 * folder. A folder is reused when its manifest matches the shape, size, seed
 * and generator version; a stale generated folder is deleted and rewritten; a
 * non-empty folder that was not generated here is refused.
 */
export async function writeSyntheticCorpus(dir: string, opts: SynthOptions): Promise<SynthResult> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const shape = opts.shape ?? 'files';
  const manifestFile = path.join(dir, MANIFEST);
  const old = readManifest(manifestFile);
  if (
    old &&
    old.version === SYNTH_VERSION &&
    (old.shape ?? 'files') === shape &&
    old.target === opts.sentences &&
    old.seed === seed &&
    !fs.existsSync(path.join(dir, DIRTY))
  ) {
    const { version: _v, target: _t, seed: _s, ...result } = old;
    return { ...result, shape, reused: true };
  }
  if (opts.reuseOnly)
    throw new UsageError(`no generated ${shape} corpus of ${opts.sentences} sentences (seed ${seed}, ${SYNTH_VERSION}) in ${dir}`);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    // Only ever delete what this generator wrote.
    if (!old) throw new UsageError(`${dir} is not empty and was not generated by the scale bench; refusing to overwrite it`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(dir, { recursive: true });

  const t0 = performance.now();
  const docs = readSourceDocs(path.join(benchPaths(opts.benchDir).corpusTxt), seed);
  const writer = shapeWriter(dir, shape);
  let sentences = 0;
  let copy = 0;
  let written = 0;
  try {
    for (; sentences < opts.sentences; copy++) {
      for (let d = 0; d < docs.length && sentences < opts.sentences; d++) {
        const doc = docs[d]!;
        const out = copy === 0 ? doc : vary(doc, copy, mulberry32(hash32(`${seed}/${copy}/${d}`)));
        writer.write(out, `${String(written).padStart(6, '0')}-${slug(doc.title)}-c${copy}`, d);
        written++;
        for (const p of out.paragraphs) sentences += p.length;
      }
      opts.onProgress?.(sentences, opts.sentences);
      // Let progress output and signals through between copies.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    writer.close();
  }
  const result: SynthResult = {
    shape,
    files: writer.files,
    articles: writer.articles,
    sentences,
    copies: copy,
    bytes: writer.bytes,
    variation: VARIATION,
    reused: false,
    generateS: (performance.now() - t0) / 1000,
  };
  const { reused: _r, ...stored } = result;
  // The manifest is written last, so an interrupted generation is never reused.
  fs.writeFileSync(
    manifestFile,
    JSON.stringify({ version: SYNTH_VERSION, target: opts.sentences, seed, ...stored } satisfies Manifest, null, 2) + '\n',
  );
  return result;
}

/** Writes documents in one shape and counts what it wrote. */
interface ShapeWriter {
  /** Writes document number `d` of the source list, named `name` (unique, without extension). */
  write(doc: SourceDoc, name: string, d: number): void;
  close(): void;
  files: number;
  articles: number;
  bytes: number;
}

function shapeWriter(dir: string, shape: CorpusShape): ShapeWriter {
  if (shape === 'files') {
    const w: ShapeWriter = {
      files: 0,
      articles: 0,
      bytes: 0,
      write(doc, name) {
        const folder = path.join(dir, String(Math.floor(w.files / FILES_PER_FOLDER)).padStart(4, '0'));
        if (w.files % FILES_PER_FOLDER === 0) fs.mkdirSync(folder, { recursive: true });
        const text = render(doc.title, doc.paragraphs);
        // Synchronous writes: tens of thousands of small files, one at a time, is
        // simpler than a pool and still only seconds on a local disk.
        fs.writeFileSync(path.join(folder, `${name}.txt`), text);
        w.files++;
        w.articles++;
        w.bytes += Buffer.byteLength(text);
      },
      close() {},
    };
    return w;
  }
  const names = shape === 'jsonl' ? ['corpus.jsonl'] : Array.from({ length: TINY_FILES }, (_, i) => `tiny-${i}.jsonl`);
  const fds = names.map((n) => fs.openSync(path.join(dir, n), 'w'));
  const w: ShapeWriter = {
    files: names.length,
    articles: 0,
    bytes: 0,
    write(doc, name, d) {
      const lines =
        shape === 'jsonl'
          ? [{ id: name, title: doc.title, text: body(doc.paragraphs) }]
          : doc.paragraphs.map((p, i) => ({ id: `${name}-${i + 1}`, title: `${doc.title}, paragraph ${i + 1}`, text: p.join(' ') }));
      const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
      fs.writeSync(fds[d % fds.length]!, text);
      w.articles += lines.length;
      w.bytes += Buffer.byteLength(text);
    },
    close() {
      for (const fd of fds) fs.closeSync(fd);
    },
  };
  return w;
}

/**
 * Marks a generated corpus as modified (`true`) while a bench changes its
 * files, and as clean again once they are restored; a corpus still marked
 * when the next run starts is regenerated rather than trusted.
 */
export function markCorpusDirty(dir: string, dirty: boolean): void {
  const file = path.join(dir, DIRTY);
  if (dirty) fs.writeFileSync(file, `${new Date().toISOString()}\n`);
  else fs.rmSync(file, { force: true });
}

/**
 * `count` bench question texts, cycling through the squad-train questions in
 * a seeded shuffled order (so a prefix covers every article, not the first
 * few). Against the synthetic corpus each question's article exists many
 * times over; that is fine, the scale bench measures speed, not quality.
 */
export async function questionsFor(benchDir: string, count: number, seed = DEFAULT_SEED): Promise<string[]> {
  const paths = benchPaths(benchDir);
  const texts = (await readQuestions(paths.scorer, paths.questions)).map((q) => q.question);
  const rng = mulberry32(hash32(`questions/${seed}`));
  for (let i = texts.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [texts[i], texts[j]] = [texts[j]!, texts[i]!];
  }
  return Array.from({ length: count }, (_, i) => texts[i % texts.length]!);
}

function readManifest(file: string): Manifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** Reads corpus-txt and cuts every article into documents of about 20–40 sentences (target drawn per document). */
function readSourceDocs(corpusTxt: string, seed: number): SourceDoc[] {
  const rng = mulberry32(hash32(`cut/${seed}`));
  const docs: SourceDoc[] = [];
  for (const name of fs
    .readdirSync(corpusTxt)
    .filter((n) => n.endsWith('.txt'))
    .sort()) {
    const [title = name, ...rest] = fs.readFileSync(path.join(corpusTxt, name), 'utf8').split(/\r?\n\s*\r?\n/);
    const paragraphs = rest.map((p) => splitSentences(p.trim())).filter((p) => p.length > 0);
    const cut: string[][][] = [];
    let current: string[][] = [];
    let n = 0;
    let target = 20 + Math.floor(rng() * 21);
    for (const p of paragraphs) {
      current.push(p);
      n += p.length;
      if (n >= target) {
        cut.push(current);
        current = [];
        n = 0;
        target = 20 + Math.floor(rng() * 21);
      }
    }
    // A short tail joins the previous document rather than making a tiny one.
    if (current.length) {
      const last = cut.at(-1);
      if (last && n < 10) last.push(...current);
      else cut.push(current);
    }
    cut.forEach((ps, i) => docs.push({ title: `${title.trim()} (part ${i + 1})`, paragraphs: ps }));
  }
  return docs;
}

/**
 * Splits a paragraph after sentence-ending punctuation followed by space and
 * an upper-case letter, digit or opening quote. Approximate (the engine uses
 * Intl.Segmenter); it only serves variation and counting.
 */
function splitSentences(paragraph: string): string[] {
  if (!paragraph) return [];
  return paragraph.split(/(?<=[.!?]["”’')\]]*)\s+(?=["“‘(]?[\p{Lu}\d])/u);
}

/** Paragraphs as text: sentences joined by a space, paragraphs by a blank line. */
function body(paragraphs: readonly string[][]): string {
  return paragraphs.map((p) => p.join(' ')).join('\n\n');
}

/** A document in the corpus-txt format. */
function render(title: string, paragraphs: readonly string[][]): string {
  return `${title}\n\n${body(paragraphs)}\n`;
}

const SYLLABLES = ['ar', 'vel', 'ton', 'ka', 'mir', 'dos', 'lin', 'bre', 'qua', 'sen', 'tor', 'wi', 'zen', 'pol', 'gra', 'nu'];
const LETTERS = 'aeioulnrst';
// Candidates only (fewer callbacks than visiting every token): capitalised words,
// long lower-case words, and short integers that are not part of a decimal.
const TOKEN = /(?<![\p{L}\d])(?:\p{Lu}\p{Ll}{2,}|\p{Ll}{6,}|\d{1,4}(?![.,]\d))(?![\p{L}\d])/gu;

/** Copy `copy` (≥ 1) of a document, rewritten as the module comment describes. */
function vary(doc: SourceDoc, copy: number, rng: () => number): SourceDoc {
  const pool = Math.ceil(2 * Math.sqrt(copy));
  const shift = Math.floor(rng() * 41) - 20;
  const rewrite = (token: string): string => {
    const c = token.charCodeAt(0);
    if (c >= 48 && c <= 57) return token.length >= 3 && c !== 48 ? String(Number(token) + shift) : token;
    if (token.length >= 6 && token[0] === token[0]!.toLowerCase()) {
      if (rng() >= 0.05) return token;
      const v = Math.floor(rng() * pool);
      const at = 1 + ((hash32(token) + v) % (token.length - 2));
      let letter = LETTERS[(v + at) % LETTERS.length]!;
      if (letter === token[at]) letter = LETTERS[(v + at + 1) % LETTERS.length]!;
      return token.slice(0, at) + letter + token.slice(at + 1);
    }
    if (token[0] === token[0]!.toLowerCase() || rng() >= 0.3) return token;
    return token + suffix(Math.floor(rng() * pool));
  };
  const paragraphs = doc.paragraphs.map((p) => {
    const sentences = p.map((s) => s.replace(TOKEN, rewrite));
    if (sentences.length >= 3 && rng() < 0.15) sentences.splice(Math.floor(rng() * sentences.length), 1);
    return sentences;
  });
  if (paragraphs.length >= 2 && rng() < 0.3) {
    const i = Math.floor(rng() * (paragraphs.length - 1));
    [paragraphs[i], paragraphs[i + 1]] = [paragraphs[i + 1]!, paragraphs[i]!];
  }
  return { title: doc.title.replace(/\)$/, `, copy ${copy})`), paragraphs };
}

/** Variant suffix number `v` as syllables (base 16, so any pool size has distinct suffixes). */
function suffix(v: number): string {
  return SYLLABLES[v % SYLLABLES.length]! + (v >= SYLLABLES.length ? suffix(Math.floor(v / SYLLABLES.length) - 1) : '');
}

function slug(title: string): string {
  return title
    .replace(/\(part (\d+)\)$/, 'p$1')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

/** FNV-1a, 32 bits: a stable seed from a string. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
