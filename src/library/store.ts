/**
 * The article store: every indexed article and the position of each of its
 * quotable sentences.
 *
 * Sentences are numbered in the order they are added and the numbers are
 * never reused, so a sentence id is also MiniSearch's internal document id.
 * An article's sentences get consecutive ids, which makes "the sentence
 * before / after" and "which article is this from" array look-ups. Per-sentence
 * data lives in typed arrays (about 30 bytes a sentence) rather than one
 * object per sentence, and article text is kept as UTF-8 bytes rather than a
 * JavaScript string (which V8 stores at two bytes a character as soon as one
 * character is outside Latin-1, as curly quotes are): both matter at a million
 * sentences.
 */
import { createHash } from 'node:crypto';
import type { ArticleMeta } from '../corpus/types.ts';

/**
 * A short, stable key for an article id (12 base64url characters of its
 * SHA-1). Article ids can be long paths; Discord button ids hold 100
 * characters, so buttons carry this key instead, and it survives restarts.
 */
export function articleKey(id: string): string {
  return createHash('sha1').update(id).digest('base64url').slice(0, 12);
}

/** What the store keeps of an article. */
export interface StoredArticle {
  /** Slot of the article in the store; stable until the article is removed. */
  readonly slot: number;
  readonly id: string;
  readonly title: string;
  readonly meta: ArticleMeta;
  /** Source file, relative to the corpus root. */
  readonly file: string;
  readonly line?: number;
  /** The article's text as UTF-8 (see {@link ArticleStore.articleText}). */
  readonly body: Buffer;
  /** Content hash from the loader: equal hash ⇒ nothing to re-index. */
  readonly hash: string;
  /** Paged documents (PDF): where each page starts in the text (see `LoadedArticle.pages`). */
  readonly pages?: readonly number[];
  /** Id of the article's first sentence. */
  readonly firstSentence: number;
  /** Number of quotable sentences. */
  readonly sentenceCount: number;
}

/** The public face of an article: what answers cite. */
export interface ArticleRef {
  id: string;
  /** Short stable key of the id ({@link articleKey}), for button ids. */
  key: string;
  title: string;
  url?: string;
  date?: string;
  source?: string;
}

/** Input to {@link ArticleStore.add}. */
export type NewArticle = Omit<StoredArticle, 'slot' | 'firstSentence' | 'sentenceCount' | 'body'> & {
  /** The article's text; sentence offsets are character offsets into it. */
  text: string;
  /** The quotable sentences in order, with the paragraph each belongs to. */
  sentences: ReadonlyArray<{ start: number; end: number; paragraph?: number }>;
};

/** What a snapshot keeps of a store. */
export interface ArticleStoreState {
  articles: Array<StoredArticle | null>;
  nextSentence: number;
  liveSentences: number;
  liveParagraphs: number;
  arrays: {
    sentenceSlot: Int32Array;
    sentenceStart: Uint32Array;
    sentenceEnd: Uint32Array;
    byteStart: Uint32Array;
    byteEnd: Uint32Array;
    paragraphStart: Int32Array;
  };
}

const NONE = -1;

export class ArticleStore {
  private articles: Array<StoredArticle | undefined> = [];
  private readonly byId = new Map<string, StoredArticle>();
  /** Articles by {@link articleKey}: made when first asked for (a SHA-1 an article, which a restart need not wait for). */
  private byKey: Map<string, StoredArticle> | undefined;
  /** The buffer some bodies are still views of, after a restore (see {@link detachBodiesUntil}). */
  private borrowed: ArrayBufferLike | undefined;
  /** The next slot {@link detachBodiesUntil} looks at. */
  private detachCursor = 0;
  private freeSlots: number[] = [];
  /** Article slot of each sentence id; {@link NONE} once its article is removed. */
  private sentenceSlot = new Int32Array(1024);
  private sentenceStart = new Uint32Array(1024);
  private sentenceEnd = new Uint32Array(1024);
  /** Byte range of each sentence in its article's UTF-8 body. */
  private byteStart = new Uint32Array(1024);
  private byteEnd = new Uint32Array(1024);
  /** Id of the first sentence of each sentence's paragraph. */
  private paragraphStart = new Int32Array(1024);
  private nextSentence = 0;
  private liveSentences = 0;
  private liveParagraphs = 0;

