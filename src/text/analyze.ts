/**
 * Analysis: text → tokens → index terms.
 *
 * The same analysis runs on sentences (at index time) and on questions, so a
 * question word and a sentence word meet on the same term:
 *
 * - Tokens are Unicode-aware (letters and digits of any script: "São Paulo",
 *   "Séjourné"), with inner apostrophes and hyphens kept ("Canada's",
 *   "anti-tank"), dotted acronyms kept whole ("U.S."), and number separators
 *   kept inside numbers ("10,000", "9.7").
 * - Words are lower-cased, diacritics are folded (Séjourné = Sejourne), curly
 *   apostrophes become straight ones (Canada’s = Canada's), possessive 's is
 *   dropped, and English stop words produce no term (but an all-capitals
 *   acronym never counts as one: "US" is a country, "us" a pronoun). A text
 *   written entirely or mostly in capitals ("HOW MANY STRIPES ARE ON THE
 *   FLAG", a shouted headline) is not a run of acronyms: its undotted
 *   all-capital words are read as ordinary words ({@link isMostlyCapitals}).
 * - Numbers are kept, with thousands separators removed, so "10,000" and
 *   "10000" are the same term.
 * - A hyphenated word yields the whole compound and each of its parts, so
 *   "anti-tank" is findable as a whole and as "tank".
 * - An irregular form is first brought back to its base ("wrote", "written" →
 *   "write"; "women" → "woman"; see {@link IRREGULAR_BASE_FORMS}), which
 *   suffix stripping cannot do, and is a stop word when its base is one.
 * - Remaining words are Porter-stemmed (natural's PorterStemmer, imported as a
 *   submodule: natural's index pulls in database clients and dotenv, which
 *   print to stdout and take ~0.5 s to load).
 */
import { createRequire } from 'node:module';
import { detach } from '../util/strings.ts';
import { IRREGULAR_BASE_FORMS } from './baseForms.ts';

const require = createRequire(import.meta.url);
// natural ships CommonJS without type declarations for its submodules.
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as { stem(word: string): string };
const naturalStopWords = (require('natural/lib/natural/util/stopwords.js') as { words: string[] }).words;

/** A token of the analyzed text, with its position for highlighting and proximity. */
export interface Token {
  /** Offset of the token's first character in the analyzed text. */
  start: number;
  /** Offset just past the token's last character. */
  end: number;
  /** Normalized surface form: lower case, diacritics folded, straight apostrophes, no possessive. */
  word: string;
  /** The index terms this token yields; empty for a stop word. */
  terms: string[];
}

/**
 * English stop words: natural's list (which also holds single letters and
 * digits), minus the digits (a number in a question is a strong clue),
 * plus common words it lacks: negations, modals, "us" and contractions.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  ...naturalStopWords.filter((w) => !/^\d$/.test(w)),
  'not',
  'no',
  'nor',
  'will',
  'shall',
  'may',
  'us',
  'yet',
  'ever',
  'whose',
  'upon',
  'onto',
  'per',
  'via',
  'whether',
  'either',
  'neither',
  'every',
  'almost',
  'although',
  'though',
  'unless',
  'let',
  'lets',
  'put',
  "can't",
  "won't",
  "shan't",
  "ain't",
  'cannot',
  'etc',
]);

/** Suffixes of English contractions; the part before them decides whether the word is a stop word. */
const CONTRACTION = /^(.+?)(?:n't|'re|'ve|'ll|'d|'m)$/;

/**
 * Surface tokens: dotted acronyms ("U.S."), numbers with separators and an
 * optional unit or ordinal suffix ("10,000", "9.7", "24th", "1990s"), and words
 * with inner apostrophes or hyphens. The lookbehind stops an acronym match
 * from starting in the middle of a word.
 */
