/** Page numbers of paged documents (PDF): from a text offset to the page it is on. */

/**
 * The 1-based page of the character at `offset`, given the page starts of
 * `LoadedArticle.pages`; `undefined` without page starts. Binary
 * search: O(log pages).
 */
export function pageAt(pages: readonly number[] | undefined, offset: number): number | undefined {
  if (pages === undefined || pages.length === 0) return undefined;
  let lo = 0;
  let hi = pages.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pages[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
