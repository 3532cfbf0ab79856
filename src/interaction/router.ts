/**
 * Routes interactions to command handlers, the same way for Discord and the
 * console: slash commands and message context-menu commands by name,
 * autocomplete by command name, buttons by the first part of their custom id.
 * A handler that throws is logged and the user gets a short ephemeral error;
 * nothing propagates to crash the bot.
 */
import type { RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import { renderError } from '../render/discord.ts';
import { isMessageCommand, isSlashCommand } from './registry.ts';
import type {
  AnyCommandModule,
  AutocompleteContext,
  ButtonContext,
  CommandContext,
  CommandModule,
  MessageCommandContext,
} from './types.ts';

export class CommandRouter {
  constructor(readonly commands: ReadonlyMap<string, AnyCommandModule>) {}

  /** The command definitions, as Discord's registration endpoint takes them. */
  definitions(): RESTPostAPIApplicationCommandsJSONBody[] {
    return [...this.commands.values()].map((c) => c.data.toJSON());
  }

  async command(name: string, ctx: CommandContext): Promise<void> {
    const command = this.commands.get(name);
    if (!command || !isSlashCommand(command))
      return this.fail(ctx, `unknown command /${name}`, `I don't know the command /${name}. Try /help.`);
    try {
      await command.execute(permittedByDiscord(command, ctx));
    } catch (err) {
      await this.fail(ctx, `/${name} failed: ${describe(err)}`, 'Sorry, something went wrong while answering. The error has been logged.');
    }
  }

  /** A message context-menu command (Apps → name) run on a message. */
  async messageCommand(name: string, ctx: MessageCommandContext): Promise<void> {
    const command = this.commands.get(name);
    if (!command || !isMessageCommand(command))
      return this.fail(ctx, `unknown message command "${name}"`, `I don't know the command "${name}". Try /help.`);
    try {
      await command.execute(ctx);
    } catch (err) {
      await this.fail(ctx, `"${name}" failed: ${describe(err)}`, 'Sorry, something went wrong while answering. The error has been logged.');
    }
  }

  async autocomplete(name: string, ctx: AutocompleteContext): Promise<void> {
    try {
      const command = this.commands.get(name);
      if (command && isSlashCommand(command)) await command.autocomplete?.(permittedByDiscord(command, ctx));
    } catch (err) {
      ctx.log(`autocomplete of /${name} failed: ${describe(err)}`);
      await ctx.respond([]).catch(() => undefined);
    }
  }

  async button(customId: string, ctx: ButtonContext): Promise<void> {
    const name = customId.split(':')[0]!;
    const command = this.commands.get(name);
    if (!command?.button)
      return this.fail(ctx, `no handler for button "${customId}"`, 'This button no longer works. Run the command again.');
    try {
      await command.button(ctx);
    } catch (err) {
      await this.fail(
        ctx,
        `button "${customId}" failed: ${describe(err)}`,
        'Sorry, something went wrong with that button. The error has been logged.',
      );
    }
  }

  private async fail(ctx: CommandContext | MessageCommandContext | ButtonContext, log: string, message: string): Promise<void> {
    ctx.log(log);
    try {
      await ctx.reply(renderError(message));
    } catch (err) {
      ctx.log(`could not send the error reply either: ${describe(err)}`);
    }
  }
}

/**
 * Discord delivers a command that has default member permissions (a
 * moderator command) in a server only to members it permits: Manage Server by
 * default, or whoever the server's admins granted the command to in Server
 * Settings → Integrations. The bot takes that decision as it is rather than
 * checking Manage Server again, which would refuse the members an admin chose
 * (https://discord.com/developers/docs/interactions/application-commands#permissions).
 * The same holds for the command's autocomplete: Discord sends it only to
 * members who may use the command.
 */
function permittedByDiscord<T extends CommandContext | AutocompleteContext>(command: CommandModule, ctx: T): T {
  const gated = command.data.toJSON().default_member_permissions;
  if (gated === undefined || gated === null || !ctx.invoker.inGuild || ctx.invoker.isModerator) return ctx;
  return { ...ctx, invoker: { ...ctx.invoker, isModerator: true } };
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
