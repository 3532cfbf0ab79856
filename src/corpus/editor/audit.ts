/**
 * The audit log of corpus changes made from Discord, the CLI or the console:
 * one JSON object per line, appended to `corpus-audit.jsonl` in the data
 * folder, never rewritten. It says who added or removed what, when, where
 * it came from and the SHA-256 of the file's bytes, so a moderator action can
 * always be traced, and `/corpus list` reads who added each document.
 */
import { createReadStream } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** Where a change was made from. */
export type ChangeVia = 'discord' | 'cli' | 'console';

/** Who made a change. */
export interface Actor {
  /** A Discord user id, or the local user name for the CLI and the console. */
  id: string;
  name: string;
  via: ChangeVia;
}

/** One line of the audit log. */
export interface AuditEntry {
  /** ISO 8601 time. */
  at: string;
  action: 'add' | 'remove';
  by: Actor;
  /** Article ids the change added or removed. */
  articles: string[];
  /** The title shown for the (first) article. */
  title?: string;
  /** The file, relative to the corpus folder. */
  file: string;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
  /** Where the document came from: the link given (and where it led), the attachment's name, or a local path. */
  origin: { url?: string; finalUrl?: string; attachment?: string; path?: string };
}

/** The file name of the audit log in the data folder. */
export const AUDIT_FILE = 'corpus-audit.jsonl';

export class AuditLog {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, AUDIT_FILE);
  }

  /** Appends one entry (one `write` with O_APPEND: lines of concurrent writers never interleave). */
  async append(entry: AuditEntry): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(entry)}\n`, { encoding: 'utf8', flag: 'a' });
  }

  /** Every entry, oldest first; lines that are not entries (a torn last line after a crash) are skipped. */
  async read(): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let stream;
    try {
      stream = createReadStream(this.file, { encoding: 'utf8' });
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
        if (line.trim() === '' || line.length > 100_000) continue;
        try {
          const value = JSON.parse(line) as Partial<AuditEntry>;
          if ((value.action === 'add' || value.action === 'remove') && typeof value.file === 'string' && Array.isArray(value.articles)) {
            entries.push(value as AuditEntry);
          }
        } catch {
          // a torn line
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    } finally {
      stream?.destroy();
    }
    return entries;
  }
}
