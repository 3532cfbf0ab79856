/**
 * `npm start`: the Discord bot when DISCORD_TOKEN is set, else the local
 * console on the corpus. Settings come from the environment and `.env`.
 */
import { config } from 'dotenv';
import { ConfigError, loadSettings } from './config.ts';
import { runConsole } from './cli/console.ts';

config({ quiet: true });

async function start(): Promise<number> {
  const settings = loadSettings(process.env);
  if (!settings.discord) return runConsole({ corpusDir: settings.corpusDir, snapshotDir: settings.snapshotDir });
  const { runBot } = await import('./bot/run.ts');
  return runBot(settings, settings.discord);
}

start().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // One clear line; settings errors never contain the token.
    process.stderr.write(`verbatim: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
