/**
 * The bot's health, for supervisors: the running bot rewrites a small file
 * in the data folder every few seconds (its process id, whether it is
 * connected to Discord, when it last checked), and `verbatim health` reads it
 * (the Docker HEALTHCHECK). A bot that is up but disconnected, or hung, or
 * gone, is unhealthy.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage, log } from '../log.ts';

/** What the health file says. */
export interface HealthRecord {
  pid: number;
  state: 'starting' | 'ready' | 'disconnected' | 'stopped';
  /** When the bot last wrote the file (ms since epoch). */
  at: number;
}

/** How often the bot rewrites its health file. */
export const HEALTH_INTERVAL_MS = 15_000;
/** A health file older than this means the bot is hung or gone. */
export const HEALTH_MAX_AGE_MS = 60_000;

/** The health file of one bot process (`name` tells shards apart). */
export function healthFile(dataDir: string, name = 'bot'): string {
  return path.join(dataDir, `health-${name}.json`);
}

/**
 * Removes the bot's health files other than those named in `keep` (names as
 * given to {@link healthFile}): one left by a run with other shards (or none)
 * would say "stopped" for ever and fail every health check.
 */
export async function removeOtherHealthFiles(dataDir: string, keep: readonly string[]): Promise<void> {
  const wanted = new Set(keep.map((name) => path.basename(healthFile(dataDir, name))));
  let names: string[];
  try {
    names = await readdir(dataDir);
  } catch {
    return; // no data folder yet: nothing left over
  }
  for (const name of names)
    if (/^health-bot(?:-shard-\d+)?\.json$/.test(name) && !wanted.has(name)) await rm(path.join(dataDir, name), { force: true });
}

/** Keeps a health file up to date while the bot runs. Failing to write is logged once, never fatal. */
export class HealthReporter {
  private state: HealthRecord['state'] = 'starting';
  private readonly timer: NodeJS.Timeout;
  private warned = false;
  /** Writes happen one after another: two at once would share the temporary file. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {
    this.timer = setInterval(() => void this.write(), HEALTH_INTERVAL_MS).unref();
    void this.write();
  }

  set(state: HealthRecord['state']): void {
    if (state === this.state) return;
    this.state = state;
    void this.write();
  }

  /** Writes "stopped" and stops reporting. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.state = 'stopped';
    await this.write();
  }

  private write(): Promise<void> {
    this.writing = this.writing.then(() => this.writeNow());
    return this.writing;
  }

  private async writeNow(): Promise<void> {
    const record: HealthRecord = { pid: process.pid, state: this.state, at: Date.now() };
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.tmp-${process.pid}`;
      await writeFile(temporary, JSON.stringify(record));
      await rename(temporary, this.file);
    } catch (err) {
      if (!this.warned) log('warn', `could not write the health file ${this.file}: ${errorMessage(err)} (health checks will fail)`);
      this.warned = true;
    }
  }
}

/** Why the bot in `dataDir` is unhealthy, or `undefined` when every bot process there is healthy. */
export async function checkHealth(dataDir: string, now = Date.now(), maxAgeMs = HEALTH_MAX_AGE_MS): Promise<string | undefined> {
  let names: string[];
  try {
    names = (await readdir(dataDir)).filter((n) => /^health-.+\.json$/.test(n));
  } catch {
    names = [];
  }
  if (names.length === 0) return `no health file in ${dataDir}: the bot has not started there`;
  for (const name of names.sort()) {
    let record: Partial<HealthRecord>;
    try {
      record = JSON.parse(await readFile(path.join(dataDir, name), 'utf8')) as Partial<HealthRecord>;
    } catch (err) {
      return `${name}: unreadable (${errorMessage(err)})`;
    }
    const age = now - (record.at ?? 0);
    if (record.state !== 'ready') return `${name}: the bot is ${record.state ?? 'in an unknown state'}`;
    if (age > maxAgeMs) return `${name}: not updated for ${Math.round(age / 1000)} s (hung or gone)`;
    if (typeof record.pid === 'number' && !processExists(record.pid)) return `${name}: process ${record.pid} is gone`;
  }
  return undefined;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
