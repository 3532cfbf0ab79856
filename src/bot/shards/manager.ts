/**
 * `npm start` with `SHARDS` above 1 (or `auto`): discord.js's ShardingManager
 * runs one process per shard (shardMain.ts), respawns a shard whose process
 * dies, and on SIGINT or SIGTERM asks every shard to log out and waits for
 * them all before exiting. Each shard opens its own engine on the same
 * corpus and snapshot folder; only shard 0 writes snapshots.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ShardingManager, type Shard } from 'discord.js';
import type { DiscordSettings } from '../../config.ts';
import { log } from '../../log.ts';
import { removeOtherHealthFiles } from '../health.ts';
import { siblingModule } from '../../util/spawn.ts';
import { planShards } from './count.ts';

/** How long a shard gets to log out after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 15_000;
/** A shard that dies this many times within {@link CRASH_WINDOW_MS} is not respawned again: the whole bot stops, for a supervisor to see. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;

/** Runs the shards until SIGINT or SIGTERM (exit code 0), or until a shard keeps crashing (exit code 1). */
export async function runShardManager(discord: DiscordSettings, dataDir: string): Promise<number> {
  const plan = await planShards(discord);
  await removeOtherHealthFiles(
    dataDir,
    Array.from({ length: plan.count }, (_, id) => `bot-shard-${id}`),
  );
  const entry = siblingModule(import.meta.url, 'shardMain');
  const manager = new ShardingManager(fileURLToPath(entry), {
    totalShards: plan.count,
    token: discord.token,
    mode: 'process',
    respawn: true,
    // The sources run through tsx (development); the compiled entry runs as it is.
    execArgv: entry.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [],
  });
  log(
    'info',
    `starting ${plan.count} shards${discord.shards === 'auto' ? " (Discord's recommendation)" : ''}; manager process ${process.pid}`,
  );

  let stopping = false;
  let exitCode = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const crashes = new Map<number, number[]>();
  const stop = (why: string, code: number): void => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    log('info', `${why}: stopping ${manager.shards.size} shards`);
    manager.respawn = false;
    void Promise.all([...manager.shards.values()].map(stopShard)).then(finish);
  };
  process.once('SIGINT', () => stop('SIGINT', 0));
  process.once('SIGTERM', () => stop('SIGTERM', 0));

  manager.on('shardCreate', (shard: Shard) => {
    shard.on('ready', () => log('info', `shard ${shard.id} of ${plan.count} is ready (process ${shard.process?.pid ?? '?'})`));
    shard.on('death', (child) => {
      if (stopping) return;
      const code = (child as ChildProcess).exitCode ?? (child as ChildProcess).signalCode;
      const now = Date.now();
      const recent = [...(crashes.get(shard.id) ?? []), now].filter((t) => now - t < CRASH_WINDOW_MS);
      crashes.set(shard.id, recent);
      if (recent.length >= MAX_CRASHES) return stop(`shard ${shard.id} died ${recent.length} times within a minute`, 1);
      log('warn', `shard ${shard.id} exited (${code ?? 'unknown'}); starting it again`);
    });
    shard.on('error', (err) => log('error', `shard ${shard.id}: ${err.message}`));
  });
  // No ready timeout: a shard loads its index before logging in, which may take minutes on a large corpus.
  await manager.spawn({ amount: plan.count, delay: plan.spawnDelayMs, timeout: -1 });
  await finished;
  // A stop that came while shards were still being spawned missed those spawned after it.
  await Promise.all([...manager.shards.values()].map(stopShard));
  log('info', 'every shard has stopped');
  return exitCode;
}

/** Asks a shard's process to log out (SIGTERM), and kills it if it has not exited in time. */
async function stopShard(shard: Shard): Promise<void> {
  const child = shard.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    log('warn', `shard ${shard.id} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
    child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
