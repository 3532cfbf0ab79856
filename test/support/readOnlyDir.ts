/**
 * A folder nobody can write in, for tests of what happens when DATA_DIR is
 * read-only. Mode 0555 is enough for an ordinary user; root ignores modes, so
 * as root the folder is also made immutable (`chattr +i`, on file systems
 * that support it). The result is checked by trying to write.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Makes `dir` read-only; returns false when that is impossible here (the test should then be skipped). */
export function makeReadOnly(dir: string): boolean {
  chmodSync(dir, 0o555);
  if (process.getuid?.() === 0) spawnSync('chattr', ['+i', dir], { stdio: 'ignore' });
  const probe = path.join(dir, '.probe');
  try {
    writeFileSync(probe, '');
  } catch {
    return true;
  }
  rmSync(probe, { force: true });
  makeWritable(dir);
  return false;
}

/** Undoes {@link makeReadOnly}. */
export function makeWritable(dir: string): void {
  if (process.getuid?.() === 0) spawnSync('chattr', ['-i', dir], { stdio: 'ignore' });
  chmodSync(dir, 0o755);
}
