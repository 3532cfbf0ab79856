/** Shared helpers for the corpus tests: fixture paths and throw-away corpora on disk. */
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** Absolute path of a committed fixture corpus under test/fixtures/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** The project's seed corpus. */
export const SEED_CORPUS = fileURLToPath(new URL('../../corpus', import.meta.url));

/**
 * chmod 000 does not stop root from reading, so permission tests only mean
 * something for a normal user. Tests that rely on it are skipped under root
 * (CI containers often run as root).
 */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;

/** Files to create: relative path (with `/`) → contents. */
export type Tree = Record<string, string | Uint8Array>;

/** Creates `tree` under `root`, making parent directories (64 files at a time: big trees stay quick). */
export async function writeTree(root: string, tree: Tree): Promise<void> {
  const entries = Object.entries(tree);
  const dirs = new Set(entries.map(([rel]) => path.dirname(path.join(root, ...rel.split('/')))));
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  for (let i = 0; i < entries.length; i += 64) {
    await Promise.all(
      entries.slice(i, i + 64).map(([rel, contents]) => writeFile(path.join(root, ...rel.split('/')), contents)),
    );
  }
}

/** A fresh temp directory; call `cleanup()` (e.g. in afterEach) to remove it. */
export async function tempCorpus(tree: Tree = {}): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'verbatim-corpus-'));
  await writeTree(root, tree);
  return {
    root,
    cleanup: async () => {
      await restorePermissions(root);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Makes everything under `dir` accessible again so a chmod 000 test cannot block cleanup. */
async function restorePermissions(dir: string): Promise<void> {
  await chmod(dir, 0o755).catch(() => undefined);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) await restorePermissions(abs);
    else if (entry.isFile()) await chmod(abs, 0o644).catch(() => undefined);
  }
}

/**
 * Throw-away corpora for one test file: `temp(tree)` makes one, and each is
 * removed after the test that made it (with anything passed to `onCleanup`).
 * Call at the top level of a test file.
 */
export function tempCorpora(): { temp: (tree?: Tree) => Promise<string>; onCleanup: (fn: () => Promise<void>) => void } {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  return {
    temp: async (tree: Tree = {}) => {
      const { root, cleanup } = await tempCorpus(tree);
      cleanups.push(cleanup);
      return root;
    },
    onCleanup: (fn) => void cleanups.push(fn),
  };
}
