/**
 * The key of the member-id hash. Votes are stored under HMAC-SHA256(key,
 * member id): the same member always gets the same value (one vote per
 * member per answer), and without the key nobody can tell from the database
 * whose vote it is, not even by hashing a list of known ids.
 *
 * The key is `RECORD_HASH_SECRET` when set, else a random 32-byte key kept in
 * the data folder (`record-key`, created on first use, readable by its owner
 * only), apart from the database: a copy of `verbatim.db` sent for analysis
 * does not carry it. Losing the key only means that earlier votes can no
 * longer be matched to their members, so a member could vote once more on an
 * old answer.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Name of the key file in the data folder. */
export const KEY_FILE = 'record-key';

/** Reads the key in `dataDir`, creating it (mode 0600) when there is none. Throws when the folder cannot be written. */
export function memberHashKey(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  try {
    return decode(readFileSync(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  try {
    // 'wx': of two processes starting at once, one creates the key and the other reads it.
    writeFileSync(file, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return decode(readFileSync(file, 'utf8'), file);
  }
}

function decode(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length < 32) throw new Error(`${file} does not hold a key of 32 bytes (delete it to make a new one)`);
  return key;
}
