/**
 * The duplicate article id rule and the order of skipped items, in one
 * place for every path that loads articles (a full load, a parallel build, an
 * incremental reload): ids must be unique because users cite them, so when
 * two articles share an id the first one (in sorted file order, then line
 * order) keeps it and the later one is skipped with a reason naming the first.
 */
import type { LoadedArticle, SkippedItem } from './types.ts';
import { comparePaths } from './paths.ts';

type Located = Pick<LoadedArticle, 'id' | 'file' | 'line'>;

/** Where an article comes from, as messages name it: `a/b.txt`, or `feed.jsonl line 3`. */
export function articleLocation(article: Pick<LoadedArticle, 'file' | 'line'>): string {
  return article.line === undefined ? article.file : `${article.file} line ${article.line}`;
}

/** The skipped item reporting `article`, whose id an earlier article (at `firstSeenAt`) already holds. */
export function duplicateSkip(article: Located, firstSeenAt: string): SkippedItem {
  return {
    file: article.file,
    ...(article.line !== undefined && { line: article.line }),
    reason: `duplicate article id "${article.id}" (first seen in ${firstSeenAt})`,
  };
}

/**
 * Hands out article ids, first come first served. `heldElsewhere` names
 * where an id is already held outside this run (the index in use, for an
 * incremental reload), or returns `undefined`.
 */
export class ArticleIdClaims {
  private readonly seen = new Map<string, string>();

  constructor(private readonly heldElsewhere?: (article: Located) => string | undefined) {}

  /** Claims the article's id; if it is taken, returns the skipped item that reports the duplicate instead. */
  claim(article: Located): SkippedItem | undefined {
    const first = this.seen.get(article.id) ?? this.heldElsewhere?.(article);
    if (first !== undefined) return duplicateSkip(article, first);
    this.seen.set(article.id, articleLocation(article));
    return undefined;
  }
}

/** Orders skipped items by file, then line; whole-file items (no line) first within a file. */
export function compareSkipped(a: SkippedItem, b: SkippedItem): number {
  return comparePaths(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0);
}
