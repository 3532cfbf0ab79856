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
  type Message,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import type {
  AutocompleteContext,
  BaseContext,
  ButtonContext,
  CommandContext,
  Invoker,
  MessageCommandContext,
  Reply,
} from '../interaction/types.ts';
import { log } from '../log.ts';

/** Nobody is ever pinged by the bot. */
export const NO_MENTIONS = { parse: [] as never[] };

type AnyInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction | ButtonInteraction | AutocompleteInteraction;

/** What every context carries besides the interaction: the engine, and the record and cooldown when they are on. */
export type Services = Pick<BaseContext, 'engine' | 'record' | 'cooldown' | 'corpus' | 'via' | 'autoAnswer'>;

/** Longest message text a message command reads, in characters (Discord allows 4,000 with Nitro). */
export const MAX_TARGET_CHARS = 4000;

/** Who acted, and whether they may moderate (Manage Server, or one of `moderatorRoleIds`). */
export function invokerOf(interaction: AnyInteraction, moderatorRoleIds: readonly string[]): Invoker {
  const inGuild = interaction.inGuild();
  const roles = roleIds(interaction.member);
  const isModerator =
    inGuild &&
    (Boolean(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) || roles.some((r) => moderatorRoleIds.includes(r)));
  return {
    id: interaction.user.id,
    name: interaction.user.username,
    inGuild,
    isModerator,
    ...(interaction.guildId && { guildId: interaction.guildId }),
  };
}

function roleIds(member: GuildMember | APIInteractionGuildMember | null): string[] {
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

/** The bot's permissions in a channel of the interaction's server, from discord.js's cache; undefined when it cannot tell. */
function botPermissionsIn(interaction: ChatInputCommandInteraction, channelId: string): bigint | undefined {
  try {
    return interaction.guild?.members.me?.permissionsIn(channelId).bitfield;
  } catch {
    return undefined; // the channel is not in the cache
  }
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

/** Defer, reply and edit for a command interaction, tracking how it was acknowledged. */
function commandReplies(
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
  name: string,
): Pick<CommandContext, 'defer' | 'reply' | 'edit'> {
  let state: ReplyState = 'none';
  return {
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

export function commandContext(
  interaction: ChatInputCommandInteraction,
  services: Services,
  moderatorRoleIds: readonly string[],
): CommandContext {
  return {
    ...services,
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
      getChannel: (n) => {
        const c = interaction.options.getChannel(n);
        if (!c) return null;
        const botPermissions = botPermissionsIn(interaction, c.id);
        return { id: c.id, type: c.type, ...(botPermissions !== undefined && { botPermissions }) };
      },
    },
    ...commandReplies(interaction, `/${interaction.commandName}`),
  };
}

/**
 * The text of a message a message command was run on: its content, or for a
 * message of embeds only (another bot's), their titles and descriptions; at
 * most {@link MAX_TARGET_CHARS} characters. The message comes with the
 * interaction, so this needs no Message Content intent.
 */
export function messageText(target: Pick<Message, 'content' | 'embeds'>): string {
  const content = target.content.trim();
  const text = content || target.embeds.flatMap((e) => [e.title, e.description].filter((t): t is string => Boolean(t))).join('\n');
  return text.slice(0, MAX_TARGET_CHARS);
}

export function messageCommandContext(
  interaction: MessageContextMenuCommandInteraction,
  services: Services,
  moderatorRoleIds: readonly string[],
): MessageCommandContext {
  return {
    ...services,
    invoker: invokerOf(interaction, moderatorRoleIds),
    log: (m) => log('info', m),
    target: { id: interaction.targetId, content: messageText(interaction.targetMessage) },
    ...commandReplies(interaction, `"${interaction.commandName}"`),
  };
}

export function buttonContext(interaction: ButtonInteraction, services: Services, moderatorRoleIds: readonly string[]): ButtonContext {
  let acknowledged = false;
  const what = `button "${interaction.customId}"`;
  return {
    ...services,
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
    removeMessage: async () => {
      try {
        await interaction.message.delete();
        return true;
      } catch (err) {
        log('warn', `Discord refused deleting the message of ${what}: ${(err as Error).message}`);
        return false;
      }
    },
  };
}

export function autocompleteContext(
  interaction: AutocompleteInteraction,
  services: Services,
  moderatorRoleIds: readonly string[],
): AutocompleteContext {
  const focused = interaction.options.getFocused(true);
  return {
    ...services,
    invoker: invokerOf(interaction, moderatorRoleIds),
    log: (m) => log('info', m),
    focused: { name: focused.name, value: String(focused.value) },
    respond: (choices) => safely(`autocomplete choices for /${interaction.commandName}`, () => interaction.respond(choices.slice(0, 25))),
  };
}
