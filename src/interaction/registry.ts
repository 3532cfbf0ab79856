/**
 * Loads the slash commands: every `.ts` file in `commands/` that exports a
 * definition (`data`) and a handler (`execute`). Adding a command is adding a
 * file.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandModule } from './types.ts';

/** The project's `commands/` folder. */
export const COMMANDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../commands');

/** Loads every command module in `dir`, keyed by command name. Throws on a malformed module. */
export async function loadCommands(dir: string = COMMANDS_DIR): Promise<Map<string, CommandModule>> {
  const files = (await readdir(dir)).filter((f) => /\.(?:ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('.')).sort();
  const commands = new Map<string, CommandModule>();
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as Partial<CommandModule>;
    if (!mod.data || typeof mod.execute !== 'function') {
      throw new Error(`${file} is not a command: it must export "data" (a SlashCommandBuilder) and "execute"`);
    }
    const name = mod.data.name;
    if (commands.has(name)) throw new Error(`two command files define /${name}`);
    commands.set(name, mod as CommandModule);
  }
  return commands;
}
