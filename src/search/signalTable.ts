/**
 * The stage-2 ranking signals, as one table. Each row is one signal: its
 * name, what it measures, its default weight, how its value enters the score,
 * the ablation it belongs to, and the function that computes it. The rank
 * options' weights, their defaults, the explain output and the bench's
 * ablation variants are all derived from this table, so a new signal is a
 * row here, its function (in signals.ts when it reads the sentence's
 * tokens) and its test.
 *
 * A candidate's stage-2 score is `log(1 + stage1)` plus, for every row in
 * table order, `weight × scale(value)` ({@link combineSignals}).
 */
import type { QuestionKind, QuestionMeasure } from './question.ts';
import {
  answerTypeMatch,
  countsQuestionWord,
  definitionScore,
  exactShare,
  hasAgent,
  hasFullDate,
  hasNewName,
  orderScore,
  phraseScore,
  statesMeasure,
  type SentenceTerms,
} from './signals.ts';

/** What stage 2 knows about a candidate sentence without reading its tokens. */
export interface CandidateFacts {
  /** Stage-1 score: BM25+ and title, times coverage. */
  readonly stage1: number;
  /** Share (0–1) of the question's rarity-weighted words in the sentence (title words count as present). */
  readonly coverage: number;
  /** The same share over the sentence and its neighbours. */
  readonly contextCoverage: number;
  /** The same share over the sentence's paragraph. */
  readonly paragraphCoverage: number;
  /** The same share over the article (as far as the candidates show it) and its title. */
  readonly articleCoverage: number;
  /** The same share over the article's title alone. */
  readonly titleCoverage: number;
  /** Sentence length in distinct terms. */
  readonly length: number;
  /** The sentence's distinct terms that are not the question's: what it says beyond repeating the question. */
  readonly novelty: number;
  /** BM25+ of the question over the sentence's whole paragraph as one text (a postings scan: computed on demand). */
  paragraphBm25(): number;
  /**
   * Soft coverage by learned associations (associations.ts): for each question
   * word the sentence lacks, its rarity share times the strongest associated
   * answer word in the sentence (0–1).
   */
  associated(): number;
  /**
   * For a sentence that opens by pointing back ("It", "These", "The latter"):
   * how much its stage-1 score grows (in log terms) when the question words
   * of the sentence before it count as its own. 0 otherwise.
   */
  anaphoraGain(): number;
}

/** What the token signals read: the sentence's tokens mapped onto the question. */
export interface TokenFacts {
  readonly kind: QuestionKind;
  /** What a quantity question measures, when its wording says. */
  readonly measure: QuestionMeasure | undefined;
  readonly terms: SentenceTerms;
  /** The sentence's text (token offsets point into it). */
  readonly text: string;
  /** The question's normalized words. */
  readonly questionWords: ReadonlySet<string>;
  /** Rarity weight of each question group. */
  readonly groupWeights: readonly number[];
}

interface SignalRow<Tier extends 'candidate' | 'token', Facts> {
  /** The signal's name: its key in the weights and in the explain output. */
  readonly name: string;
  /** What it measures, in a line. */
  readonly description: string;
  /**
   * The bench's ablation this signal belongs to (`npm run bench:quality -- --ablate`
   * prints "no <ablation>"); rows sharing one are switched off together.
   */
  readonly ablation: string;
  /** Default weight (tuned: README, "Answer quality"). 0 switches the signal off and skips computing it. */
  readonly weight: number;
  /** How the value enters the score before weighting; default: as it is. */
  readonly scale?: (value: number) => number;
  /**
   * `candidate`: computed for every stage-2 candidate. `token`: needs the
   * sentence's tokens, so computed for the best `tokenDepth` candidates only.
   */
  readonly tier: Tier;
  readonly compute: (facts: Facts) => number;
}

/** One row of {@link SIGNALS}. */
export type SignalDefinition = SignalRow<'candidate', CandidateFacts> | SignalRow<'token', TokenFacts>;

const log1p = Math.log1p;
/** The most new terms the novelty signal counts. */
const NOVELTY_CAP = 8;

/** Keeps the rows' literal names (for {@link SignalName}) while checking each row's shape. */
function table<const T extends readonly SignalDefinition[]>(rows: T): T {
  return rows;
}

/**
 * The stage-2 signals, in the order their terms are summed. Weights: tuned
 * by coordinate ascent on hit@1 of one half of the development benchmark's
 * articles and checked on the other half (README, "Answer quality").
 */
