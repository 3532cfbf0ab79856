/**
 * Fetching links safely (see fetchDocument.ts): only http(s), only public
 * addresses unless allowed, redirects re-checked, a deadline and a size cap,
 * and only the content types the corpus can read.
 */
export {
  fetchDocument,
  FETCHABLE_TYPES,
  DEFAULT_FETCH_TIMEOUT_MS,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_FETCH_MAX_BYTES,
} from './fetchDocument.ts';
export type { FetchOptions, FetchResult, FetchedDocument, FetchRefusal, FetchableType, Resolver } from './fetchDocument.ts';
export { addressProblem } from './addresses.ts';
