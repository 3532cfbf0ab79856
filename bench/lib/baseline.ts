/**
 * The plain MiniSearch baseline: MiniSearch with its default options over the
 * very sentences the engine quotes, so the comparison is about ranking only,
 * not sentence splitting.
 */
import MiniSearch from 'minisearch';
import type { ArticleStore } from '../../src/library/store.ts';
import type { Search } from './run.ts';

interface SentenceDoc {
  id: number;
  title: string;
  text: string;
  docId: string;
}

/** The baseline's search function and its build time. */
export interface Baseline {
  search: Search;
  sentences: number;
  buildMs: number;
}

/**
 * Indexes every sentence of `store` as one MiniSearch document (fields title
 * and text, default tokenizer, no stemming) and returns a top-10 search.
 * The build time covers indexing only: reading and splitting are the engine's.
 */
export function buildBaseline(store: ArticleStore, top = 10): Baseline {
  const t0 = performance.now();
  const docs: SentenceDoc[] = [];
  for (const a of store.all()) {
    for (let id = a.firstSentence; id < a.firstSentence + a.sentenceCount; id++) {
      docs.push({ id, title: a.title, text: store.text(id), docId: a.id });
    }
  }
  const mini = new MiniSearch<SentenceDoc>({ fields: ['title', 'text'], storeFields: ['docId'] });
  mini.addAll(docs);
  const buildMs = performance.now() - t0;
  const search: Search = (question) =>
    mini
      .search(question)
      .slice(0, top)
      .map((r) => ({ text: store.text(r.id as number), docId: r.docId as string }));
  return { search, sentences: docs.length, buildMs };
}
