/**
 * The JSON shape of answers for scripts (`verbatim ask --json`): one object
 * per question, `answers` empty when there is no answer.
 */
import type { Answer, AnswerConfidence, Quote } from '../search/answer.ts';
import type { ArticleRef } from '../library/store.ts';

/** One quote, as scripts receive it: a {@link Quote}, with absent context as `null`. */
export type AnswerJson = Omit<Quote, 'context'> & { context: { before: string | null; after: string | null } };

/** One question's line of output. */
export interface QuestionJson {
  question: string;
  answers: AnswerJson[];
  /** 'clear', 'weak' (closest matches, not a clear answer) or 'none', with the score it was read from. */
  confidence: AnswerConfidence;
  /** Why `answers` is empty (absent otherwise). */
  reason?: string;
  /** When `answers` is empty: the closest articles, if any. */
  suggestions?: ArticleRef[];
  tookMs: number;
}

export function answerToJson(answer: Answer): QuestionJson {
  return {
    question: answer.question,
    answers: answer.quotes.map((q) => ({
      text: q.text,
      score: q.score,
      highlights: q.highlights,
      article: q.article,
      sentence: q.sentence,
      offsets: q.offsets,
      ...(q.page !== undefined && { page: q.page }),
      context: { before: q.context.before ?? null, after: q.context.after ?? null },
    })),
    confidence: answer.confidence,
    ...(answer.reason && { reason: answer.reason, suggestions: answer.suggestions }),
    tookMs: Math.round(answer.tookMs * 100) / 100,
  };
}