  /** Number of articles. */
  get articleCount(): number {
    return this.byId.size;
  }

  /** Number of quotable sentences. */
  get sentenceCount(): number {
    return this.liveSentences;
  }

  /** Number of paragraphs (with at least one quotable sentence). */
  get paragraphCount(): number {
    return this.liveParagraphs;
  }

  /** One more than the highest article slot in use. */
  get slotLimit(): number {
    return this.articles.length;
  }

  /** One more than the highest sentence id ever assigned. */
  get sentenceIdLimit(): number {
    return this.nextSentence;
  }

  /** Adds an article; its sentences get the next consecutive ids. */
  add(article: NewArticle): StoredArticle {
    if (this.byId.has(article.id)) throw new Error(`duplicate article id "${article.id}"`);
    const slot = this.freeSlots.pop() ?? this.articles.length;
    const { sentences, text, ...rest } = article;
    const stored: StoredArticle = {
      ...rest,
      body: Buffer.from(text, 'utf8'),
      slot,
      firstSentence: this.nextSentence,
      sentenceCount: sentences.length,
    };
    this.ensureCapacity(this.nextSentence + sentences.length);
    let paragraphStart = this.nextSentence;
    // Byte offsets, counted in one pass over the text (sentences are in order).
    let charAt = 0;
    let byteAt = 0;
    const bytesTo = (char: number): number => {
      byteAt += Buffer.byteLength(text.slice(charAt, char), 'utf8');
      charAt = char;
      return byteAt;
    };
    sentences.forEach((s, i) => {
      const id = this.nextSentence++;
      if (i > 0 && (s.paragraph === undefined || s.paragraph !== sentences[i - 1]!.paragraph)) paragraphStart = id;
      this.sentenceSlot[id] = slot;
      this.sentenceStart[id] = s.start;
      this.sentenceEnd[id] = s.end;
      this.byteStart[id] = bytesTo(s.start);
      this.byteEnd[id] = bytesTo(s.end);
      this.paragraphStart[id] = paragraphStart;
      if (paragraphStart === id) this.liveParagraphs++;
    });
    this.articles[slot] = stored;
    this.byId.set(stored.id, stored);
    this.byKey?.set(articleKey(stored.id), stored);
    this.liveSentences += sentences.length;
    return stored;
  }

  /** Removes an article; its sentence ids become dead and are never reused. */
  remove(id: string): StoredArticle | undefined {
    const article = this.byId.get(id);
    if (!article) return undefined;
    for (let s = article.firstSentence; s < article.firstSentence + article.sentenceCount; s++) {
      if (this.paragraphStart[s] === s) this.liveParagraphs--;
      this.sentenceSlot[s] = NONE;
    }
    this.byId.delete(id);
    this.byKey?.delete(articleKey(id));
    this.articles[article.slot] = undefined;
    this.freeSlots.push(article.slot);
    this.liveSentences -= article.sentenceCount;
    return article;
  }

  get(id: string): StoredArticle | undefined {
    return this.byId.get(id);
  }

  /** The article with this {@link articleKey}. */
  getByKey(key: string): StoredArticle | undefined {
    this.byKey ??= new Map([...this.byId.values()].map((a) => [articleKey(a.id), a]));
    return this.byKey.get(key);
  }

  /** The article in a slot (see {@link StoredArticle.slot}). */
  atSlot(slot: number): StoredArticle | undefined {
    return this.articles[slot];
  }

  /** All articles, in insertion order of their slots. */
  *all(): IterableIterator<StoredArticle> {
    for (const a of this.articles) if (a) yield a;
  }

