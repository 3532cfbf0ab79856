/**
 * Checking a snapshot against the corpus before it serves anything.
 *
 * A snapshot is a cache, not a source: anyone who can write to the snapshot
 * folder could otherwise make the bot quote text of their own (a body
 * changed and the file's checksum recomputed loads fine). So a library
 * loaded from a snapshot is brought up to date by re-reading EVERY corpus
 * file, not only those whose size or modification time changed, and an
 * article of the snapshot is kept only when the text it would quote is the
 * text the file gives now: its stored body, metadata and id must hash to the
 * content hash the loader computes from the file today, and its title must
 * be one the cleaning stage could have derived (the explicit title, the id,
 * or words of its own text). Anything else is re-indexed from the file.
 *
 * What this does not cover, and why it is acceptable, is in the README
 * ("Trust"): a writer of the snapshot folder can still change rankings or
 * where sentences are cut within a verified text, but not what text exists.
 */
import { hashArticle } from '../corpus/hash.ts';
import type { Library } from '../library/library.ts';
import type { StoredArticle } from '../library/store.ts';

/** The ellipsis a derived title ends with when the first sentence was cut. */
const CUT = '…';

/**
 * Whether an article from a snapshot still holds exactly what its loader
 * recorded: body, metadata and id hash to `expectedHash` (the hash of the
 * article the corpus file gives now), and its title is the explicit one, its
 * id, or text of its own body.
 */
export function storedArticleIsIntact(library: Library, article: StoredArticle, expectedHash: string): boolean {
  if (article.hash !== expectedHash) return false;
  const text = library.store.articleText(article);
  if (hashArticle(article.id, article.meta, text) !== expectedHash) return false;
  const title = article.title;
  if (title === article.meta.title?.trim() || title === article.id || title === 'Untitled') return true;
  // A derived title is a line or first sentence of the text, its white space collapsed.
  const derived = title.endsWith(CUT) ? title.slice(0, -CUT.length) : title;
  return derived.length > 0 && (text.includes(derived) || text.replace(/\s+/g, ' ').includes(derived));
}