export const TOKEN =
  /(?<![\p{L}\p{M}\p{N}])(?:\p{L}\.){2,}|\p{N}+(?:[.,]\p{N}+)*[\p{L}\p{M}]*|[\p{L}\p{M}\p{N}]+(?:['’ʼ‐‑-][\p{L}\p{M}\p{N}]+)*/gu;

// Character classes of the hand-written scanner ({@link scanTokens}), for the code units of the Basic Multilingual Plane.
const LETTER = 1; // \p{L}
const NUMBER = 2; // \p{N}
const MARK = 3; // \p{M}
const JOINER = 4; // an apostrophe or hyphen that may join two parts of a word
const OTHER = 5;
const UNKNOWN = 0;
/** Class of each BMP code unit, filled in on first sight (a regex test per distinct character). */
const CLASSES = new Uint8Array(0x10000);

function classOf(code: number): number {
  let c = CLASSES[code]!;
  if (c === UNKNOWN) {
    const ch = String.fromCharCode(code);
    c = /\p{L}/u.test(ch) ? LETTER : /\p{N}/u.test(ch) ? NUMBER : /\p{M}/u.test(ch) ? MARK : /['’ʼ‐‑-]/u.test(ch) ? JOINER : OTHER;
    CLASSES[code] = c;
  }
  return c;
}
const isWordPart = (c: number): boolean => c === LETTER || c === NUMBER || c === MARK;

/**
 * Calls `each(start, end)` for every token of `text`, the very ranges
 * {@link TOKEN} matches, in order. Text without surrogate pairs (nearly every
 * sentence) is scanned by hand over a table of character classes, several
 * times faster than the regex, which tokenizing a corpus runs for every
 * word; other text goes through the regex itself.
 */
export function scanTokens(text: string, each: (start: number, end: number) => void): void {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const re = new RegExp(TOKEN);
      for (let m = re.exec(text); m; m = re.exec(text)) each(m.index, m.index + m[0].length);
      return;
    }
  }
  let i = 0;
  while (i < n) {
    const first = classOf(text.charCodeAt(i));
    if (!isWordPart(first)) {
      i++;
      continue;
    }
    const start = i;
    let j = start + 1;
    if (first === NUMBER) {
      // \p{N}+(?:[.,]\p{N}+)*[\p{L}\p{M}]*
      while (j < n && classOf(text.charCodeAt(j)) === NUMBER) j++;
      for (;;) {
        const sep = text.charCodeAt(j);
        if (j + 1 >= n || (sep !== 46 && sep !== 44) || classOf(text.charCodeAt(j + 1)) !== NUMBER) break;
        j += 2;
        while (j < n && classOf(text.charCodeAt(j)) === NUMBER) j++;
      }
      while (j < n && (classOf(text.charCodeAt(j)) === LETTER || classOf(text.charCodeAt(j)) === MARK)) j++;
      each(start, j);
      i = j;
      continue;
    }
    if (first === LETTER && (start === 0 || !isWordPart(classOf(text.charCodeAt(start - 1))))) {
      // (?<![\p{L}\p{M}\p{N}])(?:\p{L}\.){2,}: a dotted acronym, tried first.
      let k = start;
      while (k + 1 < n && classOf(text.charCodeAt(k)) === LETTER && text.charCodeAt(k + 1) === 46) k += 2;
      if (k - start >= 4) {
        each(start, k);
        i = k;
        continue;
      }
    }
    // [\p{L}\p{M}\p{N}]+(?:['’ʼ‐‑-][\p{L}\p{M}\p{N}]+)*
    while (j < n && isWordPart(classOf(text.charCodeAt(j)))) j++;
    while (j + 1 < n && classOf(text.charCodeAt(j)) === JOINER && isWordPart(classOf(text.charCodeAt(j + 1)))) {
      j += 2;
      while (j < n && isWordPart(classOf(text.charCodeAt(j)))) j++;
    }
    each(start, j);
    i = j;
  }
}
/** Most surface forms memoised by {@link Analyzer.analyzeToken} before the cache starts over. */
const MAX_CACHED_SURFACES = 500_000;
const THOUSANDS = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
/** An acronym: capitals ("US", "NATO"), or letters with dots in any case ("U.S.", "u.s.": never the pronoun "us"). */
const ACRONYM = /^(?:(?:\p{Lu}\.?){2,}|(?:\p{L}\.){2,}\p{L}?)$/u;
const COMBINING_MARKS = /\p{M}+/gu;
const APOSTROPHES = /[’ʼ‘`´]/g;
const HYPHENS = /[‐‑]/g;

/** An undotted all-capitals token ("US", "WHAT"): an acronym, or a word written in capitals. */
const UNDOTTED_CAPITALS = /^\p{Lu}{2,}$/u;

/**
 * Whether a text is written entirely or mostly in capitals: fewer than one
 * cased letter in five is lower case, among at least four capitals. "HOW
 * MANY STRIPES ARE ON THE FLAG" is; "NATO and the US signed" and title case
 * ("How Many Stripes") are not. One pass over the characters, no allocation.
 */
export function isMostlyCapitals(text: string): boolean {
  let upper = 0;
  let lower = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c > 127) {
      const ch = text[i]!;
      if (ch !== ch.toLowerCase()) upper++;
      else if (ch !== ch.toUpperCase()) lower++;
    }
  }
  return upper >= 4 && lower * 4 < upper;
}

/**
 * A surface token read as an ordinary word: an undotted all-capitals token
 * lower-cased, so that it is not taken for an acronym ("WHAT" → "what", a
 * stop word); any other token as it is ("U.S." stays an acronym).
 */
export function asOrdinaryWord(surface: string): string {
  return UNDOTTED_CAPITALS.test(surface) ? surface.toLowerCase() : surface;
}

/** Lower case, diacritics folded, straight apostrophes and hyphens. */
export function normalizeWord(surface: string): string {
  return surface.normalize('NFKD').replace(COMBINING_MARKS, '').replace(APOSTROPHES, "'").replace(HYPHENS, '-').toLowerCase();
}

/** Splits text into surface tokens with their offsets (no normalization). */
export function surfaceTokens(text: string): Array<{ surface: string; start: number; end: number }> {
  const out: Array<{ surface: string; start: number; end: number }> = [];
  scanTokens(text, (start, end) => out.push({ surface: text.slice(start, end), start, end }));
  return out;
}

/** The memoised analysis of one surface form. */
export interface AnalyzedToken {
  readonly word: string;
  readonly terms: string[];
  /** Set by the sentence index once the word is in its vocabulary, so it is recorded once per surface form. */
  indexed: boolean;
}

/** Options of {@link Analyzer}. */
export interface AnalyzerOptions {
  /** Words that produce no term. Default: {@link STOP_WORDS}. */
  stopWords?: ReadonlySet<string> | undefined;
  /** The stemmer. Default: natural's Porter stemmer. */
  stem?: (word: string) => string;
  /**
   * Irregular forms mapped to their base before stemming ("wrote" → "write").
   * Default: {@link IRREGULAR_BASE_FORMS}; an empty map turns the mapping off.
   */
  baseForms?: ReadonlyMap<string, string> | undefined;
}

/**
 * Turns text into index terms. Stemming is memoised: a corpus of a million
 * sentences holds only ~100k distinct words, and Porter stemming is most of
 * the cost of indexing without the cache.
 */
export class Analyzer {
  readonly stopWords: ReadonlySet<string>;
  readonly baseForms: ReadonlyMap<string, string>;
  private readonly stemWord: (word: string) => string;
  private readonly stems = new Map<string, string>();
  private readonly surfaces = new Map<string, AnalyzedToken>();

  constructor(options: AnalyzerOptions = {}) {
    this.stopWords = options.stopWords ?? STOP_WORDS;
    this.baseForms = options.baseForms ?? IRREGULAR_BASE_FORMS;
    this.stemWord = options.stem ?? ((w) => PorterStemmer.stem(w));
  }

  /** Empties the memo tables (after a build: they are only a speed-up, and hold megabytes at scale). */
  clearCaches(): void {
    this.stems.clear();
    this.surfaces.clear();
  }

  /** All tokens of `text`, with their normalized words and terms. */
  tokens(text: string): Token[] {
    const out: Token[] = [];
    const capitals = isMostlyCapitals(text);
    for (const { surface, start, end } of surfaceTokens(text))
      out.push({ start, end, ...this.analyzeToken(capitals ? asOrdinaryWord(surface) : surface) });
    return out;
  }

  /** The index terms of `text`, in order, stop words left out. */
  terms(text: string): string[] {
    const out: string[] = [];
    const capitals = isMostlyCapitals(text);
    for (const { surface } of surfaceTokens(text)) {
      for (const t of this.analyzeToken(capitals ? asOrdinaryWord(surface) : surface).terms) out.push(t);
    }
    return out;
  }

  /**
   * Calls `each` with the analysis of every token of `text`, in order, without
   * allocating per token: the indexing path, run for every token of a corpus.
   */
  forEachToken(text: string, each: (analyzed: AnalyzedToken) => void): void {
    const capitals = isMostlyCapitals(text);
    scanTokens(text, (start, end) => {
      const surface = text.slice(start, end);
      each(this.analyzeToken(capitals ? asOrdinaryWord(surface) : surface));
    });
  }

  /**
   * The normalized word and index terms of one surface token (see the module
   * comment for the rules). Memoised by surface form: a corpus repeats the
   * same surface tokens endlessly, and normalizing (NFKD) is the costly part
   * once stems are cached. Callers must not mutate the result.
   */
  analyzeToken(surface: string): AnalyzedToken {
    let analyzed = this.surfaces.get(surface);
    if (analyzed === undefined) {
      // Copied flat: these strings outlive the text they were cut from (vocabulary, index terms).
      const word = detach(this.word(surface));
      analyzed = { word, terms: this.termsOfWord(word, ACRONYM.test(surface)).map(detach), indexed: false };
      // Bounded: a corpus of a million sentences has a few hundred thousand surface forms.
      if (this.surfaces.size >= MAX_CACHED_SURFACES) this.surfaces.clear();
      this.surfaces.set(surface, analyzed);
    }
    return analyzed;
  }

  /** The normalized word of a surface token: lower case, folded, no possessive, no acronym dots. */
  word(surface: string): string {
    let w = normalizeWord(surface);
    if (w.endsWith("'s")) w = w.slice(0, -2);
    if (w.includes('.') && /\p{L}/u.test(w[0]!)) w = w.replace(/\./g, ''); // "u.s." → "us"
    if (THOUSANDS.test(w)) w = w.replace(/,/g, '');
    return w;
  }

  /**
   * The term of a single normalized word (no hyphen handling), or `undefined`
   * for a stop word. `acronym` keeps an all-capitals word even when it spells
   * a stop word or an irregular form ("MEN" is not "men").
   */
  termOfWord(word: string, acronym = false): string | undefined {
    if (acronym) return this.stem(word);
    const base = this.baseForms.get(word) ?? word;
    if (this.isStopWord(word) || this.isStopWord(base)) return undefined;
    if (/^\p{N}/u.test(word)) return word; // numbers are not stemmed
    return this.stem(base);
  }

  /** Whether a normalized word is a stop word (contractions by their first part: "don't" → "do"). */
  isStopWord(word: string): boolean {
    if (this.stopWords.has(word)) return true;
    const m = CONTRACTION.exec(word);
    return m !== null && this.stopWords.has(m[1]!);
  }

  /**
   * Porter stem, memoised. Porter reduces a few words to one or two letters
   * that collide with acronyms and stop words ("used" → "us" = U.S., "one" →
   * "on"); such short stems get a "~" so they only meet their own family.
   */
  stem(word: string): string {
    let s = this.stems.get(word);
    if (s === undefined) {
      s = this.stemWord(word);
      if (s.length <= 2 && s !== word) s += '~';
      this.stems.set(word, s);
    }
    return s;
  }

  private termsOfWord(word: string, acronym: boolean): string[] {
    if (!word.includes('-')) {
      const t = this.termOfWord(word, acronym);
      return t === undefined ? [] : [t];
    }
    // A compound yields the whole (its parts' stems joined) and each content part.
    const parts = word.split('-').filter(Boolean);
    const partTerms = parts.map((p) => this.termOfWord(p, acronym));
    const whole = parts.map((p, i) => partTerms[i] ?? p).join('-');
    const out = [whole];
    for (const t of partTerms) if (t !== undefined && t !== whole && !out.includes(t)) out.push(t);
    return out;
  }
}
