/**
 * Finding an article by its text (see `textFingerprint`), for refusing a
 * document that is already in the corpus. The fingerprints are computed when
 * first asked for and kept per stored article: a stored article never changes
 * (a changed one is a new object), so after a change only the new articles
 * are hashed, and a corpus that is never added to pays nothing.
 */
import { textFingerprint } from '../corpus/fingerprint.ts';
import type { Library } from '../library/library.ts';
import { ArticleStore, type ArticleRef, type StoredArticle } from '../library/store.ts';

export class ContentIndex {
  private readonly fingerprints = new WeakMap<StoredArticle, string>();

  constructor(private readonly library: Library) {}

  /** The first article (in store order) whose text has this fingerprint. */
  find(fingerprint: string): ArticleRef | undefined {
    const { store } = this.library;
    for (const article of store.all()) {
      let known = this.fingerprints.get(article);
      if (known === undefined) {
        known = textFingerprint(store.articleText(article));
        this.fingerprints.set(article, known);
      }
      if (known === fingerprint) return ArticleStore.ref(article);
    }
    return undefined;
  }
}
