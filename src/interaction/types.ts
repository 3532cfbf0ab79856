/**
 * What a command handler sees. Handlers in `commands/` are written once
 * against these interfaces; the Discord adapter (`src/bot/`) implements them
 * over discord.js interactions and the local console (`src/cli/console.ts`)
 * implements them over stdin/stdout, so both front ends run the same code.
 *
 * Replies are plain Discord API JSON (embeds, action rows): discord.js sends
 * them as they are, and the console renders them as text.
 */
import type {
  APIActionRowComponent,
  APIButtonComponent,
  APIEmbed,
  ChannelType,
  ContextMenuCommandBuilder,
  SlashCommandOptionsOnlyBuilder,
  SlashCommandSubcommandsOnlyBuilder,
} from 'discord.js';
import type { CorpusEditor } from '../corpus/editor/index.ts';
import type { AnswerEngine } from '../engine/types.ts';
import type { AutoAnswerControl } from '../autoanswer/control.ts';
import type { QuestionRecord } from '../record/questions.ts';
import type { Cooldown } from './cooldown.ts';

/** A message to send or an edit to make. */
export interface Reply {
  content?: string;
  embeds?: APIEmbed[];
  components?: Array<APIActionRowComponent<APIButtonComponent>>;
  /** Visible only to the user who acted. */
  ephemeral?: boolean;
}

/** The invoking user and where they are. */
export interface Invoker {
  id: string;
  /** Display name, for logs. */
  name: string;
  /** False in DMs. */
  inGuild: boolean;
  /**
   * May use moderator features here: Discord let them run a moderator command
   * (its permissions, as the server's admins set them), or they have Manage
   * Server, or a role listed in MODERATOR_ROLE_IDS (which counts where
   * Discord's command permissions do not reach: buttons, exemptions).
   */
  isModerator: boolean;
  /** The server, when in one (not in DMs or the console). */
  guildId?: string | undefined;
}

/** Shared by every kind of interaction. */
export interface BaseContext {
  engine: AnswerEngine;
  invoker: Invoker;
  /** The record of questions and votes; absent when recording is off or impossible. */
  record?: QuestionRecord | undefined;
  /** The per-member limit on questions (ASK_COOLDOWN); absent when off. */
  cooldown?: Cooldown | undefined;
  /** Writes a line to the operator's log (stderr), never to users. */
  log(message: string): void;
  /** Adds to and removes from the corpus (`/corpus`); absent where the corpus cannot be changed. */
  corpus?: CorpusEditor;
  /** Where the interaction comes from, for the audit log. */
  via?: 'discord' | 'console';
  /** Auto-answers in help channels and forums (`/config`); absent in the console. */
  autoAnswer?: AutoAnswerControl | undefined;
}

/** A file attached to a command (a Discord attachment, or a local file named in the console). */
export interface CommandAttachment {
  /** Where to download it (Discord's CDN). */
  url: string;
  /** Its name as the user gave it: untrusted (`../../x.txt`). */
  name: string;
  /** Bytes, as the sender states them. */
  size: number;
  contentType: string | null;
  /** A file on this machine (the console only): read directly instead of downloaded. */
  localPath?: string;
}

/** Option values of a slash command. */
export interface CommandOptions {
  getString(name: string): string | null;
  getInteger(name: string): number | null;
  getNumber(name: string): number | null;
  getBoolean(name: string): boolean | null;
  getAttachment(name: string): CommandAttachment | null;
  /**
   * A channel option: the channel's id and Discord type (`ChannelType`), and
   * the bot's own permissions there when the bot knows them (from its cache of
   * the server's roles and the channel's overwrites).
   */
  getChannel(name: string): { id: string; type: ChannelType; botPermissions?: bigint } | null;
  /** The subcommand chosen (`/corpus add` → "add"), or `null` for a command without subcommands. */
  getSubcommand(): string | null;
}

/** A slash command being run. */
export interface CommandContext extends BaseContext {
  options: CommandOptions;
  /** Acknowledges now and replies later (Discord requires an answer within 3 s). */
  defer(options?: { ephemeral?: boolean | undefined }): Promise<void>;
  /** Sends the reply, or fills in the deferred one. */
  reply(reply: Reply): Promise<void>;
  /** Replaces the reply already sent (progress updates). */
  edit(reply: Reply): Promise<void>;
}

/** A button on one of the bot's messages being clicked. */
export interface ButtonContext extends BaseContext {
  /** The button's custom id, already split: `[namespace, action, ...args]`. */
  args: string[];
  /** The message that carries the button. */
  message: { content: string; embeds: APIEmbed[] };
  /** Replaces the message that carries the button. */
  update(reply: Reply): Promise<void>;
  /** Sends a new reply to the clicker. */
  reply(reply: Reply): Promise<void>;
  /** Deletes the message that carries the button, for everyone; false when Discord refused. Absent in the console. */
  removeMessage?(): Promise<boolean>;
}

/** A choice offered by autocomplete. */
export interface Choice {
  name: string;
  value: string;
}

/** Autocomplete of a command option being typed. */
export interface AutocompleteContext extends BaseContext {
  /** The option being typed and what has been typed so far. */
  focused: { name: string; value: string };
  respond(choices: Choice[]): Promise<void>;
}

/** A message context-menu command (Apps → name) being run on a message. */
export interface MessageCommandContext extends Omit<CommandContext, 'options'> {
  /** The message it was run on: its id and its text (for a message of embeds only, their titles and descriptions). */
  target: { id: string; content: string };
}

/** A command file in `commands/`: its definition and handlers. */
export interface CommandModule {
  /** The slash command definition, registered with Discord. */
  data: SlashCommandOptionsOnlyBuilder | SlashCommandSubcommandsOnlyBuilder;
  execute(ctx: CommandContext): Promise<void>;
  autocomplete?(ctx: AutocompleteContext): Promise<void>;
  /** Handles clicks on buttons whose custom id starts with this command's name. */
  button?(ctx: ButtonContext): Promise<void>;
}

/**
 * A message context-menu command file in `commands/` (Apps → its name, on any
 * message): its definition and handlers.
 */
export interface MessageCommandModule {
  /** The command definition (`setType(ApplicationCommandType.Message)`), registered with Discord. */
  data: ContextMenuCommandBuilder;
  execute(ctx: MessageCommandContext): Promise<void>;
  /** Handles clicks on buttons whose custom id starts with this command's name. */
  button?(ctx: ButtonContext): Promise<void>;
}

/** Any file in `commands/`. */
export type AnyCommandModule = CommandModule | MessageCommandModule;
