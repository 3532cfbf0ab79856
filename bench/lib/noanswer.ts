/**
 * No-answer rates with the engine's default answer options: how often it
 * stays silent on an unrelated corpus (it should) and on the right one (it
 * should not).
 */
import type { LocalEngine } from '../../src/engine/localEngine.ts';
import type { AnswerConfidence } from '../../src/search/answer.ts';
import type { AnswerMatcher, Question } from './score.ts';

/** Questions per confidence level, and of those how many have a gold answer in the first quote. */
export type ConfidenceCounts = Record<AnswerConfidence['level'], { questions: number; hitAt1: number }>;

/** How many questions got at least one quote, and why the others got none. */
export interface AnswerRate {
  questions: number;
  answered: number;
  unanswered: number;
  /** `Answer.reason` counts over the unanswered questions. */
  reasons: Record<string, number>;
  /** How many answers were clear, weak or none, with the first quote's hits (counted only with a matcher). */
  levels: ConfidenceCounts;
  /** Questions that threw. */
  errors: number;
  /** A few unanswered questions, to eyeball. */
  examples: Array<{ id: string; question: string; reason: string }>;
  seconds: number;
}

/** Asks every question with default options (no minCoverage override) and counts answers. */
export function answerRate(engine: LocalEngine, questions: readonly Question[], matcher?: AnswerMatcher, examples = 5): AnswerRate {
  const t0 = performance.now();
  const levels: ConfidenceCounts = {
    clear: { questions: 0, hitAt1: 0 },
    weak: { questions: 0, hitAt1: 0 },
    none: { questions: 0, hitAt1: 0 },
  };
  const out: AnswerRate = {
    questions: questions.length,
    answered: 0,
    unanswered: 0,
    reasons: {},
    levels,
    errors: 0,
    examples: [],
    seconds: 0,
  };
  for (const q of questions) {
    let reason: string;
    try {
      const answer = engine.askSync(q.question);
      const level = levels[answer.confidence.level];
      level.questions++;
      if (matcher && answer.quotes[0] && matcher(answer.quotes[0].text, q)) level.hitAt1++;
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
