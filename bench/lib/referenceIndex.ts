/**
 * The scale bench's reference: a plain inverted index in typed arrays that
 * ranks sentences by BM25 on one thread, built, queried and saved/loaded as
 * one binary file. It does the work any sentence search must do (read the
 * files, split sentences, tokenize, stem, index) and nothing more: no title
 * field, no coverage, no re-ranking, no worker. Verbatim's figures are printed
 * beside its own and as ratios, so that they compare across machines whose
 * speed differs (../shared/bench/scale-findings.md describes such an index:
 * "build about 16 s, … an 81 MB binary snapshot that loads in 0.2 s" at 1M).
 *
 * Sentences are cut by the engine's own `splitSentences`, per paragraph, so
 * both index the same sentences; words are letters and digits, lower-cased,
 * stop words dropped, Porter-stemmed through a memo (the 1M corpus has far
 * fewer distinct words than tokens).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { STOP_WORDS } from '../../src/text/analyze.ts';
import { splitSentences } from '../../src/text/sentences.ts';

const require = createRequire(import.meta.url);
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as { stem(word: string): string };

/** BM25's parameters, the usual ones (Robertson & Zaragoza 2009). */
const K1 = 1.2;
const B = 0.75;
const WORD = /[\p{L}\p{N}]+/gu;

/** A growable Uint32Array. */
class U32 {
  data = new Uint32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/** The index: terms, and per term its sentences and counts, in flat typed arrays. */
export class ReferenceIndex {
  private constructor(
    private readonly termIds: Map<string, number>,
    /** Joined terms, `\n` between, for the snapshot. */
    private readonly termList: string[],
    /** Per term: where its postings start in `postings` (length terms + 1). */
    private readonly offsets: Uint32Array,
    /** Sentence ids, grouped by term. */
    private readonly postings: Uint32Array,
    /** Term frequency of each posting. */
    private readonly frequencies: Uint16Array,
    /** Tokens per sentence. */
    private readonly lengths: Uint16Array,
  ) {
    let total = 0;
    for (const l of lengths) total += l;
    this.averageLength = total / Math.max(1, lengths.length);
  }

  private readonly averageLength: number;

  private static stems = new Map<string, string>();

  /** The search terms of a text. */
  static terms(text: string): string[] {
    const out: string[] = [];
    for (const m of text.toLowerCase().matchAll(WORD)) {
      const w = m[0];
      if (STOP_WORDS.has(w)) continue;
      let s = ReferenceIndex.stems.get(w);
      if (s === undefined) ReferenceIndex.stems.set(w, (s = PorterStemmer.stem(w)));
      out.push(s);
    }
    return out;
  }

  /**
   * Builds the index of every sentence of `files`: text files (a title line,
   * then paragraphs) and JSONL files (one `{"text"}` object per line, parsed
   * whole, as any JSONL reader must).
   */
  static build(files: readonly string[]): ReferenceIndex {
    const termIds = new Map<string, number>();
    const termList: string[] = [];
    const tokens = new U32(); // term ids, sentence after sentence
    const starts = new U32(); // where each sentence's tokens start
    const index = (text: string, from: number): void => {
      for (const span of splitSentences(text, {}, from)) {
        starts.push(tokens.length);
        for (const t of ReferenceIndex.terms(text.slice(span.start, span.end))) {
          let id = termIds.get(t);
          if (id === undefined) {
            id = termList.length;
            termIds.set(t, id);
            termList.push(t);
          }
          tokens.push(id);
        }
      }
    };
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      if (file.endsWith('.jsonl')) {
        for (const line of text.split('\n')) if (line.trim()) index((JSON.parse(line) as { text: string }).text, 0);
        continue;
      }
      const body = text.indexOf('\n');
      index(text, body < 0 ? 0 : body + 1);
    }
    starts.push(tokens.length);
    const sentenceCount = starts.length - 1;
    const tok = tokens.view();
    const st = starts.view();
    const lengths = new Uint16Array(sentenceCount);
    // Postings per term: count distinct (term, sentence) pairs, then fill in sentence order.
    const counts = new Uint32Array(termList.length + 1);
    const seenIn = new Int32Array(termList.length).fill(-1);
    for (let s = 0; s < sentenceCount; s++) {
      lengths[s] = Math.min(65535, st[s + 1]! - st[s]!);
      for (let i = st[s]!; i < st[s + 1]!; i++) {
        const t = tok[i]!;
        if (seenIn[t] !== s) {
          seenIn[t] = s;
          counts[t + 1]!++;
        }
      }
    }
    const offsets = new Uint32Array(termList.length + 1);
    for (let t = 0; t < termList.length; t++) offsets[t + 1] = offsets[t]! + counts[t + 1]!;
    const postings = new Uint32Array(offsets[termList.length]!);
    const frequencies = new Uint16Array(postings.length);
    const fill = offsets.slice(0, termList.length);
    seenIn.fill(-1);
    for (let s = 0; s < sentenceCount; s++) {
      for (let i = st[s]!; i < st[s + 1]!; i++) {
        const t = tok[i]!;
        if (seenIn[t] !== s) {
          seenIn[t] = s;
          postings[fill[t]!] = s;
          frequencies[fill[t]!] = 1;
          fill[t]!++;
        } else if (frequencies[fill[t]! - 1]! < 65535) frequencies[fill[t]! - 1]!++;
      }
    }
    return new ReferenceIndex(termIds, termList, offsets, postings, frequencies, lengths);
  }

