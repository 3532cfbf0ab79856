/**
 * `npm start`: the Discord bot when DISCORD_TOKEN is set, else the local
 * console on the corpus. Settings come from the environment and `.env`.
 *
 * A fatal error (bad settings, a refused login, a crash) prints one line,
 * secrets masked, and ends the process with exit code 1 once the bot has
 * closed what it opened (`startBot` does that itself, with a time limit),
 * whatever is still open: a supervisor (systemd, Docker, pm2) then restarts
 * it, instead of watching a process that is up but dead.
 */
import { config } from 'dotenv';
import { runConsole } from './cli/console.ts';
import { loadSettings } from './config.ts';
import { openQuestionRecord } from './record/open.ts';
import { errorMessage, writeStderr } from './log.ts';

config({ quiet: true });

async function start(): Promise<number> {
  const settings = loadSettings(process.env);
  if (!settings.discord) {
    const record = openQuestionRecord(settings);
    try {
      return await runConsole({
        corpusDir: settings.corpusDir,
        snapshotDir: settings.snapshotDir,
        dataDir: settings.dataDir,
        fetchAllowHosts: settings.fetchAllowHosts,
        record,
      });
    } finally {
      record?.close();
    }
  }
  if ((settings.discord.shards ?? 1) !== 1) {
    const { runShardManager } = await import('./bot/shards/manager.ts');
    return runShardManager(settings.discord, settings.dataDir);
  }
  const { runBot } = await import('./bot/run.ts');
  return runBot(settings, settings.discord);
}

/** Ends the process: whatever still holds the event loop (a worker, a socket) must not keep a failed process alive. */
function fatal(err: unknown): void {
  writeStderr(`verbatim: ${errorMessage(err)}\n`);
  process.exit(1);
}

process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

start().then((code) => {
  process.exitCode = code;
}, fatal);
