/** Shared set-up of the engine tests: a throw-away copy of the seed corpus, and an engine that is always closed. */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { AnswerEngine } from '../../src/engine/types.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Paths of the current test's folders; fresh for every test. */
export interface SeedCopy {
  /** The test's temporary folder. */
  dir: string;
  /** A copy of the seed corpus inside it. */
  corpusDir: string;
  /** A snapshot folder inside it (not created). */
  snapshotDir: string;
}

/** Gives every test of the file its own copy of the seed corpus, removed afterwards. */
export function useSeedCorpusCopy(prefix: string): SeedCopy {
  const paths = { dir: '', corpusDir: '', snapshotDir: '' };
  beforeEach(async () => {
    paths.dir = await mkdtemp(path.join(tmpdir(), `verbatim-${prefix}-`));
    paths.corpusDir = path.join(paths.dir, 'corpus');
    paths.snapshotDir = path.join(paths.dir, 'snapshots');
    await cp(path.join(ROOT, 'corpus'), paths.corpusDir, { recursive: true });
  });
  afterEach(async () => rm(paths.dir, { recursive: true, force: true }));
  return paths;
}

/** Runs `body` with an engine and closes it, whatever happens. */
export async function withEngine<E extends AnswerEngine>(engine: E | Promise<E>, body: (engine: E) => Promise<void>): Promise<void> {
  const e = await engine;
  try {
    await body(e);
  } finally {
    await e.close();
  }
}