  get sentenceCount(): number {
    return this.lengths.length;
  }

  /** The best `top` sentence ids for a question, best first, by BM25. */
  search(question: string, top = 10, scratch = new Float64Array(this.sentenceCount)): number[] {
    const n = this.sentenceCount;
    const avg = this.averageLength;
    const touched: number[] = [];
    for (const term of new Set(ReferenceIndex.terms(question))) {
      const t = this.termIds.get(term);
      if (t === undefined) continue;
      const from = this.offsets[t]!;
      const to = this.offsets[t + 1]!;
      const idf = Math.log(1 + (n - (to - from) + 0.5) / (to - from + 0.5));
      for (let i = from; i < to; i++) {
        const s = this.postings[i]!;
        const f = this.frequencies[i]!;
        if (scratch[s] === 0) touched.push(s);
        scratch[s]! += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * this.lengths[s]!) / avg));
      }
    }
    // Keep the best `top` in a small sorted array: touched can be large, top is small.
    const best: number[] = [];
    for (const s of touched) {
      const score = scratch[s]!;
      if (best.length === top && score <= scratch[best[top - 1]!]!) continue;
      let at = best.length;
      while (at > 0 && scratch[best[at - 1]!]! < score) at--;
      best.splice(at, 0, s);
      if (best.length > top) best.pop();
    }
    for (const s of touched) scratch[s] = 0;
    return best;
  }

  /** Writes the index as one binary file: a JSON header, then the typed arrays. */
  save(file: string): number {
    const terms = Buffer.from(this.termList.join('\n'), 'utf8');
    const arrays = [this.offsets, this.postings, this.frequencies, this.lengths];
    const header = Buffer.from(JSON.stringify({ terms: terms.length, arrays: arrays.map((a) => a.length) }), 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32LE(header.length);
    const parts: Buffer[] = [head, header, terms];
    let at = 4 + header.length + terms.length;
    for (const a of arrays) {
      // Typed arrays must start at a multiple of their element size.
      const pad = (a.BYTES_PER_ELEMENT - (at % a.BYTES_PER_ELEMENT)) % a.BYTES_PER_ELEMENT;
      parts.push(Buffer.alloc(pad), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      at += pad + a.byteLength;
    }
    fs.writeFileSync(file, Buffer.concat(parts));
    return at;
  }

  /** Reads an index written by {@link save}. */
  static load(file: string): ReferenceIndex {
    const buf = fs.readFileSync(file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const headerLength = buf.readUInt32LE(0);
    const header = JSON.parse(buf.toString('utf8', 4, 4 + headerLength)) as { terms: number; arrays: number[] };
    let at = 4 + headerLength;
    const termList = buf.toString('utf8', at, at + header.terms).split('\n');
    at += header.terms;
    const kinds = [Uint32Array, Uint32Array, Uint16Array, Uint16Array] as const;
    const arrays = kinds.map((Kind, i) => {
      at += (Kind.BYTES_PER_ELEMENT - (at % Kind.BYTES_PER_ELEMENT)) % Kind.BYTES_PER_ELEMENT;
      const a = new Kind(ab, at, header.arrays[i]);
      at += a.byteLength;
      return a;
    });
    const termIds = new Map<string, number>();
    for (let t = 0; t < termList.length; t++) termIds.set(termList[t]!, t);
    return new ReferenceIndex(
      termIds,
      termList,
      arrays[0] as Uint32Array,
      arrays[1] as Uint32Array,
      arrays[2] as Uint16Array,
      arrays[3] as Uint16Array,
    );
  }
}

/** The reference's figures at one corpus size. */
export interface ReferenceResult {
  sentences: number;
  buildS: number;
  snapshotBytes: number;
  saveS: number;
  loadS: number;
  /** Load plus the first question: the reference's restart to first answer. */
  firstAnswerS: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Builds the reference over `files`, saves and reloads it from `file`, and times `questions` on the loaded copy. */
export function measureReference(files: readonly string[], file: string, questions: readonly string[]): ReferenceResult {
  let t0 = performance.now();
  const built = ReferenceIndex.build(files);
  const buildS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const snapshotBytes = built.save(file);
  const saveS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const index = ReferenceIndex.load(file);
  const loadS = (performance.now() - t0) / 1000;
  const scratch = new Float64Array(index.sentenceCount);
  index.search(questions[0] ?? '', 10, scratch);
  const firstAnswerS = (performance.now() - t0) / 1000;
  const latencies = questions.map((q) => {
    const t = performance.now();
    index.search(q, 10, scratch);
    return performance.now() - t;
  });
  latencies.sort((a, b) => a - b);
  const at = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))] ?? NaN;
  return { sentences: index.sentenceCount, buildS, snapshotBytes, saveS, loadS, firstAnswerS, p50Ms: at(50), p95Ms: at(95), p99Ms: at(99) };
}
