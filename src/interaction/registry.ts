/**
 * Loads the commands: every `.ts` (or, compiled, `.js`) file in `commands/`
 * that exports a definition (`data`: a slash command, or a message
 * context-menu command) and a handler (`execute`). Adding a command is adding
 * a file.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ContextMenuCommandBuilder } from 'discord.js';
import type { AnyCommandModule, CommandModule, MessageCommandModule } from './types.ts';

/** The project's `commands/` folder. */
export const COMMANDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../commands');

/** Whether a command module is a message context-menu command (else a slash command). */
export function isMessageCommand(command: AnyCommandModule): command is MessageCommandModule {
  return command.data instanceof ContextMenuCommandBuilder;
}

/** Whether a command module is a slash command. */
export function isSlashCommand(command: AnyCommandModule): command is CommandModule {
  return !isMessageCommand(command);
}

/** Loads every command module in `dir`, keyed by command name. Throws on a malformed module. */
export async function loadCommands(dir: string = COMMANDS_DIR): Promise<Map<string, AnyCommandModule>> {
  const files = (await readdir(dir)).filter((f) => /\.(?:ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('.')).sort();
  const commands = new Map<string, AnyCommandModule>();
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as Partial<AnyCommandModule>;
    if (!mod.data || typeof mod.execute !== 'function') {
      throw new Error(
        `${file} is not a command: it must export "data" (a SlashCommandBuilder or a ContextMenuCommandBuilder) and "execute"`,
      );
    }
    const name = mod.data.name;
    if (commands.has(name)) throw new Error(`two command files define the command "${name}"`);
    commands.set(name, mod as AnyCommandModule);
  }
  return commands;
}
