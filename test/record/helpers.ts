/** Shared set-up of the record tests: a throw-away data folder, real answers from the seed corpus. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { LocalEngine } from '../../src/engine/localEngine.ts';
import type { Answer } from '../../src/search/answer.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A fresh empty folder for every test of the file, removed afterwards. */
export function useTempDir(prefix: string): { dir: string } {
  const paths = { dir: '' };
  beforeEach(() => {
    paths.dir = mkdtempSync(path.join(tmpdir(), `verbatim-${prefix}-`));
  });
  afterEach(() => rmSync(paths.dir, { recursive: true, force: true }));
  return paths;
}

/** Answers from the real engine over the seed corpus, opened once for the file. */
export function useSeedAnswers(): { ask(question: string): Answer } {
  let engine: LocalEngine | undefined;
  beforeAll(async () => {
    engine = (await LocalEngine.open({ corpusDir: path.join(ROOT, 'corpus') })).engine;
  });
  afterAll(async () => engine?.close());
  return { ask: (question) => engine!.askSync(question, { top: 3 }) };
}
