/**
 * The Discord side of the command contexts: wraps discord.js interactions so
 * the handlers in `commands/` can answer them. Every message goes out with
 * `allowedMentions: { parse: [] }`, so nothing quoted from the corpus or
 * typed in a question can ping anyone. Discord API errors are logged and
 * swallowed here: a failed reply never crashes the bot.
 */
import {
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type GuildMember,
  type APIInteractionGuildMember,
} from 'discord.js';
import type { AnswerEngine } from '../engine/types.ts';
import type { AutocompleteContext, ButtonContext, CommandContext, Invoker, Reply } from '../interaction/types.ts';
import { log } from '../log.ts';

/** Nobody is ever pinged by the bot. */
export const NO_MENTIONS = { parse: [] as never[] };

type AnyInteraction = ChatInputCommandInteraction | ButtonInteraction | AutocompleteInteraction;

/** Who acted, and whether they may moderate (Manage Server, or one of `moderatorRoleIds`). */
export function invokerOf(interaction: AnyInteraction, moderatorRoleIds: readonly string[]): Invoker {
  const inGuild = interaction.inGuild();
  const roles = roleIds(interaction.member);
  const isModerator =
    inGuild &&
    (Boolean(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) || roles.some((r) => moderatorRoleIds.includes(r)));
  return { id: interaction.user.id, name: interaction.user.username, inGuild, isModerator };
}

function roleIds(member: GuildMember | APIInteractionGuildMember | null): string[] {
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

/** The message fields of a reply, with mentions disabled. */
function message(reply: Reply) {
  return {
    content: reply.content ?? '',
    embeds: reply.embeds ?? [],
    components: reply.components ?? [],
    allowedMentions: NO_MENTIONS,
  };
}

const flags = (reply: { ephemeral?: boolean | undefined }) => (reply.ephemeral ? MessageFlags.Ephemeral : undefined);

/** Runs a Discord call; logs and swallows an API error (the user may see nothing, the bot stays up). */
async function safely(what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    log('warn', `Discord refused ${what}: ${(err as Error).message}`);
  }
}

/** Whether the interaction has been acknowledged and how, tracked here because discord.js counts an edit as a reply. */
type ReplyState = 'none' | 'deferred' | 'replied';

export function commandContext(
  interaction: ChatInputCommandInteraction,
  engine: AnswerEngine,
  moderatorRoleIds: readonly string[],
): CommandContext {
  let state: ReplyState = 'none';
  const name = `/${interaction.commandName}`;
  return {
    engine,
    invoker: invokerOf(interaction, moderatorRoleIds),
    log: (m) => log('info', m),
    options: {
      getString: (n) => interaction.options.getString(n),
      getInteger: (n) => interaction.options.getInteger(n),
      getNumber: (n) => interaction.options.getNumber(n),
      getBoolean: (n) => interaction.options.getBoolean(n),
      getAttachment: (n) => {
        const a = interaction.options.getAttachment(n);
        return a ? { url: a.url, name: a.name, size: a.size, contentType: a.contentType } : null;
      },
      getSubcommand: () => interaction.options.getSubcommand(false),
    },
    defer: async (opts = {}) => {
      if (state !== 'none') return;
      state = 'deferred';
      await safely(`the deferral of ${name}`, () => interaction.deferReply({ flags: flags(opts) }));
    },
    reply: async (reply) => {
      if (state === 'none') {
        state = 'replied';
        return safely(`the reply to ${name}`, () => interaction.reply({ ...message(reply), flags: flags(reply) }));
      }
      if (state === 'deferred') {
        state = 'replied';
        // Visibility was fixed when deferring; an edit cannot change it.
        return safely(`the reply to ${name}`, () => interaction.editReply(message(reply)));
      }
      return safely(`a follow-up to ${name}`, () => interaction.followUp({ ...message(reply), flags: flags(reply) }));
    },
    edit: async (reply) => {
      if (state === 'none') return;
      await safely(`an edit of ${name}`, () => interaction.editReply(message(reply)));
    },
  };
}

export function buttonContext(interaction: ButtonInteraction, engine: AnswerEngine, moderatorRoleIds: readonly string[]): ButtonContext {
  let acknowledged = false;
  const what = `button "${interaction.customId}"`;
  return {
    engine,
    invoker: invokerOf(interaction, moderatorRoleIds),
    log: (m) => log('info', m),
    args: interaction.customId.split(':'),
    message: { content: interaction.message.content, embeds: interaction.message.embeds.map((e) => e.toJSON()) },
    update: async (reply) => {
      if (acknowledged) return safely(`an edit after ${what}`, () => interaction.editReply(message(reply)));
      acknowledged = true;
      await safely(`the update for ${what}`, () => interaction.update(message(reply)));
    },
    reply: async (reply) => {
      if (acknowledged) return safely(`a follow-up to ${what}`, () => interaction.followUp({ ...message(reply), flags: flags(reply) }));
      acknowledged = true;
      await safely(`the reply to ${what}`, () => interaction.reply({ ...message(reply), flags: flags(reply) }));
    },
  };
}

export function autocompleteContext(
  interaction: AutocompleteInteraction,
  engine: AnswerEngine,
  moderatorRoleIds: readonly string[],
): AutocompleteContext {
  const focused = interaction.options.getFocused(true);
  return {
    engine,
    invoker: invokerOf(interaction, moderatorRoleIds),
    log: (m) => log('info', m),
    focused: { name: focused.name, value: String(focused.value) },
    respond: (choices) => safely(`autocomplete choices for /${interaction.commandName}`, () => interaction.respond(choices.slice(0, 25))),
  };
}