  /** Whether a sentence id belongs to a current article. */
  isLive(sentence: number): boolean {
    return sentence < this.nextSentence && this.sentenceSlot[sentence]! !== NONE;
  }

  /** The article of a live sentence. */
  articleOf(sentence: number): StoredArticle {
    const a = this.articles[this.sentenceSlot[sentence]!];
    if (!a || sentence >= this.nextSentence) throw new Error(`no live sentence ${sentence}`);
    return a;
  }

  /** Slot of the article of a live sentence (cheaper than {@link articleOf} in hot loops). */
  slotOf(sentence: number): number {
    return this.sentenceSlot[sentence]!;
  }

  /** Character range of a sentence in its article's text. */
  span(sentence: number): { start: number; end: number } {
    return { start: this.sentenceStart[sentence]!, end: this.sentenceEnd[sentence]! };
  }

  /** Text of a live sentence. */
  text(sentence: number): string {
    return this.articleOf(sentence).body.toString('utf8', this.byteStart[sentence], this.byteEnd[sentence]);
  }

  /** The whole text of an article (sentence spans are character offsets into it). */
  articleText(article: StoredArticle): string {
    return article.body.toString('utf8');
  }

  /**
   * The sentence ids of a sentence's paragraph: `[first, end)`. Without
   * paragraph information, each sentence is a paragraph of its own.
   */
  paragraphOf(sentence: number): [number, number] {
    const first = this.paragraphStart[sentence]!;
    const article = this.articleOf(sentence);
    let end = sentence + 1;
    const limit = article.firstSentence + article.sentenceCount;
    while (end < limit && this.paragraphStart[end] === first) end++;
    return [first, end];
  }

  /** Position of a sentence within its article (0-based). */
  position(sentence: number): number {
    return sentence - this.articleOf(sentence).firstSentence;
  }

  /** The citation of an article. */
  static ref(article: StoredArticle): ArticleRef {
    const { id, title } = article;
    const { url, date, source } = article.meta;
    return { id, key: articleKey(id), title, ...(url && { url }), ...(date && { date }), ...(source && { source }) };
  }

  /**
   * Everything the store holds, for snapshots: views of the live arrays, not
   * copies (a snapshot writer abandons its work if the store changes
   * meanwhile). Slots of removed articles are `null`.
   */
  exportState(): ArticleStoreState {
    const n = this.nextSentence;
    const view = <T extends Int32Array | Uint32Array>(a: T): T => a.subarray(0, n) as T;
    return {
      articles: this.articles.map((a) => a ?? null),
      nextSentence: n,
      liveSentences: this.liveSentences,
      liveParagraphs: this.liveParagraphs,
      arrays: {
        sentenceSlot: view(this.sentenceSlot),
        sentenceStart: view(this.sentenceStart),
        sentenceEnd: view(this.sentenceEnd),
        byteStart: view(this.byteStart),
        byteEnd: view(this.byteEnd),
        paragraphStart: view(this.paragraphStart),
      },
    };
  }

  /**
   * Copies the bodies still in the borrowed buffer (see {@link restore}) into
   * buffers of their own until `deadline` (a `performance.now()` time), so
   * that the borrowed one can be freed; returns true when none is left.
   */
  detachBodiesUntil(deadline: number): boolean {
    const borrowed = this.borrowed;
    if (!borrowed) return true;
    for (; this.detachCursor < this.articles.length; this.detachCursor++) {
      const a = this.articles[this.detachCursor];
      // The same bytes in a buffer of its own: what is quoted does not change, so the article object stays.
      if (a?.body.buffer === borrowed) (a as { body: Buffer }).body = Buffer.from(a.body);
      if ((this.detachCursor & 63) === 0 && performance.now() >= deadline) return false;
    }
    this.borrowed = undefined;
    return true;
  }

  /** Whether some bodies are still in the buffer the store was restored from (see {@link detachBodiesUntil}). */
  get hasBorrowedBodies(): boolean {
    return this.borrowed !== undefined;
  }

