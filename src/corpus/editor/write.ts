/**
 * Writing into the corpus folder safely: only into its `added/` folder
 * (which must be a real folder inside the corpus, not a link out of it),
 * atomically (a temporary file, synced, then linked under its final name, so
 * a reader or a crash never sees half a document), and never over an
 * existing file.
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, realpath, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../confine.ts';

/** The folder, relative to the corpus root, that added documents go into. */
export const ADDED_DIR = 'added';

/** The `added/` folder of a corpus, created if needed; throws if it is not a real folder inside the corpus. */
export async function addedFolder(corpusDir: string): Promise<string> {
  const root = await realpath(corpusDir);
  const dir = path.join(root, ADDED_DIR);
  await mkdir(dir, { recursive: true });
  const stats = await lstat(dir);
  if (!stats.isDirectory()) throw new Error(`${ADDED_DIR}/ in the corpus folder is not a folder (a link?); nothing is written`);
  if (!isInside(root, await realpath(dir))) throw new Error(`${ADDED_DIR}/ leads outside the corpus folder; nothing is written`);
  return dir;
}

/**
 * Writes `bytes` as `dir/name`, atomically and without replacing anything:
 * resolves `false` (and writes nothing) when `name` exists already. `name`
 * must be a plain file name.
 */
export async function writeNewFile(dir: string, name: string, bytes: Uint8Array | string): Promise<boolean> {
  if (name !== path.basename(name) || name.startsWith('.')) throw new Error(`not a plain file name: ${name}`);
  // A hidden name: the corpus listing ignores it while it is being written.
  const temporary = path.join(dir, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await open(temporary, 'wx', 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, path.join(dir, name)); // fails if the name is taken: never overwrites
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** Removes `dir/name` if it is there. */
export async function removeFile(dir: string, name: string): Promise<void> {
  await unlink(path.join(dir, name)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
