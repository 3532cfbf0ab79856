/**
 * Answering: a question → quoted sentences with citations, highlights and
 * context, or a clear "no answer" with the closest articles.
 */
import type { Library } from '../library/library.ts';
import { pageAt } from '../corpus/pages.ts';
import { ArticleStore, type ArticleRef } from '../library/store.ts';
import { parseQuestion, type ParsedQuestion, type QuestionKind, type QuestionOptions } from './question.ts';
import { SentenceRanker, type RankSettings } from './rank.ts';

/** Options of {@link answerQuestion}. */
export interface AnswerOptions {
  /** Quotes to return. Default 3. */
  top?: number;
  /** Quotes to skip, for paging ("More"). Default 0. */
  offset?: number;
  /**
   * Least coverage for a sentence to count as an answer: the share of the
   * question's words, weighted by rarity, found in the sentence's paragraph
   * (with the article's title). Below it for every sentence: "no answer".
   * Default 0.35, calibrated so that unrelated questions find nothing while
   * answerable ones still do (README, "Knowing when there is no answer").
   */
  minCoverage?: number;
  /**
   * Least confidence for an answer to be a clear one (see {@link AnswerConfidence}):
   * below it, the quotes are the closest matches, not a clear answer. Default
   * 0.6, calibrated on the benches (README, "Clear and weak answers").
   */
  minConfidence?: number;
  /** Questions longer than this many characters are refused. Default 1000. */
  maxQuestionLength?: number;
  question?: QuestionOptions;
  rank?: RankSettings;
}

/** A character range `[start, end)` within a quote's text. */
export type Highlight = [start: number, end: number];

/** One quoted sentence. */
export interface Quote {
  /** The sentence, exactly as in the article. */
  text: string;
  score: number;
  /** Ranges of `text` that match the question's words. */
  highlights: Highlight[];
  article: ArticleRef;
  /** Position of the sentence among the article's quotable sentences (0-based). */
  sentence: number;
  /** Where the sentence is in the article's text. */
  offsets: { start: number; end: number };
  /** For a paged document (PDF): the 1-based page the sentence starts on. */
  page?: number;
  /** The sentences just before and after it in the same article, when there are any. */
  context: { before?: string; after?: string };
}

/** Why there are no quotes. */
export type NoAnswerReason = 'empty-question' | 'question-too-long' | 'no-search-terms' | 'no-match' | 'empty-corpus';

/**
 * How sure an answer is. `score` is the share of the question's words,
 * weighted by rarity, that the best quote holds (its article's title words
 * count): 1 when it says everything the question names, 0 when there are no
 * quotes. Of the signals measured on the benches it is the one that best
 * tells an answer from a near miss, and it does not move when the ranking's
 * weights are re-tuned.
 */
export interface AnswerConfidence {
  /** 'clear': the best quote answers; 'weak': closest matches, not a clear answer; 'none': no quotes. */
  level: 'clear' | 'weak' | 'none';
  /** 0–1, two decimals. */
  score: number;
}

/** The answer to one question. */
export interface Answer {
  question: string;
  quotes: Quote[];
  /** Quotes available in all, for paging (at most the ranking depth). */
  total: number;
  /** Set when `quotes` is empty. */
  reason?: NoAnswerReason;
  /** When there is no answer: the articles closest to the question, if any. */
  suggestions: ArticleRef[];
  kind: QuestionKind;
  /** Whether the quotes are a clear answer or only the closest matches. */
  confidence: AnswerConfidence;
  /** The question's words that were searched for (normalized, stop words left out). */
  searchedWords: string[];
  /** Unknown question words and the corpus words searched instead ("unifer" → ["unifier"]). */
  corrections: Record<string, string[]>;
  /** Sentences in the library. */
  sentences: number;
  /** Candidate sentences scored. */
  candidates: number;
  tookMs: number;
}

const DEFAULTS = { top: 3, offset: 0, minCoverage: 0.35, minConfidence: 0.6, maxQuestionLength: 1000 };
const NO_CONFIDENCE: AnswerConfidence = { level: 'none', score: 0 };

/**
 * Answers a question from a library. Pure apart from the ranker's scratch
 * buffers; safe to call for many questions in a row.
 */