export const SIGNALS = table([
  {
    name: 'coverage',
    description: "share of the question's rarity-weighted words in the sentence (title words count as present)",
    ablation: 'coverage signal',
    weight: 2.2,
    tier: 'candidate',
    compute: (f: CandidateFacts) => f.coverage,
  },
  {
    name: 'contextGain',
    description: 'what the neighbouring sentences add to coverage',
    ablation: "context (neighbours' words)",
    weight: 1.1,
    tier: 'candidate',
    compute: (f: CandidateFacts) => f.contextCoverage - f.coverage,
  },
  {
    name: 'paragraphGain',
    description: 'what the rest of the paragraph adds to coverage',
    ablation: 'paragraph coverage',
    weight: 0.6,
    tier: 'candidate',
    compute: (f: CandidateFacts) => f.paragraphCoverage - f.coverage,
  },
  {
    name: 'paragraphBm25',
    description: "BM25+ of the question over the sentence's whole paragraph (enters as log(1 + x))",
    ablation: 'paragraph BM25',
    weight: 0.6,
    scale: log1p,
    tier: 'candidate',
    compute: (f: CandidateFacts) => f.paragraphBm25(),
  },
  {
    name: 'articleCoverage',
    description: "share of the question's words found anywhere in the article or its title",
    ablation: 'article coverage',
    weight: 2.2,
    tier: 'candidate',
    compute: (f: CandidateFacts) => f.articleCoverage,
  },
  {
    name: 'titleCoverage',
    description:
      "share of the question's rarity-weighted words in the article's title: a question naming an article's subject is most likely answered in that article",
    ablation: 'title coverage',
    weight: 2,
    tier: 'candidate',
    compute: (f: CandidateFacts) => f.titleCoverage,
  },
  {
    name: 'anaphoraGain',
    description: 'a sentence opening with "It", "This", "However"… counts the words of the sentence before it as its own',
    ablation: 'anaphora ("It…", "This…")',
    weight: 0.8,
    tier: 'candidate',
    compute: (f: CandidateFacts) => f.anaphoraGain(),
  },
  {
    name: 'associated',
    description:
      'words that answers to such questions tend to use ("sing" → "perform", "large" → "km2"), learned from SQuAD question–answer pairs, each question word weighted by its rarity',
    ablation: 'QA associations',
    weight: 2.5,
    tier: 'candidate',
    compute: (f: CandidateFacts) => f.associated(),
  },
  {
    name: 'phrase',
    description: "share of the question's adjacent word pairs found side by side",
    ablation: 'phrase matches',
    weight: 0.5,
    tier: 'token',
    compute: (t: TokenFacts) => phraseScore(t.terms, t.groupWeights),
  },
  {
    name: 'timeType',
    description: 'a "when" question and a date or year in the sentence',
    ablation: 'answer types (date, number, name)',
    weight: 1,
    tier: 'token',
    compute: (t: TokenFacts) => (t.kind === 'time' && answerTypeMatch('time', t.terms, t.text, t.questionWords) ? 1 : 0),
  },
  {
    name: 'quantityType',
    description: 'a "how many / how much" question and a number in the sentence',
    ablation: 'answer types (date, number, name)',
    weight: 1.6,
    tier: 'token',
    compute: (t: TokenFacts) => (t.kind === 'quantity' && answerTypeMatch('quantity', t.terms, t.text, t.questionWords) ? 1 : 0),
  },
  {
    name: 'countedWord',
    description: 'a "how many" question and a number counting one of its words ("nineteen districts")',
    ablation: 'quantities (counted words, units)',
    weight: 1,
    tier: 'token',
    compute: (t: TokenFacts) => (t.kind === 'quantity' && countsQuestionWord(t.terms, t.text, t.questionWords) ? 1 : 0),
  },
  {
    name: 'measureUnit',
    description:
      'a question asking "how long / far / old / much", "what percentage"… and a number in the units that measure it ("42 years", "15 mL", "39%")',
    ablation: 'quantities (counted words, units)',
    weight: 1,
    tier: 'token',
    compute: (t: TokenFacts) => (t.measure !== undefined && statesMeasure(t.measure, t.text) ? 1 : 0),
  },
  {
    name: 'nameType',
    description: 'a "who" or "where" question and a capitalised name the question lacks',
    ablation: 'answer types (date, number, name)',
    weight: 0.3,
    tier: 'token',
    compute: (t: TokenFacts) =>
      (t.kind === 'person' || t.kind === 'place') && answerTypeMatch(t.kind, t.terms, t.text, t.questionWords) ? 1 : 0,
  },
  {
    name: 'length',
    description: 'sentence length in distinct terms (enters as log(1 + x)); a negative weight prefers shorter sentences',
    ablation: 'length',
    weight: -0.1,
    scale: log1p,
    tier: 'candidate',
    compute: (f: CandidateFacts) => f.length,
  },
  {
    name: 'novelty',
    description:
      "the sentence's distinct terms the question lacks, at most 8 (enters as log(1 + x)): an answer says something beyond the question's own words",
    ablation: 'novelty',
    weight: 0.3,
    scale: log1p,
    tier: 'candidate',
    // Capped: past a few new words, more is length, not information (uncapped it cost SQuAD 0.5 hit@1).
    compute: (f: CandidateFacts) => Math.min(NOVELTY_CAP, f.novelty),
  },
  {
    name: 'order',
    description: "share of the question's words that the sentence has in the question's order",
    ablation: 'word order',
    weight: 0.3,
    tier: 'token',
    compute: (t: TokenFacts) => orderScore(t.terms, t.groupWeights),
  },
  {
    name: 'exact',
    description: 'share of the question\'s words found in the very form the question used ("founded", not only "found…")',
    ablation: 'exact word forms',
    weight: 0.8,
    tier: 'token',
    compute: (t: TokenFacts) => exactShare(t.terms, t.questionWords),
  },
  {
    name: 'definition',
    description:
      'a sentence defining the question\'s subject: the question\'s words, then "is", "are", "was", "refers"… ("Arraignment is a formal reading…")',
    ablation: 'definitions ("X is a…")',
    weight: 1,
    tier: 'token',
    compute: (t: TokenFacts) => definitionScore(t.terms, t.text, t.groupWeights),
  },
  {
    name: 'newName',
    description: 'a "who" question and a multi-word name the question lacks',
    ablation: 'answer types (date, number, name)',
    weight: 0.3,
    tier: 'token',
    compute: (t: TokenFacts) => (t.kind === 'person' && hasNewName(t.terms, t.text, t.questionWords) ? 1 : 0),
  },
  {
    name: 'fullDate',
    description: 'a "when" question and a full date, day, month and year, the question does not give ("April 16, 2001")',
    ablation: 'full dates for "when"',
    weight: 0.5,
    tier: 'token',
    compute: (t: TokenFacts) => (t.kind === 'time' && hasFullDate(t.terms, t.questionWords) ? 1 : 0),
  },
  {
    name: 'agent',
    description: 'a "who" question and a name after "by" the question lacks ("performed by The Capitols")',
    ablation: 'agents ("by X") for "who"',
    weight: 0.5,
    tier: 'token',
    compute: (t: TokenFacts) => (t.kind === 'person' && hasAgent(t.terms, t.text, t.questionWords) ? 1 : 0),
  },
]);

