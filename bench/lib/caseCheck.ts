/**
 * Case check: a question typed in capitals, in title case or in lower case is
 * the same question, and should get the same answers. Counts, over the
 * bench's questions, how often each variant's quotes equal the lower-case
 * question's.
 */
import type { LocalEngine } from '../../src/engine/localEngine.ts';
import type { Question } from './score.ts';

/** Variants of a question's case. */
const VARIANTS = {
  upper: (q: string) => q.toUpperCase(),
  title: (q: string) =>
    q.toLowerCase().replace(/(^|[^\p{L}\p{N}'’])(\p{L})/gu, (_m, before: string, c: string) => before + c.toUpperCase()),
  original: (q: string) => q,
} as const;

/** For each variant, the share of questions whose top quotes equal the lower-case question's. */
export type CaseAgreement = Record<keyof typeof VARIANTS, number>;

/** Asks each question in lower case and in each variant (top 3, default options) and compares the quotes. */
export function caseAgreement(engine: LocalEngine, questions: readonly Question[]): CaseAgreement {
  const same = { upper: 0, title: 0, original: 0 };
  const quotes = (q: string): string => JSON.stringify(engine.askSync(q, { top: 3 }).quotes.map((x) => x.text));
  for (const { question } of questions) {
    const lower = quotes(question.toLowerCase());
    for (const [name, variant] of Object.entries(VARIANTS) as Array<[keyof typeof VARIANTS, (q: string) => string]>) {
      if (quotes(variant(question)) === lower) same[name]++;
    }
  }
  const n = Math.max(1, questions.length);
  return { upper: same.upper / n, title: same.title / n, original: same.original / n };
}
