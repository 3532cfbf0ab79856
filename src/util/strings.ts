/**
 * V8 keeps a substring of 13 or more characters as a slice of its parent:
 * a title cut from an article, or a word cut from a sentence, then keeps the
 * whole article text alive. Strings kept for the life of an index are copied
 * flat with this.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
