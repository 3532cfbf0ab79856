/**
 * Glue to the shared scorer `score.mjs`: reading questions, writing results
 * files, and running the scorer so that every reported number is its own.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/** One bench question. */
export interface Question {
  id: string;
  question: string;
  answers: string[];
  docId: string;
}

/** One ranked result as score.mjs reads it. */
export interface ResultItem {
  text: string;
  docId: string;
}

/** One line of a results file. */
export interface ResultLine {
  id: string;
  results: ResultItem[];
}

/** A row of score.mjs's JSON summary (fractions 0–1). */
export interface ScoreRow {
  label: string;
  file: string;
  questions: number;
  'hit@1': number;
  'hit@3': number;
  'hit@5': number;
  'mrr@10': number;
  'doc@1': number;
  'strict@1': number;
  meanResults: number;
  zeroResults: number;
  missing: number;
  duplicates: number;
  unknownIds: number;
}

interface ScoreModule {
  readJsonl(file: string): unknown[];
  normalize(text: string): string;
  containsAnswer(normText: string, normAnswer: string): boolean;
}

/** Whether a quote holds one of a question's gold answers, by score.mjs's own rule. */
export type AnswerMatcher = (text: string, question: Question) => boolean;

/** score.mjs's hit test, for counting hits outside a scored results file. */
export async function loadAnswerMatcher(scorer: string): Promise<AnswerMatcher> {
  const mod = (await import(pathToFileURL(scorer).href)) as ScoreModule;
  return (text, question) => {
    const normText = mod.normalize(text);
    return question.answers.some((a) => mod.containsAnswer(normText, mod.normalize(a)));
  };
}

/**
 * Reads the questions with score.mjs's own `readJsonl` (imported by file URL:
 * it lives outside the repo, so it cannot be a package import).
 */
export async function readQuestions(scorer: string, file: string): Promise<Question[]> {
  const mod = (await import(pathToFileURL(scorer).href)) as ScoreModule;
  return mod.readJsonl(file) as Question[];
}

/** Writes a JSONL file (results or a subset of questions), creating its folder. */
export function writeJsonl(file: string, rows: readonly unknown[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** Where to find the files score.mjs needs. */
export interface ScoreInput {
  scorer: string;
  /** The questions actually asked (score.mjs counts every line of it). */
  questionsFile: string;
  /** corpus.jsonl, for matching docIds against titles. */
  corpusJsonl: string;
}

/**
 * Scores several results files in one score.mjs run (`--json-only`) and
 * returns its rows in the same order as `files`.
 */
export async function score(input: ScoreInput, files: string[]): Promise<ScoreRow[]> {
  if (files.length === 0) return [];
  const args = [input.scorer, input.questionsFile, ...files, '--corpus', input.corpusJsonl, '--json-only'];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  // score.mjs prints nothing at all when it does not recognise itself as the main module (a path through a link).
  if (!stdout.trim()) throw new Error(`score.mjs printed nothing (${input.scorer}); is its path a symbolic link?`);
  const summary = JSON.parse(stdout) as { results: ScoreRow[] };
  // Rows come back in argument order; match by file to be safe anyway.
  return files.map((f) => {
    const row = summary.results.find((r) => r.file === path.resolve(f));
    if (!row) throw new Error(`score.mjs returned no row for ${f}`);
    return row;
  });
}

/**
 * A questions file holding exactly the questions asked. With `--limit`,
 * score.mjs would otherwise count the unasked ones as misses.
 */
export function questionsFileFor(allFile: string, asked: readonly Question[], total: number, outDir: string): string {
  if (asked.length === total) return allFile;
  const file = path.join(outDir, `questions-first-${asked.length}.jsonl`);
  writeJsonl(file, asked);
  return file;
}