export function answerQuestion(library: Library, ranker: SentenceRanker, question: string, options: AnswerOptions = {}): Answer {
  const started = performance.now();
  const { top, offset, minCoverage, minConfidence, maxQuestionLength } = { ...DEFAULTS, ...options };
  const text = question.trim();
  const base = {
    question: text,
    quotes: [],
    total: 0,
    suggestions: [],
    searchedWords: [],
    corrections: {},
    sentences: library.store.sentenceCount,
    candidates: 0,
    confidence: NO_CONFIDENCE,
  };
  const finish = (answer: Omit<Answer, 'tookMs'>): Answer => ({ ...answer, tookMs: performance.now() - started });

  if (!text) return finish({ ...base, kind: 'other', reason: 'empty-question' });
  if (text.length > maxQuestionLength) return finish({ ...base, kind: 'other', reason: 'question-too-long' });
  if (library.store.sentenceCount === 0) return finish({ ...base, kind: 'other', reason: 'empty-corpus' });

  const parsed = parseQuestion(text, library.sentences, options.question);
  const searchedWords = [...new Set(parsed.groups.map((g) => g.word))];
  const corrections = Object.fromEntries(parsed.groups.filter((g) => g.corrected).map((g) => [g.word, g.corrections]));
  if (parsed.groups.length === 0) return finish({ ...base, kind: parsed.kind, searchedWords, reason: 'no-search-terms' });

  const ranking = ranker.rank(parsed, options.rank);
  const answers = [];
  const seen = new Set<string>();
  for (const r of ranking.results) {
    if (r.paragraphCoverage < minCoverage) continue;
    const key = library.store.text(r.id);
    if (seen.has(key)) continue; // the same line in two articles is quoted once
    seen.add(key);
    answers.push(r);
  }
  const page = answers.slice(offset, offset + top);
  const quotes = page.map((r) => makeQuote(library, parsed, r.id, r.score));
  const suggestions =
    answers.length === 0
      ? closestArticles(
          library,
          parsed,
          ranking.results.map((r) => r.id),
        )
      : [];
  const best = answers[0];
  const score = best ? Math.round(best.coverage * 100) / 100 : 0;
  const confidence: AnswerConfidence = best ? { level: score >= minConfidence ? 'clear' : 'weak', score } : NO_CONFIDENCE;
  return finish({
    question: text,
    quotes,
    confidence,
    total: answers.length,
    ...(answers.length === 0 && { reason: 'no-match' as const }),
    suggestions,
    kind: parsed.kind,
    searchedWords,
    corrections,
    sentences: library.store.sentenceCount,
    candidates: ranking.candidates,
  });
}

/** Builds the quote of one sentence: text, citation, highlights and context. */
export function makeQuote(library: Library, question: ParsedQuestion, id: number, score: number): Quote {
  const { store } = library;
  const article = store.articleOf(id);
  const text = store.text(id);
  const position = id - article.firstSentence;
  const context: Quote['context'] = {};
  if (position > 0) context.before = store.text(id - 1);
  if (position + 1 < article.sentenceCount) context.after = store.text(id + 1);
  const offsets = store.span(id);
  const page = pageAt(article.pages, offsets.start);
  return {
    text,
    score: Math.round(score * 1000) / 1000,
    highlights: highlight(library, question, text),
    article: ArticleStore.ref(article),
    sentence: position,
    offsets,
    ...(page !== undefined && { page }),
    context,
  };
}

/** Ranges of `text` whose tokens carry one of the question's terms. */
export function highlight(library: Library, question: ParsedQuestion, text: string): Highlight[] {
  const wanted = new Set(question.terms.map((t) => t.term));
  const out: Highlight[] = [];
  for (const token of library.analyzer.tokens(text)) {
    if (!token.terms.some((t) => wanted.has(t))) continue;
    const last = out[out.length - 1];
    // Merge adjacent matches ("Operation Unifier") into one range.
    if (last && /^\s*$/.test(text.slice(last[1], token.start))) last[1] = token.end;
    else out.push([token.start, token.end]);
  }
  return out;
}

/** Up to three articles nearest to a question that found no answer: by title, then by partial matches. */
function closestArticles(library: Library, question: ParsedQuestion, candidates: number[]): ArticleRef[] {
  const { store } = library;
  const out = new Map<string, ArticleRef>();
  const byTitle = [...library.titles.score(question.terms.map((t) => t.term))].sort((a, b) => b[1].score - a[1].score);
  for (const [id] of byTitle) {
    const a = store.get(id);
    if (a && out.size < 3) out.set(id, ArticleStore.ref(a));
  }
  for (const id of candidates) {
    if (out.size >= 3) break;
    const a = store.articleOf(id);
    if (!out.has(a.id)) out.set(a.id, ArticleStore.ref(a));
  }
  return [...out.values()];
}
