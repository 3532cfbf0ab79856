/**
 * Whether a document's text is already in the corpus: a fingerprint of an
 * article's text that ignores how it is laid out (runs of white space count
 * as one space, and the ends are trimmed), so the same story saved twice, or
 * re-wrapped, is recognized, while any change of a word is not hidden.
 */
import { createHash } from 'node:crypto';

/** 32 hex characters (128 bits of SHA-256) of the text with its white space normalized. */
export function textFingerprint(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 32);
}