/** The name of a stage-2 signal. */
export type SignalName = (typeof SIGNALS)[number]['name'];

/** A number per signal: weights, values or contributions. */
export type SignalWeights = Record<SignalName, number>;

/** Each signal's value for one candidate (all 0 before they are computed). */
export type SignalValues = Record<SignalName, number>;

/** The default weights, from the table. */
export const DEFAULT_WEIGHTS: Readonly<SignalWeights> = Object.freeze(
  Object.fromEntries(SIGNALS.map((s) => [s.name, s.weight])) as SignalWeights,
);

/** The rows seen through their common shape (every optional field readable), names kept literal. */
const ROWS: ReadonlyArray<SignalDefinition & { readonly name: SignalName }> = SIGNALS;

/** A row of the table, with its literal name. */
type Signal = (typeof SIGNALS)[number];
/** A signal computed for every stage-2 candidate. */
export type CandidateSignal = Extract<Signal, { tier: 'candidate' }>;
/** A signal that reads the sentence's tokens. */
export type TokenSignal = Extract<Signal, { tier: 'token' }>;

/** The signals computed for every stage-2 candidate, in table order. */
export const CANDIDATE_SIGNALS: readonly CandidateSignal[] = SIGNALS.filter((s): s is CandidateSignal => s.tier === 'candidate');

/** The signals that read the sentence's tokens, in table order. */
export const TOKEN_SIGNALS: readonly TokenSignal[] = SIGNALS.filter((s): s is TokenSignal => s.tier === 'token');

const ZERO_VALUES: Readonly<SignalValues> = Object.freeze(Object.fromEntries(SIGNALS.map((s) => [s.name, 0])) as SignalValues);

/** All signals at 0: a copy of one template (built per candidate, so it must be cheap: `fromEntries` each time cost 13% of a question). */
export function zeroValues(): SignalValues {
  return { ...ZERO_VALUES };
}

/** The stage-2 score: `log(1 + stage1)` plus each signal's weighted, scaled value, in table order. */
export function combineSignals(stage1: number, values: Readonly<SignalValues>, weights: Readonly<SignalWeights>): number {
  let score = Math.log1p(stage1);
  for (const s of ROWS) {
    const v = values[s.name];
    score += weights[s.name] * (s.scale ? s.scale(v) : v);
  }
  return score;
}

/** What each signal adds to a candidate's score (`weight × scale(value)`): the explain output. */
export function contributions(values: Readonly<SignalValues>, weights: Readonly<SignalWeights>): SignalValues {
  return Object.fromEntries(
    ROWS.map((s) => {
      const v = values[s.name];
      return [s.name, weights[s.name] * (s.scale ? s.scale(v) : v)];
    }),
  ) as SignalValues;
}

/** The ablations of the table: each name with the signals it switches off, in table order. */
export function signalAblations(): Array<{ ablation: string; signals: SignalName[] }> {
  const out = new Map<string, SignalName[]>();
  for (const s of SIGNALS) {
    const list = out.get(s.ablation);
    if (list) list.push(s.name);
    else out.set(s.ablation, [s.name]);
  }
  return [...out].map(([ablation, signals]) => ({ ablation, signals }));
}
