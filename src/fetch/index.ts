/**
 * Fetching links safely (see fetchDocument.ts): only http(s), only public
 * addresses unless allowed, redirects re-checked, a deadline and a size cap,
 * and only the content types the corpus can read.
 */
export { fetchDocument } from './fetchDocument.ts';
export type { FetchOptions, Resolver } from './fetchDocument.ts';
