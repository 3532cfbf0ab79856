import { createHash } from 'node:crypto';
import type { ArticleMeta } from './types.ts';

/**
 * Short stable hash of what an article contributes to the index: id, metadata
 * and text. A later incremental reload compares hashes to find changed
 * articles, so the input is serialized canonically (fixed field order, extra
 * keys sorted) and does not depend on object key insertion order.
 *
 * 16 hex chars = 64 bits of SHA-256: collisions are not a concern at corpus
 * sizes, and the value stays short enough to log.
 */
export function hashArticle(id: string, meta: ArticleMeta, text: string, pages?: readonly number[]): string {
  const extra = Object.entries(meta.extra).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify([
    id,
    meta.title ?? null,
    meta.url ?? null,
    meta.date ?? null,
    meta.source ?? null,
    extra,
    text,
    // Only paged documents add an element, so every other article keeps the hash it had.
    ...(pages === undefined ? [] : [pages]),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
