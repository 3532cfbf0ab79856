/**
 * The read-only questions an index host answers besides `ask`: an article
 * as `/source` shows it, and articles matching what someone is typing.
 */
import type { Library } from '../library/library.ts';
import { ArticleStore, type ArticleRef, type StoredArticle } from '../library/store.ts';
import { parseQuestion } from '../search/question.ts';
import type { SentenceRanker } from '../search/rank.ts';
import { cleanArticle } from '../text/clean.ts';
import type { ArticleView, DistinctiveWords } from './types.ts';

/**
 * Longest typed input matched against titles and text, in characters; the
 * rest is ignored. Titles are short, and a cap keeps every look-up's cost
 * bounded whatever is pasted into an autocomplete box.
 */
export const MAX_SUGGEST_INPUT = 200;

/** An article as `/source` shows it: its text, classified lines and sentence spans. */
export function articleView(library: Library, article: StoredArticle | undefined): ArticleView | undefined {
  if (!article) return undefined;
  const { store } = library;
  const text = store.articleText(article);
  const cleaned = cleanArticle(text, { title: article.meta.title, fallbackTitle: article.id });
  const sentences: ArticleView['sentences'] = [];
  for (let s = article.firstSentence; s < article.firstSentence + article.sentenceCount; s++) sentences.push(store.span(s));
  return {
    article: { ...ArticleStore.ref(article), file: article.file, ...(article.line !== undefined && { line: article.line }) },
    text,
    blocks: cleaned.blocks,
    sentences,
  };
}

/**
 * Articles matching typed input, best first: an exact id, ids that start
 * with it, then titles, then articles whose text matches. Empty input lists the first titles in order.
 * Input beyond {@link MAX_SUGGEST_INPUT} characters is ignored.
 */
export function suggestArticles(library: Library, ranker: SentenceRanker, typed: string, limit: number): ArticleRef[] {
  const { store } = library;
  const input = typed.slice(0, MAX_SUGGEST_INPUT).trim();
  const out = new Map<string, ArticleRef>();
  const add = (id: string): void => {
    const a = store.get(id);
    if (a && out.size < limit && !out.has(id)) out.set(id, ArticleStore.ref(a));
  };
  if (!input) {
    for (const a of store.all()) {
      if (out.size >= limit) break;
      add(a.id);
    }
    return [...out.values()];
  }
  add(input);
  // Ids that start with the input: ids are paths, and people type the start of one.
  if (!/\s/.test(input)) {
    for (const a of store.all()) {
      if (out.size >= limit) break;
      if (a.id.startsWith(input)) add(a.id);
    }
  }
  for (const m of library.titles.suggest(input, limit)) add(m.id);
  if (out.size < limit) {
    for (const r of ranker.rank(parseQuestion(input, library.sentences), { depth: 200 }).results) {
      if (out.size >= limit) break;
      add(store.articleOf(r.id).id);
    }
  }
  return [...out.values()];
}

/** Longest text {@link distinctiveWords} reads, in characters (Discord messages are at most 4,000); the rest is ignored. */
export const MAX_DISTINCTIVE_INPUT = 4000;

/**
 * The `limit` most distinctive words of a text, to search for what a long
 * message is about (Find sources). Words whose term the corpus has are
 * ranked by their rarity in it (document frequency, fewest first: the idf
 * order), ties in text order. Words the corpus has never seen cannot be
 * ranked by it, but they matter: answering counts them against a quote's
 * coverage, which is how a message about something the corpus does not cover
 * finds no answer. So the choice keeps their share: of the `n` words chosen,
 * unknown words make up the share they have among the text's distinct content
 * words (the most repeated first, then in text order). Dropping them instead
 * would turn "a good pizza place in Chicago near the lakefront…" into
 * "place near", which some sentence always matches. A text of `limit`
 * content words or fewer comes back whole.
 * Costs time linear in the text, read up to {@link MAX_DISTINCTIVE_INPUT}.
 */
export function distinctiveWords(library: Library, text: string, limit: number): DistinctiveWords {
  const index = library.sentences;
  const seen = new Map<string, { word: string; position: number; count: number; df: number }>();
  let position = 0;
  for (const token of library.analyzer.tokens(text.slice(0, MAX_DISTINCTIVE_INPUT))) {
    if (token.terms.length === 0) continue;
    const entry = seen.get(token.word);
    if (entry) entry.count++;
    else {
      // A compound's first term is the whole word ("anti-tank"); its rarity is the word's.
      const df = index.documentFrequency(token.terms[0]!);
      seen.set(token.word, { word: token.word, position: position++, count: 1, df });
    }
  }
  const all = [...seen.values()];
  const n = Math.max(0, Math.min(Math.trunc(limit), all.length));
  const known = all.filter((w) => w.df > 0).sort((a, b) => a.df - b.df || a.position - b.position);
  const unknown = all.filter((w) => w.df === 0).sort((a, b) => b.count - a.count || a.position - b.position);
  let unknownSlots = all.length ? Math.round((n * unknown.length) / all.length) : 0;
  unknownSlots = Math.min(unknown.length, Math.max(unknownSlots, n - known.length));
  const chosen = [...unknown.slice(0, unknownSlots), ...known.slice(0, n - unknownSlots)];
  return { words: chosen.sort((a, b) => a.position - b.position).map((w) => w.word), total: all.length };
}
