/**
 * The read-only questions an index host answers besides `ask`: an article
 * as `/source` shows it, and articles matching what someone is typing.
 */
import type { Library } from '../library/library.ts';
import { ArticleStore, type ArticleRef, type StoredArticle } from '../library/store.ts';
import { parseQuestion } from '../search/question.ts';
import type { SentenceRanker } from '../search/rank.ts';
import { cleanArticle } from '../text/clean.ts';
import type { ArticleView } from './types.ts';

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