  /**
   * A store with the given state (from {@link exportState}). Throws when the
   * state does not hang together (see {@link checkState}). Bodies may be
   * views of a buffer `borrowed` from the snapshot's file, read without a
   * copy: {@link detachBodiesUntil} copies them later, a slice at a time.
   */
  static restore(state: ArticleStoreState, options: { borrowed?: ArrayBufferLike } = {}): ArticleStore {
    ArticleStore.checkState(state);
    const store = new ArticleStore();
    store.borrowed = options.borrowed;
    store.ensureCapacity(state.nextSentence);
    store.sentenceSlot.set(state.arrays.sentenceSlot);
    store.sentenceStart.set(state.arrays.sentenceStart);
    store.sentenceEnd.set(state.arrays.sentenceEnd);
    store.byteStart.set(state.arrays.byteStart);
    store.byteEnd.set(state.arrays.byteEnd);
    store.paragraphStart.set(state.arrays.paragraphStart);
    store.nextSentence = state.nextSentence;
    store.liveSentences = state.liveSentences;
    store.liveParagraphs = state.liveParagraphs;
    state.articles.forEach((a, slot) => {
      if (!a) {
        store.articles.push(undefined);
        store.freeSlots.push(slot);
        return;
      }
      store.articles.push(a);
      store.byId.set(a.id, a);
    });
    return store;
  }

  /**
   * Throws unless a state read from a snapshot is one the store could be in:
   * ids unique; each article's sentences a range of its own, every sentence
   * of which points back to it, with its paragraph start inside the article
   * and its bytes inside the article's body; and no live sentence outside
   * such a range. A snapshot is checked against the corpus article by article
   * (snapshotCheck.ts); this is what makes "article by article" enough: the
   * text a quote, its context or a paragraph shows can then only come from
   * the article the quote names, never from another one.
   */
  static checkState(state: ArticleStoreState): void {
    const { articles, nextSentence: n, arrays } = state;
    const { sentenceSlot, paragraphStart, byteStart, byteEnd } = arrays;
    const fail = (why: string): never => {
      throw new Error(`inconsistent article store: ${why}`);
    };
    if (!Number.isInteger(n) || n < 0 || Object.values(arrays).some((a) => a.length < n)) fail('sentence arrays too short');
    const ids = new Set<string>();
    let live = 0;
    articles.forEach((a, slot) => {
      if (!a) return;
      const { firstSentence: first, sentenceCount: count } = a;
      if (a.slot !== slot || typeof a.id !== 'string' || ids.has(a.id)) fail(`article in slot ${slot}`);
      if (!Buffer.isBuffer(a.body) || !Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 0 || first + count > n)
        fail(`sentences of article in slot ${slot}`);
      ids.add(a.id);
      live += count;
      for (let s = first; s < first + count; s++) {
        const p = paragraphStart[s]!;
        if (sentenceSlot[s] !== slot || p < first || p > s || byteStart[s]! > byteEnd[s]! || byteEnd[s]! > a.body.length)
          fail(`sentence ${s}`);
      }
    });
    let pointing = 0;
    for (let s = 0; s < n; s++) if (sentenceSlot[s] !== NONE) pointing++;
    if (pointing !== live || live !== state.liveSentences) fail('live sentences outside their articles');
  }

  private ensureCapacity(n: number): void {
    if (n <= this.sentenceSlot.length) return;
    let size = this.sentenceSlot.length;
    while (size < n) size *= 2;
    const grow = <T extends Int32Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.sentenceSlot = grow(this.sentenceSlot, (k) => new Int32Array(k));
    this.sentenceStart = grow(this.sentenceStart, (k) => new Uint32Array(k));
    this.sentenceEnd = grow(this.sentenceEnd, (k) => new Uint32Array(k));
    this.paragraphStart = grow(this.paragraphStart, (k) => new Int32Array(k));
    this.byteStart = grow(this.byteStart, (k) => new Uint32Array(k));
    this.byteEnd = grow(this.byteEnd, (k) => new Uint32Array(k));
  }
}
