/**
 * No-answer rates with the engine's default answer options: how often it
 * stays silent on an unrelated corpus (it should) and on the right one (it
 * should not).
 */
import type { LocalEngine } from '../../src/engine/localEngine.ts';
import type { Question } from './score.ts';

/** How many questions got at least one quote, and why the others got none. */
export interface AnswerRate {
  questions: number;
  answered: number;
  unanswered: number;
  /** `Answer.reason` counts over the unanswered questions. */
  reasons: Record<string, number>;
  /** Questions that threw. */
  errors: number;
  /** A few unanswered questions, to eyeball. */
  examples: Array<{ id: string; question: string; reason: string }>;
  seconds: number;
}

/** Asks every question with default options (no minCoverage override) and counts answers. */
export function answerRate(engine: LocalEngine, questions: readonly Question[], examples = 5): AnswerRate {
  const t0 = performance.now();
  const out: AnswerRate = { questions: questions.length, answered: 0, unanswered: 0, reasons: {}, errors: 0, examples: [], seconds: 0 };
  for (const q of questions) {
    let reason: string;
    try {
      const answer = engine.askSync(q.question);
      if (answer.quotes.length > 0) {
        out.answered++;
        continue;
      }
      reason = answer.reason ?? '(no reason given)';
    } catch (err) {
      out.errors++;
      reason = `error: ${err instanceof Error ? err.message : String(err)}`;
    }
    out.unanswered++;
    out.reasons[reason] = (out.reasons[reason] ?? 0) + 1;
    if (out.examples.length < examples) out.examples.push({ id: q.id, question: q.question, reason });
  }
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}
