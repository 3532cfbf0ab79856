/**
 * One shard's process, started by the ShardingManager (manager.ts), which
 * sets `SHARDS` (this shard's id) and `SHARD_COUNT` in its environment. It
 * runs the bot for that shard until SIGINT or SIGTERM, then exits: the IPC
 * channel to the manager would otherwise keep it alive.
 */
import { config } from 'dotenv';
import { ConfigError, loadSettings } from '../../config.ts';
import { errorMessage, setLogTag, writeStderr } from '../../log.ts';
import { runBot } from '../run.ts';

config({ quiet: true });

/** This process's shard, from the manager's environment. */
function shardOfProcess(env: NodeJS.ProcessEnv): { id: number; count: number } {
  const id = Number(env.SHARDS);
  const count = Number(env.SHARD_COUNT);
  if (env.SHARDING_MANAGER !== 'true' || !Number.isInteger(id) || !Number.isInteger(count) || id < 0 || id >= count)
    throw new ConfigError('this is a shard process: it is started by `npm start` with SHARDS set, not on its own');
  return { id, count };
}

function fatal(err: unknown): void {
  writeStderr(`verbatim: ${errorMessage(err)}\n`);
  process.exit(1);
}

process.on('uncaughtException', fatal);
// The manager is gone (killed, or crashed): log out as on SIGTERM rather than serve on, unsupervised.
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
process.on('unhandledRejection', fatal);

async function start(): Promise<number> {
  const shard = shardOfProcess(process.env);
  setLogTag(`shard ${shard.id}`);
  const settings = loadSettings(process.env);
  if (!settings.discord) throw new ConfigError('a shard needs DISCORD_TOKEN');
  return runBot(settings, settings.discord, { shard });
}

start().then((code) => process.exit(code), fatal);
