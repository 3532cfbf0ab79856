/**
 * A loopback Discord for end-to-end tests: an HTTP server speaking the REST API
 * v10 and a WebSocket gateway v10 that the real discord.js `Client` logs in to.
 *
 * ```ts
 * const fake = await startFakeDiscord();
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restBase } });
 * const ready = once(client, Events.ClientReady);
 * await client.login(fake.token);
 * await ready;
 * const ask = fake.slashCommand({ name: 'ask', options: [{ name: 'question', value: 'why?' }] });
 * const reply = await ask.nextResponse();          // what the bot answered, as Discord received it
 * expect(reply.data?.content).toContain('because');
 * expect(fake.violations).toEqual([]);             // nothing real Discord would have refused
 * await client.destroy();
 * await fake.close();
 * ```
 *
 * Discord cannot be reached from the test machine, so this server plays it:
 * it hands out the gateway URL, sends READY and GUILD_CREATE, dispatches
 * INTERACTION_CREATE payloads shaped like Discord's, and receives what the bot
 * sends back (interaction callbacks, webhook follow-ups and edits, command
 * registration). It enforces Discord's rules (3-second acknowledgement, one
 * callback per interaction, message/embed/component/autocomplete limits,
 * command validation): a request real Discord would refuse gets the same HTTP
 * status and JSON error body, so discord.js throws the same `DiscordAPIError`,
 * and is also recorded in {@link FakeDiscord.violations} for tests to assert on.
 * Every request body is also checked against Discord's own OpenAPI description
 * (see fakeDiscordSchemas.ts).
 *
 * The bot can be in several guilds (`extraGuilds`) and run several shards
 * (`shards`, see fakeDiscordGateway.ts): each guild's events, and the
 * interactions injected in it (`guildId`), go to the session of its shard.
 * Guilds have text channels and forums (`channels`); members post messages,
 * forum posts and threads (`postMessage`, `createForumPost`, `startThread`),
 * and the bot posts, edits and deletes through REST (fakeDiscordChannels.ts),
 * with MESSAGE_* and THREAD_CREATE events gated by intents as on Discord.
 * Attachments are served by the fake's own CDN (fakeDiscordCdn.ts).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonStyle,
  ChannelType,
  ComponentType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionContextType,
  InteractionResponseType,
  InteractionType,
  Locale,
  PermissionFlagsBits,
  ApplicationCommandPermissionType,
  MessageFlags,
  MessageType,
  RESTJSONErrorCodes,
} from 'discord-api-types/v10';
import type {
  APIAllowedMentions,
  APIApplicationCommand,
  APIApplicationCommandInteractionDataOption,
  APIApplicationCommandOption,
  APIApplicationCommandOptionChoice,
  APIApplicationCommandPermission,
  APIAttachment,
  APIChannel,
  APIEmbed,
  APIThreadChannel,
  APIInteraction,
  APIInteractionDataResolved,
  APIInteractionDataResolvedChannel,
  APIInteractionResponseCallbackData,
  APIMessage,
  APIModalInteractionResponseCallbackData,
  APIUser,
  ApplicationFlags,
  GatewayIdentifyData,
  GatewayReadyDispatchData,
  RESTGetAPIGatewayBotResult,
  RESTPostAPIInteractionCallbackWithResponseResult,
} from 'discord-api-types/v10';
import {
  FormErrors,
  isEmptyMessage,
  validateAutocompleteData,
  validateCommand,
  validateMessageBody,
  validateModalData,
  CommandLimits,
} from './fakeDiscordRules.ts';
import type { DiscordErrorBody } from './fakeDiscordRules.ts';
import { checkRequestBody } from './fakeDiscordSchemas.ts';
import { error, isRecord, mergeMessage, methodNotAllowed, normalizeEmbeds, numberComponents } from './fakeDiscordMessages.ts';
import type { HttpResult, ParsedRequest, UploadedFile } from './fakeDiscordMessages.ts';
import { FakeGateway, shardOf } from './fakeDiscordGateway.ts';
import { FakeCdn, contentTypeOf } from './fakeDiscordCdn.ts';
import { FakeChannels } from './fakeDiscordChannels.ts';
import type { BotPost, ForumPostInit, MessageFilter, PostMessageInit } from './fakeDiscordChannels.ts';
import type { CdnBehavior, CdnRequest } from './fakeDiscordCdn.ts';
import type { GatewaySession, GatewaySessionInfo } from './fakeDiscordGateway.ts';
import {
  ALL_PERMISSIONS,
  DEFAULT_MEMBER_PERMISSIONS,
  appPermissions,
  DEFAULT_BOT_PERMISSIONS,
  application,
  currentUser,
  discordTimestamp,
  guildCreate,
  interactionMember,
  interactionToken,
  makeUser,
  restGuild,
  snowflake,
  textChannel,
} from './fakeDiscordPayloads.ts';
import type { World } from './fakeDiscordPayloads.ts';

export type { DiscordErrorBody } from './fakeDiscordRules.ts';
export type { GatewaySessionInfo } from './fakeDiscordGateway.ts';
export { shardOf } from './fakeDiscordGateway.ts';
export type { CdnBehavior, CdnRequest } from './fakeDiscordCdn.ts';
export type { BotPost, ForumPostInit, MessageFilter, PostMessageInit } from './fakeDiscordChannels.ts';

// ---------------------------------------------------------------------------
// Defaults

/** Application id (and bot user id) of the fake application unless options say otherwise. */
export const FAKE_APPLICATION_ID = '1300000000000000001';
/** Id of the fake guild unless options say otherwise. Its @everyone role has the same id. */
export const FAKE_GUILD_ID = '1300000000000000100';
/** Id of the fake guild's one text channel, where guild interactions happen. */
export const FAKE_CHANNEL_ID = '1300000000000000101';
/** Id of the user who invokes interactions unless an injection says otherwise. */
export const FAKE_USER_ID = '1300000000000000300';
/** Id of the fake guild's owner (not the default invoker: owners have every permission). */
export const FAKE_OWNER_ID = '1300000000000000200';

/**
 * The bot token the fake accepts by default. Shaped like a real one
 * (base64 of the bot's user id, a timestamp part, an HMAC part) so code that
 * inspects token shape, such as discord.js's token censoring, behaves normally.
 */
export const FAKE_BOT_TOKEN = `${Buffer.from(FAKE_APPLICATION_ID).toString('base64url')}.GfAk3d.${'f4keT0kenF0rTheL0opbackDiscordServer0'.padEnd(38, '0')}`;

/**
 * A guild id that lands on shard `shardId` of `numShards` by Discord's formula
 * (`(guild_id >> 22) % num_shards`), for tests that put guilds on chosen shards.
 * `n` picks among such ids (0, 1, 2…).
 */
export function guildIdOnShard(shardId: number, numShards: number, n = 0): string {
  // A timestamp part of ~2023 plus the offset that gives the wanted remainder; the low 22 bits are arbitrary.
  const base = 1n << 40n;
  const timestamp = base - (base % BigInt(numShards)) + BigInt(shardId) + BigInt(n) * BigInt(numShards);
  return ((timestamp << 22n) | 0x1_2345n).toString();
}

// ---------------------------------------------------------------------------
// Public types

/** Options of {@link startFakeDiscord}. Every field has a working default. */
export interface FakeDiscordOptions {
  /** The only bot token accepted on REST (`Authorization: Bot <token>`) and by IDENTIFY. Default {@link FAKE_BOT_TOKEN}. */
  token?: string;
  /** Default {@link FAKE_APPLICATION_ID}. */
  applicationId?: string;
  /** The bot's user id. Default: the application id (as for every application created since 2020). */
  botUserId?: string;
  /** Default `'verbatim'`. */
  botUsername?: string;
  /** The first guild the bot is in ({@link FakeDiscord.guild}), where interactions happen unless they name another. */
  guild?: GuildInit;
  /** Further guilds the bot is in, each with one text channel. Default none. */
  extraGuilds?: GuildInit[];
  /** The shard count `GET /gateway/bot` recommends. Default 1. */
  shards?: number;
  /** `session_start_limit.max_concurrency`: how many identify buckets there are. Default: the shard count, so every shard may identify at once. */
  maxConcurrency?: number;
  /** `session_start_limit` of `GET /gateway/bot`. Default 1000 a day, all remaining (`remaining` goes down by one per IDENTIFY). */
  sessionStartLimit?: { total?: number; remaining?: number; resetAfterMs?: number };
  /** Most guilds one shard may hold; IDENTIFY of a shard holding more closes with 4011 Sharding required. Default 2500, Discord's limit. */
  maxGuildsPerShard?: number;
  /**
   * How long a bucket of shards (`shard_id % max_concurrency`) must wait between
   * two IDENTIFYs, else it gets op 9 Invalid Session. Discord's is 5000 ms; the
   * default 0 turns the check off, since tests restart clients often.
   */
  identifyWindowMs?: number;
  /** How long after dispatch the first callback is accepted. Default 3000 ms, Discord's limit. */
  ackTimeoutMs?: number;
  /** How long the interaction token works for follow-ups and edits. Default 15 minutes, Discord's limit. */
  tokenLifetimeMs?: number;
  /** HELLO's heartbeat interval. Default 41250 ms, what Discord sends. */
  heartbeatIntervalMs?: number;
  /** Privileged intents enabled "in the developer portal" (bits of GatewayIntentBits). Default none, so asking for one closes the gateway with 4014. */
  allowedPrivilegedIntents?: number;
  /** Default timeout of the wait helpers. Default 5000 ms. */
  waitTimeoutMs?: number;
  /** Largest upload a user may attach (`attachment_size_limit`). Default 10 MiB, Discord's for servers without boosts. */
  attachmentSizeLimit?: number;
  /** How long the CDN's signed attachment URLs work. Default 24 hours, as Discord's. */
  attachmentUrlLifetimeMs?: number;
}

/** A guild of the fake's world. Every field has a default. */
export interface GuildInit {
  id?: string;
  name?: string;
  ownerId?: string;
  /** Its one text channel, where guild interactions happen. */
  channelId?: string;
  channelName?: string;
  /** Roles besides @everyone and the bot's own (e.g. a moderator role). A role has no permissions unless given (a bit set). */
  roles?: Array<{ id: string; name: string; permissions?: bigint | string }>;
  /** What @everyone may do. Default: roughly Discord's default for a new guild (no Manage Server). */
  everyonePermissions?: bigint | string;
  /**
   * What the bot's managed role may do (what the invite granted). Default: a member's permissions and Manage Messages.
   * Shown in GUILD_CREATE and `app_permissions`; the REST routes do not enforce it.
   */
  botPermissions?: bigint | string;
  /** Channels besides the first text channel: more text channels, and forums (type 15) with their tags. */
  channels?: Array<{ id?: string; name: string; type?: 'text' | 'forum'; topic?: string; tags?: string[] }>;
}

/** A guild the bot is in, as tests see it. */
export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly channelId: string;
}

/** One HTTP request the fake received, for debugging. */
export interface RequestLogEntry {
  /** Epoch ms when it arrived. */
  at: number;
  method: string;
  /** Path, e.g. `/api/v10/interactions/123/tok/callback`. */
  path: string;
  /** Query string including `?`, or `''`. */
  query: string;
  /** Parsed JSON body (`payload_json` for multipart), undefined when none. */
  body: unknown;
  /** Names of uploaded files, for multipart requests. */
  files: string[];
  status: number;
  /** What the fake answered (undefined for 204). */
  response: unknown;
}

/** A rule real Discord would have enforced on the bot. */
export type ViolationRule =
  /** No callback arrived within `ackTimeoutMs` of dispatch: users see "The application did not respond". */
  | 'ack-timeout'
  /** A callback arrived after `ackTimeoutMs`: 404 `10062 Unknown interaction`. */
  | 'late-ack'
  /** A second callback for the same interaction: 400 `40060 Interaction has already been acknowledged`. */
  | 'already-acknowledged'
  /** A callback for an interaction id/token Discord never issued: 404 `10062`. */
  | 'unknown-interaction'
  /** A callback type that does not fit the interaction (e.g. autocomplete result to a slash command): 400 `50035`. */
  | 'invalid-callback-type'
  /** A body breaking a limit (content length, embeds, components, choices...): 400 `50035 Invalid Form Body`. */
  | 'invalid-form-body'
  /** A message with nothing to show: 400 `50006 Cannot send an empty message`. */
  | 'empty-message'
  /** A follow-up/edit before the interaction was acknowledged, or on a token that has none: 404 `10015 Unknown Webhook`. */
  | 'unknown-webhook'
  /** A follow-up/edit more than `tokenLifetimeMs` after the interaction: 401 `50027 Invalid Webhook Token`. */
  | 'token-expired'
  /** Editing, fetching or deleting a message that is not (or no longer) there: 404 `10008 Unknown Message`. */
  | 'unknown-message'
  /** Invalid command registration: 400 `50035`, or `30032` for too many commands. */
  | 'invalid-command'
  /** A REST call with a missing or wrong bot token: 401 `0`. */
  | 'unauthorized'
  /** A bot token on an endpoint Discord keeps for users (editing command permissions): 403 `20001 Bots cannot use this endpoint`. */
  | 'bots-cannot-use-endpoint'
  /** A channel route for a channel that does not exist: 404 `10003 Unknown Channel`. */
  | 'unknown-channel'
  /** A message where messages cannot go (a forum takes posts), or a thread where none can start: 400 `50008` / `50024`. */
  | 'cannot-send-here'
  /** Editing someone else's message: 403 `50005 Cannot edit a message authored by another user`. */
  | 'not-author'
  /** Starting a second thread on a message: 400 `160004 A thread has already been created for this message`. */
  | 'thread-exists';

/** A refused request (see {@link ViolationRule}). */
export interface Violation {
  rule: ViolationRule;
  /** A sentence saying what happened, for test failure output. */
  message: string;
  /** The interaction concerned, when there is one. */
  interactionId?: string;
  method: string;
  path: string;
  status: number;
  error: DiscordErrorBody;
  at: number;
}

/** What the bot sent for an interaction, as the fake received it (accepted or refused). */
export interface BotResponse {
  /**
   * - `callback`: `POST /interactions/{id}/{token}/callback` (the acknowledgement)
   * - `followup`: `POST /webhooks/{app}/{token}`
   * - `edit`: `PATCH /webhooks/{app}/{token}/messages/{@original|id}`
   * - `delete`: `DELETE /webhooks/{app}/{token}/messages/{@original|id}`
   */
  kind: 'callback' | 'followup' | 'edit' | 'delete';
  method: string;
  path: string;
  /** For `callback`: the interaction response type (4 reply, 5 defer, 6 deferred update, 7 update, 8 autocomplete, 9 modal). */
  callbackType?: InteractionResponseType;
  /** The JSON body exactly as sent (`payload_json` for uploads). */
  body: unknown;
  /** The message fields sent: `body.data` of callbacks 4/5/7, the body of follow-ups and edits. */
  data?: APIInteractionResponseCallbackData;
  /** The choices of an autocomplete result (callback 8). */
  choices?: APIApplicationCommandOptionChoice[];
  /** The modal of callback 9. */
  modal?: APIModalInteractionResponseCallbackData;
  /** The `allowed_mentions` sent with this message, or undefined if none was (meaning Discord parses every mention). */
  allowedMentions?: APIAllowedMentions;
  /** Whether the resulting message is ephemeral (flag 64). */
  ephemeral: boolean;
  /** Names of uploaded files. */
  files: string[];
  /** The message created or edited (its state right after this request), or the deleted one. */
  message?: APIMessage;
  /** Id of that message. */
  messageId?: string;
  status: number;
  /** Whether Discord accepted it (2xx). */
  ok: boolean;
  /** Discord's error body when refused. */
  error?: DiscordErrorBody;
  /** Epoch ms when it arrived. */
  at: number;
  /** Milliseconds between the interaction's dispatch and this request. */
  sinceDispatchMs: number;
}

/** An option of an injected command. Type and nesting come from the registered command when there is one. */
export interface OptionInput {
  name: string;
  /** The value; for autocomplete's focused option, what the user has typed so far. Omit for subcommands and attachments. */
  value?: string | number | boolean;
  /** The file of an ATTACHMENT option (type 11): the fake's CDN serves its bytes at the URL in `data.resolved.attachments`. */
  attachment?: AttachmentInput;
  /** Needed only when the command is not registered and the type cannot be inferred from the value (user, channel, role...). */
  type?: ApplicationCommandOptionType;
  /** Options of a subcommand or subcommand group. */
  options?: OptionInput[];
  /** Marks the option being typed, for {@link FakeDiscord.autocomplete}. */
  focused?: boolean;
}

/** A file a user attaches to an ATTACHMENT option. */
export interface AttachmentInput {
  /**
   * As Discord reports it. Discord cleans names up (spaces become underscores, paths are dropped); the fake
   * passes this one through unchanged, so tests can check that the bot trusts no name (`../../x.txt`).
   */
  filename: string;
  /** The bytes the CDN serves (a string is UTF-8). */
  data: Buffer | Uint8Array | string;
  /** `content_type` and the CDN's Content-Type. Default: from the extension (`text/plain; charset=utf-8`, `application/pdf`…). */
  contentType?: string;
  /** The `size` Discord reports. Default: the data's length (a test can make it differ from what the CDN serves). */
  size?: number;
  description?: string;
  /** How the CDN serves it: slow, chunked, a wrong Content-Length, an error… Default: at once. */
  cdn?: CdnBehavior;
}

/** Who invokes an interaction, and where. */
export interface InvokerInit {
  /** The invoking user. Default: id {@link FAKE_USER_ID}, username `tester`. */
  user?: Partial<APIUser>;
  /**
   * The member's permissions in the channel (bit set), as given. Default: computed as Discord does,
   * @everyone's permissions plus those of the member's `roles` (all of them with Administrator, or for the owner).
   */
  permissions?: bigint | string;
  /** Role ids of the member (roles of the guild, see {@link GuildInit.roles}). Default none. */
  roles?: string[];
  /** Invoke in a DM with the bot instead of a guild's text channel. */
  dm?: boolean;
  /** The guild to invoke in (one of {@link FakeDiscord.guilds}). Default: the first, {@link FakeDiscord.guild}. */
  guildId?: string;
  /** The channel or thread to invoke in (its guild is then the guild). Default: the guild's first text channel. */
  channelId?: string;
  /** The user's client locale. Default `en-US`. */
  locale?: Locale;
}

/** A slash command to inject (interaction type 2). */
export interface SlashCommandInit extends InvokerInit {
  name: string;
  options?: OptionInput[];
  /**
   * Skip the checks Discord's client makes before sending (option lengths and
   * ranges, guild-only commands, default member permissions), as an outdated
   * client or a stale command registration could: the bot must then validate
   * on its own. Default false.
   */
  unchecked?: boolean;
}

/** An autocomplete request to inject (interaction type 4): exactly one option has `focused: true`. */
export interface AutocompleteInit extends InvokerInit {
  name: string;
  options: OptionInput[];
}

/** A message context-menu command to inject (interaction type 2, command type 3). */
export interface MessageCommandInit extends InvokerInit {
  /** The command's name as registered, e.g. `Find sources`. */
  name: string;
  /**
   * The message it is used on: a message the fake holds (as recorded in a {@link BotResponse}, or its id),
   * or a member's new message, written in the channel first.
   */
  message: APIMessage | string | { content: string; author?: Partial<APIUser>; embeds?: APIEmbed[] };
  /** Deliver even if Discord would refuse it (see {@link SlashCommandInit.unchecked}). */
  unchecked?: boolean;
}

/** A button click to inject (interaction type 3). */
export interface ButtonInit extends InvokerInit {
  customId: string;
  /** The message carrying the button (as recorded in a {@link BotResponse}), or its id. The fake uses its latest state. */
  message: APIMessage | string;
}

/**
 * Why Discord would not send an invocation to the bot: the member may not use
 * the command there, so Discord's client refuses it and says so to the user.
 */
export interface InvocationRefusal {
  /**
   * - `missing-permissions`: the member lacks the command's `default_member_permissions`, or a command
   *   permission (overwrite) denies them (user, role or @everyone) and none grants it;
   * - `disabled-in-channel`: a command permission disables the command in this channel (or all channels);
   * - `unavailable-here`: the command's `contexts` exclude where it was used (e.g. a guild-only command in a DM);
   * - `file-too-large`: an attachment's size is over the upload limit (`attachment_size_limit`).
   */
  reason: 'missing-permissions' | 'disabled-in-channel' | 'unavailable-here' | 'file-too-large';
  /** What the user is told, and why, for test output. */
  message: string;
}

/** A command permission (overwrite) to add with {@link FakeDiscord.grantCommand}: exactly one target. */
export interface CommandGrant {
  /** The command's name or id; `null` for the application-wide permissions (all commands without their own). */
  command: string | null;
  /** Default: the first guild. */
  guildId?: string;
  roleId?: string;
  userId?: string;
  channelId?: string;
  /** Every member (the `@everyone` constant: the guild id). */
  everyone?: true;
  /** Every channel (the constant `guild_id - 1`). */
  allChannels?: true;
  /** `true` grants (default), `false` denies. */
  permission?: boolean;
}

/** Options of the wait helpers. */
export interface WaitOptions {
  /** Default: the fake's `waitTimeoutMs` (5000 ms). */
  timeoutMs?: number;
  /** What is awaited, for the timeout message. */
  description?: string;
}

/**
 * An interaction the fake dispatched, and everything the bot sent for it.
 * Returned by {@link FakeDiscord.slashCommand}, {@link FakeDiscord.autocomplete} and {@link FakeDiscord.button}.
 */
export interface InjectedInteraction {
  readonly id: string;
  readonly token: string;
  /** The shard id of the session it was dispatched to (the guild's shard; 0 for DMs); -1 when refused. */
  readonly shard: number;
  /**
   * Set when Discord would not have sent this interaction (see {@link InvocationRefusal}): nothing was
   * dispatched, `responses` stays empty and `nextResponse` rejects at once with the refusal.
   */
  readonly refused?: InvocationRefusal;
  /** The INTERACTION_CREATE payload as dispatched. */
  readonly payload: APIInteraction;
  /** What the bot sent for it so far, in arrival order, refused requests included. */
  readonly responses: readonly BotResponse[];
  /** Violations concerning this interaction. */
  readonly violations: readonly Violation[];
  /**
   * The next response not yet returned by `nextResponse` (the first call returns
   * the first response, and so on), waiting for it to arrive if needed.
   * Rejects on timeout with a message listing what was received.
   */
  nextResponse(options?: WaitOptions): Promise<BotResponse>;
  /** The first response (already received or to come) for which `predicate` holds. */
  waitFor(predicate: (response: BotResponse) => boolean, options?: WaitOptions): Promise<BotResponse>;
  /** The current state of the interaction's original response message (`@original`), if any. */
  original(): APIMessage | undefined;
}

// ---------------------------------------------------------------------------
// Internal state

/** What building an interaction's options needs to know. */
interface OptionContext {
  command: string;
  resolved: APIInteractionDataResolved;
  autocomplete: boolean;
  dm: boolean;
  world: World;
  unchecked: boolean;
  /** Where the interaction happens (attachments are uploaded there). */
  channelId: string;
  /** The attachments of ATTACHMENT options, collected while building. */
  attachments: APIAttachment[];
}

interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  /** e.g. `/ask` or `button "more"`, for messages. */
  label: string;
  payload: APIInteraction;
  dispatchedAt: number;
  channelId: string;
  user: APIUser;
  /** Type of the focused option (autocomplete), to check the choices' value type. */
  focusedType?: ApplicationCommandOptionType;
  /** The message a component interaction came from. */
  componentMessageId?: string;
  /** Shard id of the session it was dispatched to (-1 when refused). */
  shard: number;
  /** Why Discord would not have sent it (then it was not dispatched). */
  refused?: InvocationRefusal;
  ack?: { type: InteractionResponseType; at: number; ephemeral: boolean };
  originalMessageId?: string;
  /** A deferred "thinking…" original response not yet edited or replaced. */
  loading: boolean;
  messageIds: Set<string>;
  responses: BotResponse[];
  listeners: Set<() => void>;
  ackTimer?: NodeJS.Timeout;
}

class BadJsonError extends Error {}

/** Whether these allowed_mentions make a message ping nobody (no parse types, no user or role ids, no replied user). */
export function pingsNobody(allowedMentions: APIAllowedMentions | undefined): boolean {
  if (!allowedMentions) return false;
  return (
    (allowedMentions.parse ?? []).length === 0 &&
    (allowedMentions.users ?? []).length === 0 &&
    (allowedMentions.roles ?? []).length === 0 &&
    allowedMentions.replied_user !== true
  );
}

/** Which callback types Discord accepts for which interaction type. */
const ALLOWED_CALLBACKS: Record<number, readonly InteractionResponseType[]> = {
  [InteractionType.ApplicationCommand]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.Modal,
  ],
  [InteractionType.MessageComponent]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
    InteractionResponseType.Modal,
  ],
  [InteractionType.ApplicationCommandAutocomplete]: [InteractionResponseType.ApplicationCommandAutocompleteResult],
  [InteractionType.ModalSubmit]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
  ],
};

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One line describing a response, for timeout and violation messages. */
export function describeResponse(r: BotResponse): string {
  const what = r.kind === 'callback' ? `callback ${r.callbackType} (${InteractionResponseType[r.callbackType ?? 0] ?? '?'})` : r.kind;
  const outcome = r.ok ? `${r.status}` : `${r.status} ${r.error?.code} ${r.error?.message}`;
  const parts: string[] = [];
  if (r.data?.content !== undefined && r.data.content !== null) parts.push(`content=${JSON.stringify(truncate(r.data.content, 80))}`);
  if (r.data?.embeds?.length) parts.push(`embeds=${r.data.embeds.length}`);
  if (r.data?.components?.length) parts.push(`components=${r.data.components.length}`);
  if (r.choices) parts.push(`choices=${r.choices.length}`);
  if (r.ephemeral) parts.push('ephemeral');
  return `${what} → ${outcome}${parts.length ? ` [${parts.join(', ')}]` : ''} at +${r.sinceDispatchMs} ms`;
}

// ---------------------------------------------------------------------------

/**
 * The running fake. Create it with {@link startFakeDiscord}; always {@link close} it.
 */
export class FakeDiscord {
  /** Pass as `rest: { api }` to discord.js: e.g. `http://127.0.0.1:PORT/api` (discord.js appends `/v10`). */
  readonly restBase: string;
  /** What `GET /gateway/bot` returns, e.g. `ws://127.0.0.1:PORT/gateway`. */
  readonly gatewayUrl: string;
  /** The fake's CDN, serving attachments: e.g. `http://127.0.0.1:PORT` (URLs under `/attachments/` and `/ephemeral-attachments/`). */
  readonly cdnBase: string;
  readonly port: number;
  /** The accepted bot token. */
  readonly token: string;
  readonly applicationId: string;
  /** The bot's user object. */
  readonly botUser: APIUser;
  /** The first guild the bot is in, and its text channel: where interactions happen unless they name another guild. */
  readonly guild: FakeGuild;
  /** Every guild the bot is in ({@link guild} first, then `extraGuilds`). */
  readonly guilds: readonly FakeGuild[];
  /** The shard count `GET /gateway/bot` recommends. */
  readonly shardCount: number;
  /**
   * A Bearer token of a guild admin (Manage Server and Manage Roles), the only kind of token Discord accepts
   * for `PUT …/commands/{id}/permissions` (a bot token gets 403 20001). Tests can also use {@link grantCommand}.
   */
  readonly adminBearerToken: string = `fake-admin-${Buffer.from(String(Math.random())).toString('base64url')}`;
  /** Every HTTP request received, in order. */
  readonly requests: RequestLogEntry[] = [];
  /** Every request refused because Discord would have refused it, plus unanswered interactions. */
  readonly violations: Violation[] = [];
  /** The first guild's world; {@link worlds} has every guild's. */
  private readonly world: World;
  private readonly worlds: World[];
  private readonly gateway: FakeGateway;
  private readonly sessionStartLimit: { total: number; remaining: number; resetAfterMs: number; maxConcurrency: number };
  private readonly ackTimeoutMs: number;
  private readonly tokenLifetimeMs: number;
  private readonly waitTimeoutMs: number;
  private readonly attachmentSizeLimit: number;
  private readonly cdn: FakeCdn;
  private readonly channels: FakeChannels;
  private readonly allowedPrivilegedIntents: number;
  /** DM channels by id, with their recipient. */
  private readonly dmUsers = new Map<string, APIUser>();
  private readonly interactions = new Map<string, InteractionRecord>();
  private readonly interactionsByToken = new Map<string, InteractionRecord>();
  private readonly messages = new Map<string, APIMessage>();
  private readonly dmChannels = new Map<string, string>();
  private readonly globalCommands: APIApplicationCommand[] = [];
  private readonly guildCommands = new Map<string, APIApplicationCommand[]>();
  /** Command permissions per guild, per command id (or the application id, for app-wide ones). */
  private readonly commandPermissions = new Map<string, Map<string, APIApplicationCommandPermission[]>>();
  private readonly sessionListeners = new Set<() => void>();
  private closed = false;

  /** @internal use {@link startFakeDiscord} */
  constructor(
    private readonly server: Server,
    options: FakeDiscordOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.port = port;
    this.restBase = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
    this.token = options.token ?? FAKE_BOT_TOKEN;
    this.applicationId = options.applicationId ?? FAKE_APPLICATION_ID;
    this.botUser = makeUser(options.botUserId ?? this.applicationId, options.botUsername ?? 'verbatim', { bot: true });
    const worldOf = (
      g: GuildInit,
      defaults: Required<Omit<GuildInit, 'roles' | 'everyonePermissions' | 'botPermissions' | 'channels'>>,
    ): World => ({
      applicationId: this.applicationId,
      botUser: this.botUser,
      guildId: g.id ?? defaults.id,
      guildName: g.name ?? defaults.name,
      ownerId: g.ownerId ?? defaults.ownerId,
      channelId: g.channelId ?? defaults.channelId,
      channelName: g.channelName ?? defaults.channelName,
      botRoleId: snowflake(),
      extraRoles: (g.roles ?? []).map((r) => ({ id: r.id, name: r.name, permissions: BigInt(r.permissions ?? 0).toString() })),
      everyonePermissions: BigInt(g.everyonePermissions ?? DEFAULT_MEMBER_PERMISSIONS).toString(),
      botRolePermissions: BigInt(g.botPermissions ?? DEFAULT_BOT_PERMISSIONS).toString(),
      extraChannels: (g.channels ?? []).map((c, i) => ({
        id: c.id ?? snowflake(),
        name: c.name,
        type: c.type === 'forum' ? ChannelType.GuildForum : ChannelType.GuildText,
        topic: c.topic ?? null,
        tags: (c.tags ?? []).map((name) => ({ id: snowflake(), name })),
        position: i + 1,
      })),
      guildCreatedAt: Date.now() - 86_400_000,
    });
    this.world = worldOf(options.guild ?? {}, {
      id: FAKE_GUILD_ID,
      name: 'Verbatim Test Guild',
      ownerId: FAKE_OWNER_ID,
      channelId: FAKE_CHANNEL_ID,
      channelName: 'general',
    });
    this.worlds = [
      this.world,
      ...(options.extraGuilds ?? []).map((g, i) =>
        worldOf(g, { id: snowflake(), name: `Guild ${i + 2}`, ownerId: FAKE_OWNER_ID, channelId: snowflake(), channelName: 'general' }),
      ),
    ];
    const ids = this.worlds.flatMap((w) => [w.guildId, w.channelId]);
    if (new Set(ids).size !== ids.length) throw new Error('startFakeDiscord: guild and channel ids must all differ');
    const describeGuild = (w: World): FakeGuild => ({ id: w.guildId, name: w.guildName, ownerId: w.ownerId, channelId: w.channelId });
    this.guild = describeGuild(this.world);
    this.guilds = this.worlds.map(describeGuild);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? 15 * 60_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 5000;
    this.attachmentSizeLimit = options.attachmentSizeLimit ?? 10_485_760;
    this.cdnBase = `http://127.0.0.1:${port}`;
    this.cdn = new FakeCdn(this.cdnBase, options.attachmentUrlLifetimeMs ?? 86_400_000);
    this.shardCount = options.shards ?? 1;
    const maxConcurrency = options.maxConcurrency ?? this.shardCount;
    if (!Number.isInteger(this.shardCount) || this.shardCount < 1 || !Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
      throw new Error('startFakeDiscord: shards and maxConcurrency must be positive integers');
    }
    const limit = options.sessionStartLimit ?? {};
    this.sessionStartLimit = {
      total: limit.total ?? 1000,
      remaining: limit.remaining ?? limit.total ?? 1000,
      resetAfterMs: limit.resetAfterMs ?? 86_400_000,
      maxConcurrency,
    };
    this.allowedPrivilegedIntents = options.allowedPrivilegedIntents ?? 0;
    this.gateway = new FakeGateway(
      {
        token: this.token,
        url: this.gatewayUrl,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
        allowedPrivilegedIntents: this.allowedPrivilegedIntents,
        maxGuildsPerShard: options.maxGuildsPerShard ?? 2500,
        maxConcurrency,
        identifyWindowMs: options.identifyWindowMs ?? 0,
      },
      {
        guildCount: (shard) => this.worldsOnShard(shard).length,
        identified: (session) => this.onIdentified(session),
        changed: () => {
          for (const listener of [...this.sessionListeners]) listener();
        },
      },
    );

    this.channels = new FakeChannels({
      worlds: this.worlds,
      botUser: this.botUser,
      messages: this.messages,
      gateway: this.gateway,
      allowedPrivilegedIntents: this.allowedPrivilegedIntents,
      dmChannelId: (userId) => this.dmChannelId(userId),
      dmRecipient: (channelId) => this.dmUsers.get(channelId),
      attachmentsFor: (channelId, files, body, now) => this.attachmentsFor(channelId, files, body, now),
      violate: (rule, message, req, result) => this.violate(rule, message, req, result),
    });

    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.onHttp(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  // -------------------------------------------------------------------------
  // Public API

  /** The registered global commands, or a guild's commands when `guildId` is given. */
  commands(guildId?: string): APIApplicationCommand[] {
    return structuredClone(guildId === undefined ? this.globalCommands : (this.guildCommands.get(guildId) ?? []));
  }

  /**
   * Adds (or replaces) one command permission in a guild, as a server admin does in Server Settings →
   * Integrations: e.g. `grantCommand({ command: 'reload', roleId: MODERATORS })` lets members with that
   * role use /reload whatever its `default_member_permissions`. The bot receives
   * APPLICATION_COMMAND_PERMISSIONS_UPDATE, as from Discord.
   */
  grantCommand(grant: CommandGrant): void {
    const world = this.worldFor({ ...(grant.guildId === undefined ? {} : { guildId: grant.guildId }) });
    const targets = [
      grant.roleId === undefined ? undefined : { id: grant.roleId, type: ApplicationCommandPermissionType.Role },
      grant.userId === undefined ? undefined : { id: grant.userId, type: ApplicationCommandPermissionType.User },
      grant.channelId === undefined ? undefined : { id: grant.channelId, type: ApplicationCommandPermissionType.Channel },
      grant.everyone ? { id: world.guildId, type: ApplicationCommandPermissionType.Role } : undefined,
      grant.allChannels ? { id: (BigInt(world.guildId) - 1n).toString(), type: ApplicationCommandPermissionType.Channel } : undefined,
    ].filter((t) => t !== undefined);
    if (targets.length !== 1) throw new Error('grantCommand: name exactly one of roleId, userId, channelId, everyone, allChannels');
    const target = targets[0]!;
    const current = this.commandPermissionsOf(grant.command, world.guildId).filter((p) => !(p.id === target.id && p.type === target.type));
    this.setCommandPermissions({
      command: grant.command,
      guildId: world.guildId,
      permissions: [...current, { ...target, permission: grant.permission ?? true }],
    });
  }

  /** Replaces a command's permissions in a guild (what `PUT …/commands/{id}/permissions` does); `command: null` for the app-wide ones. */
  setCommandPermissions(options: { command: string | null; guildId?: string; permissions: APIApplicationCommandPermission[] }): void {
    const world = this.worldFor({ ...(options.guildId === undefined ? {} : { guildId: options.guildId }) });
    this.storeCommandPermissions(world.guildId, this.commandIdOf(options.command, world.guildId), options.permissions);
  }

  /** A command's permissions in a guild (`command: null`: the app-wide ones); empty when none are set. */
  commandPermissionsOf(command: string | null, guildId?: string): APIApplicationCommandPermission[] {
    const world = this.worldFor({ ...(guildId === undefined ? {} : { guildId }) });
    return structuredClone(this.commandPermissions.get(world.guildId)?.get(this.commandIdOf(command, world.guildId)) ?? []);
  }

  /**
   * Everything the bot sent for every injected interaction, in arrival order,
   * e.g. to assert that no message could ping anyone:
   * `expect(fake.responses.filter((r) => r.data).every((r) => pingsNobody(r.allowedMentions))).toBe(true)`.
   */
  get responses(): BotResponse[] {
    return [...this.interactions.values()].flatMap((r) => r.responses).sort((a, b) => a.at - b.at);
  }

  /** The current state of a message: the bot's (sent through an interaction or a channel) or anyone's. */
  message(id: string): APIMessage | undefined {
    const m = this.messages.get(id);
    return m && structuredClone(m);
  }

  /**
   * A member writes a message in a channel or thread (or, with `kind`, another bot or a webhook does; with
   * `dm`, in their DM with the bot). The bot gets MESSAGE_CREATE only with the GUILD_MESSAGES intent
   * (DIRECT_MESSAGES for DMs), and its `content` only with MESSAGE_CONTENT, unless the message mentions it.
   */
  postMessage(init: PostMessageInit = {}): APIMessage {
    return this.channels.post(init);
  }

  /** The author edits their message: MESSAGE_UPDATE. */
  editMessage(id: string, changes: { content?: string; embeds?: APIEmbed[] }): APIMessage {
    return this.channels.edit(id, changes);
  }

  /** The message is deleted (by its author or a moderator): MESSAGE_DELETE. */
  deleteMessage(id: string): void {
    this.channels.remove(id);
  }

  /** A member opens a post in a forum: THREAD_CREATE, then MESSAGE_CREATE of its first message (which has the thread's id). */
  createForumPost(init: ForumPostInit): { thread: APIThreadChannel; message: APIMessage } {
    return this.channels.createForumPost(init);
  }

  /** A member starts a thread on a message: THREAD_CREATE; the thread has the message's id. */
  startThread(init: { messageId: string; name: string; author?: Partial<APIUser> }): APIThreadChannel {
    return this.channels.startThread(init);
  }

  /** A channel or thread as Discord would send it now (text channels, forums, threads, DMs). */
  channel(id: string): APIChannel | undefined {
    return this.channels.channel(id)?.json;
  }

  /** The threads (forum posts included) of a channel, or of every channel. */
  threads(parentId?: string): APIThreadChannel[] {
    return this.channels.threadList(parentId);
  }

  /** A channel's or thread's messages now, oldest first (deleted ones gone; ephemeral replies are not in channels). */
  messagesIn(channelId: string): APIMessage[] {
    return this.channels.messagesIn(channelId);
  }

  /**
   * Every message the bot posted, oldest first, in one channel or thread or everywhere: through
   * `POST /channels/{id}/messages` (and forum posts) and as interaction replies others can see, each
   * with its current state, the body and allowed mentions sent, and whether it was deleted.
   */
  botMessages(channelId?: string): BotPost[] {
    return this.channels.botPosts(channelId);
  }

  /** The first message (already there or to come) that matches, e.g. `waitForMessage({ channelId: thread.id, from: 'bot' })`. */
  waitForMessage(filter: MessageFilter = {}, options: WaitOptions = {}): Promise<APIMessage> {
    return this.channels.waitForMessage(filter, options.timeoutMs ?? this.waitTimeoutMs);
  }

  /** Whether a bot is connected to the gateway with a READY session. */
  get connected(): boolean {
    return this.gateway.connected;
  }

  /** Every IDENTIFY received (token left out), to check intents, shards and properties. */
  get identifies(): Omit<GatewayIdentifyData, 'token'>[] {
    return this.gateway.identifies;
  }

  /** Every download from the fake's CDN (attachment URLs), in order: what was sent and whether the client hung up early. */
  get cdnRequests(): readonly CdnRequest[] {
    return this.cdn.requests;
  }

  /** Every gateway session (one per shard connection), oldest first, with its shard and whether it is connected. */
  sessions(): GatewaySessionInfo[] {
    return this.gateway.sessions();
  }

  /** The ids of the guilds a session of shard `[shardId, numShards]` holds (Discord's sharding formula). */
  guildIdsOnShard(shardId: number, numShards: number = this.shardCount): string[] {
    return this.worldsOnShard([shardId, numShards]).map((w) => w.guildId);
  }

  /**
   * Resolves once a bot has identified on the gateway and been sent READY
   * (immediately if one is connected). Useful when the bot runs in another process.
   * With `shards: n`, waits for a connected session for every shard of `[0…n-1, n]`.
   */
  waitForSession(options: WaitOptions & { shards?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.waitTimeoutMs;
    const count = options.shards;
    const ready = (): boolean =>
      count === undefined
        ? this.gateway.connected
        : Array.from({ length: count }, (_, id) => id).every((id) =>
            this.gateway.sessions().some((s) => s.connected && s.shard[0] === id && s.shard[1] === count),
          );
    return this.waitUntil(
      this.sessionListeners,
      () => (ready() ? true : undefined),
      timeoutMs,
      () =>
        `Timed out after ${timeoutMs} ms waiting for a bot to log in to the fake gateway` +
        (count === undefined ? '. ' : ` on each of ${count} shards. `) +
        `Requests received: ${this.requests.map((r) => `${r.method} ${r.path} → ${r.status}`).join(', ') || 'none'}. ` +
        `Identify attempts: ${this.identifies.length} (shards ${JSON.stringify(this.identifies.map((i) => i.shard ?? null))}).`,
    ).then(() => undefined);
  }

  /**
   * Dispatches a slash command (INTERACTION_CREATE type 2) to the connected bot.
   * When the command is registered (globally, or in the guild), its id and the
   * options' types come from the registration, and options are checked against
   * it the way Discord's client would (unknown option, missing required option,
   * value outside the choices, DM use of a guild-only command all throw).
   */
  slashCommand(init: SlashCommandInit): InjectedInteraction {
    let refusal = init.unchecked ? undefined : this.refusalFor(init.name, init);
    const command = this.findCommand(init.name, { ...init, dm: init.dm === true && !init.unchecked });
    const resolved: APIInteractionDataResolved = {};
    const context = this.optionContext(init, resolved, false);
    const options = this.buildOptions(init.options ?? [], command?.options, context);
    // Discord's client will not upload a file over the limit ("Your files are too powerful").
    const tooBig = init.unchecked ? undefined : context.attachments.find((a) => a.size > this.attachmentSizeLimit);
    if (tooBig && !refusal) {
      refusal = {
        reason: 'file-too-large',
        message: `Your files are too powerful: ${tooBig.filename} is ${tooBig.size} bytes, over the ${this.attachmentSizeLimit}-byte upload limit`,
      };
    }
    const data = {
      id: command?.id ?? snowflake(),
      name: init.name,
      type: ApplicationCommandType.ChatInput,
      ...(options.length ? { options } : {}),
      ...(Object.keys(resolved).length ? { resolved } : {}),
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    };
    return this.inject(InteractionType.ApplicationCommand, init, data, `/${init.name}`, undefined, refusal);
  }

  /**
   * Dispatches an autocomplete request (INTERACTION_CREATE type 4) to the
   * connected bot. Exactly one option must have `focused: true`; its value is
   * the partial text typed so far.
   */
  autocomplete(init: AutocompleteInit): InjectedInteraction {
    const refusal = this.refusalFor(init.name, init);
    const command = this.findCommand(init.name, init);
    const resolved: APIInteractionDataResolved = {};
    const options = this.buildOptions(init.options, command?.options, this.optionContext(init, resolved, true));
    const focused = findFocused(options);
    if (focused.length !== 1) {
      throw new Error(`autocomplete for /${init.name} needs exactly one option with focused: true (got ${focused.length})`);
    }
    const data = {
      id: command?.id ?? snowflake(),
      name: init.name,
      type: ApplicationCommandType.ChatInput,
      options,
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    };
    const handle = this.inject(
      InteractionType.ApplicationCommandAutocomplete,
      init,
      data,
      `autocomplete /${init.name}`,
      undefined,
      refusal,
    );
    const record = this.interactions.get(handle.id);
    if (record && focused[0]) record.focusedType = focused[0].type;
    return handle;
  }

  /**
   * Dispatches a message context-menu command (INTERACTION_CREATE type 2, command type 3: Apps → name)
   * used on a message: `data.target_id` is the message's id and `data.resolved.messages` holds it, with its
   * content whatever the bot's intents ("Content of the message a message context menu command is used on",
   * https://discord.com/developers/docs/events/gateway#message-content-intent). The message is one the fake
   * holds (the bot's, or a member's posted earlier), or a new member's message written in the channel
   * first (`{ content }`). Checked like slash commands: the command must be a registered MESSAGE command
   * when any is registered under that name, and members Discord would not let use it get `refused`.
   */
  messageCommand(init: MessageCommandInit): InjectedInteraction {
    const command = this.findCommand(init.name, init, ApplicationCommandType.Message);
    const refusal = init.unchecked ? undefined : this.refusalFor(init.name, init, ApplicationCommandType.Message);
    const registered = [...this.globalCommands, ...[...this.guildCommands.values()].flat()].filter((c) => c.name === init.name);
    if (registered.length && !registered.some((c) => c.type === ApplicationCommandType.Message)) {
      throw new Error(`"${init.name}" is registered, but not as a message command (type 3), so it is not in the Apps menu of messages`);
    }
    const dm = init.dm === true;
    const channelId = dm ? this.dmChannelId(init.user?.id ?? FAKE_USER_ID) : this.placeOf(init).channelId;
    let target: APIMessage;
    if (typeof init.message === 'string' || 'id' in init.message) {
      const id = typeof init.message === 'string' ? init.message : init.message.id;
      const held = this.messages.get(id) ?? (typeof init.message === 'string' ? undefined : init.message);
      if (!held) throw new Error(`messageCommand: the fake holds no message ${id}`);
      target = held;
    } else {
      const author = makeUser(init.message.author?.id ?? FAKE_USER_ID, init.message.author?.username ?? 'tester', init.message.author);
      target = this.channels.post({
        channelId,
        content: init.message.content,
        ...(init.message.embeds ? { embeds: init.message.embeds } : {}),
        author,
        ...(dm ? { dm: true } : {}),
      });
    }
    if (target.channel_id !== channelId) {
      throw new Error(
        `messageCommand: message ${target.id} is in channel ${target.channel_id}, not where the command is used (${channelId})`,
      );
    }
    const data = {
      id: command?.id ?? snowflake(),
      name: init.name,
      type: ApplicationCommandType.Message,
      target_id: target.id,
      resolved: { messages: { [target.id]: structuredClone(target) } },
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    };
    return this.inject(InteractionType.ApplicationCommand, init, data, `message command "${init.name}"`, undefined, refusal);
  }

  /**
   * Dispatches a button click (INTERACTION_CREATE type 3, component type 2) on
   * a message the bot sent. Throws if that message has no enabled, non-link
   * button with this custom_id, since no user could click it.
   */
  button(init: ButtonInit): InjectedInteraction {
    const given = typeof init.message === 'string' ? undefined : init.message;
    const id = typeof init.message === 'string' ? init.message : init.message.id;
    const message = this.messages.get(id) ?? given;
    if (!message) throw new Error(`button: no message ${id} was sent by the bot`);
    const buttons = collectButtons(message.components ?? []);
    const button = buttons.find((b) => b['custom_id'] === init.customId);
    if (!button) {
      throw new Error(
        `button: message ${id} has no button with custom_id ${JSON.stringify(init.customId)} ` +
          `(its buttons: ${JSON.stringify(buttons.map((b) => b['custom_id'] ?? b['url']))})`,
      );
    }
    if (button['disabled'] === true) throw new Error(`button: ${JSON.stringify(init.customId)} is disabled, so it cannot be clicked`);
    const world = this.channels.channel(message.channel_id)?.world;
    const data = { custom_id: init.customId, component_type: ComponentType.Button };
    const where = world ? { dm: false, guildId: world.guildId, channelId: message.channel_id } : { dm: true };
    return this.inject(InteractionType.MessageComponent, { ...init, ...where }, data, `button ${JSON.stringify(init.customId)}`, message);
  }

  /**
   * Drops every gateway connection without a close frame, like a network
   * failure. Sessions are kept, so discord.js reconnects and RESUMEs (getting
   * the dispatches it missed, then RESUMED); await {@link waitForSession} after.
   */
  dropGatewayConnections(): void {
    this.gateway.dropConnections();
  }

  /** Stops the server: closes gateway connections and HTTP sockets. Destroy discord.js clients first, or they will try to reconnect. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const record of this.interactions.values()) clearTimeout(record.ackTimer);
    await this.gateway.close();
    this.cdn.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  // -------------------------------------------------------------------------
  // Waiting

  private waitUntil<T>(listeners: Set<() => void>, probe: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const first = probe();
      if (first !== undefined) {
        resolve(first);
        return;
      }
      const listener = (): void => {
        const value = probe();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(describe()));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      listeners.add(listener);
    });
  }

  private handleFor(record: InteractionRecord): InjectedInteraction {
    let cursor = 0;
    // Closures over the fake (an object literal's methods would get their own `this`).
    const violations = (): Violation[] => this.violations.filter((v) => v.interactionId === record.id);
    const waitUntil = this.waitUntil.bind(this);
    const defaultTimeout = this.waitTimeoutMs;
    const isConnected = (): boolean => this.connected;
    const message = (id: string): APIMessage | undefined => this.message(id);
    const describeState = (what: string, timeoutMs: number): string => {
      const lines = record.responses.map((r, i) => `  ${i + 1}. ${describeResponse(r)}`);
      const problems = violations().map((v) => `  - ${v.rule}: ${v.message}`);
      return (
        `Timed out after ${timeoutMs} ms waiting for ${what} to ${record.label} (interaction ${record.id}).\n` +
        `Received ${record.responses.length} response(s)${lines.length ? `:\n${lines.join('\n')}` : '.'}` +
        (problems.length ? `\nViolations:\n${problems.join('\n')}` : '') +
        (isConnected() ? '' : '\nNo bot is connected to the gateway.')
      );
    };
    return {
      id: record.id,
      token: record.token,
      shard: record.shard,
      ...(record.refused ? { refused: record.refused } : {}),
      payload: record.payload,
      get responses() {
        return record.responses;
      },
      get violations() {
        return violations();
      },
      nextResponse(options: WaitOptions = {}) {
        if (record.refused) return Promise.reject(new Error(`${record.label} was not delivered to the bot: ${record.refused.message}`));
        const timeoutMs = options.timeoutMs ?? defaultTimeout;
        const index = cursor++;
        return waitUntil(
          record.listeners,
          () => record.responses[index],
          timeoutMs,
          () => describeState(options.description ?? `response #${index + 1}`, timeoutMs),
        );
      },
      waitFor(predicate: (r: BotResponse) => boolean, options: WaitOptions = {}) {
        if (record.refused) return Promise.reject(new Error(`${record.label} was not delivered to the bot: ${record.refused.message}`));
        const timeoutMs = options.timeoutMs ?? defaultTimeout;
        return waitUntil(
          record.listeners,
          () => record.responses.find(predicate),
          timeoutMs,
          () => describeState(options.description ?? 'a matching response', timeoutMs),
        );
      },
      original() {
        const id = record.originalMessageId;
        return id === undefined ? undefined : message(id);
      },
    };
  }

  // -------------------------------------------------------------------------
  // Injecting interactions

  /** The guild an interaction happens in: the one it names, else the first. */
  private worldFor(init: InvokerInit): World {
    if (init.channelId !== undefined && init.dm !== true) {
      const world = this.channels.channel(init.channelId)?.world;
      if (!world) throw new Error(`channel ${init.channelId} is not in a guild the bot is in`);
      return world;
    }
    if (init.guildId === undefined) return this.world;
    const world = this.worlds.find((w) => w.guildId === init.guildId);
    if (!world) throw new Error(`the bot is not in guild ${init.guildId} (its guilds: ${this.worlds.map((w) => w.guildId).join(', ')})`);
    return world;
  }

  /** The guilds a session of shard `[id, count]` holds. */
  private worldsOnShard(shard: readonly [number, number]): World[] {
    return this.worlds.filter((w) => shardOf(w.guildId, shard[1]) === shard[0]);
  }

  private findCommand(
    name: string,
    init: InvokerInit,
    type: ApplicationCommandType = ApplicationCommandType.ChatInput,
  ): APIApplicationCommand | undefined {
    const isChatInput = (c: APIApplicationCommand): boolean => c.name === name && c.type === type;
    if (init.dm !== true) {
      const guildCommand = this.guildCommands.get(this.worldFor(init).guildId)?.find(isChatInput);
      if (guildCommand) return guildCommand;
    }
    return this.globalCommands.find(isChatInput);
  }

  /**
   * Why Discord would not send this invocation of a registered command (chat-input unless `type` says), or undefined when it
   * would, following https://discord.com/developers/docs/interactions/application-commands#permissions:
   * - guild commands exist only in their guild; a command's `contexts` (and the older `dm_permission`) say
   *   whether it is offered in guilds and in DMs with the bot;
   * - "Members with the Administrator permission can use all commands" (the owner has every permission);
   * - command permissions (overwrites) come first, the command's own before the application-wide ones
   *   ("the permissions apply to all commands that do not contain explicit overwrites"), each kind of
   *   target falling back on its own: a channel (or all channels, `guild_id - 1`) that disables the command
   *   refuses it; then the member's own overwrite decides, else their roles' (one that allows wins), else
   *   @everyone's (the guild id);
   * - with no overwrite for the member, `default_member_permissions` decides: every bit needed, and "0"
   *   prohibits everyone but admins.
   * Commands the bot never registered are not checked (tests of the fake inject arbitrary names).
   */
  private refusalFor(
    name: string,
    init: InvokerInit,
    type: ApplicationCommandType = ApplicationCommandType.ChatInput,
  ): InvocationRefusal | undefined {
    const isChatInput = (c: APIApplicationCommand): boolean => c.name === name && c.type === type;
    const refuse = (reason: InvocationRefusal['reason'], why: string): InvocationRefusal => ({
      reason,
      message:
        reason === 'missing-permissions'
          ? `You do not have permission to use /${name}: ${why}`
          : reason === 'disabled-in-channel'
            ? `/${name} is disabled in this channel: ${why}`
            : `/${name} cannot be used here: ${why}`,
    });
    if (init.dm === true) {
      const global = this.globalCommands.find(isChatInput);
      if (!global) {
        const inGuild = [...this.guildCommands.values()].some((list) => list.some(isChatInput));
        return inGuild ? refuse('unavailable-here', 'it is a guild command, and guild commands are not available in DMs') : undefined;
      }
      if (Array.isArray(global.contexts) && !global.contexts.includes(InteractionContextType.BotDM)) {
        return refuse('unavailable-here', `its contexts (${JSON.stringify(global.contexts)}) do not include BOT_DM`);
      }
      if (global.dm_permission === false) return refuse('unavailable-here', 'its dm_permission is false');
      return undefined;
    }
    const world = this.worldFor(init);
    const command = this.guildCommands.get(world.guildId)?.find(isChatInput) ?? this.globalCommands.find(isChatInput);
    if (!command) return undefined;
    if (Array.isArray(command.contexts) && !command.contexts.includes(InteractionContextType.Guild)) {
      return refuse('unavailable-here', `its contexts (${JSON.stringify(command.contexts)}) do not include GUILD`);
    }
    const permissions = this.memberPermissions(init, world);
    if ((permissions & PermissionFlagsBits.Administrator) !== 0n) return undefined;
    const userId = init.user?.id ?? FAKE_USER_ID;
    const roles = init.roles ?? [];
    const overwrites = this.commandPermissions.get(world.guildId);
    const levels = [
      { where: 'the command', list: overwrites?.get(command.id) ?? [] },
      { where: 'the application', list: overwrites?.get(this.applicationId) ?? [] },
    ];
    const allChannels = (BigInt(world.guildId) - 1n).toString();
    for (const { where, list } of levels) {
      const channel =
        list.find((p) => p.type === ApplicationCommandPermissionType.Channel && p.id === this.placeOf(init).permissionChannelId) ??
        list.find((p) => p.type === ApplicationCommandPermissionType.Channel && p.id === allChannels);
      if (!channel) continue;
      if (!channel.permission)
        return refuse(
          'disabled-in-channel',
          `a permission of ${where} disables it in ${channel.id === allChannels ? 'all channels' : 'this channel'}`,
        );
      break;
    }
    for (const { where, list } of levels) {
      const user = list.find((p) => p.type === ApplicationCommandPermissionType.User && p.id === userId);
      if (user) return user.permission ? undefined : refuse('missing-permissions', `a permission of ${where} denies this member`);
      const byRole = list.filter((p) => p.type === ApplicationCommandPermissionType.Role && roles.includes(p.id));
      if (byRole.some((p) => p.permission)) return undefined;
      if (byRole.length) return refuse('missing-permissions', `a permission of ${where} denies the member's roles`);
      const everyone = list.find((p) => p.type === ApplicationCommandPermissionType.Role && p.id === world.guildId);
      if (everyone) return everyone.permission ? undefined : refuse('missing-permissions', `a permission of ${where} denies @everyone`);
    }
    if (command.default_member_permissions === null || command.default_member_permissions === undefined) return undefined;
    const needed = BigInt(command.default_member_permissions);
    if (needed !== 0n && (permissions & needed) === needed) return undefined;
    return refuse(
      'missing-permissions',
      needed === 0n
        ? 'its default_member_permissions is "0" (administrators and granted members only)'
        : `it needs permissions ${needed} (default_member_permissions); the member has ${permissions}`,
    );
  }

  /** The member's permissions: as given, else @everyone's plus their roles' (all with Administrator, or for the owner). */
  private memberPermissions(init: InvokerInit, world: World): bigint {
    if (init.permissions !== undefined) return BigInt(init.permissions);
    if ((init.user?.id ?? FAKE_USER_ID) === world.ownerId) return ALL_PERMISSIONS;
    let bits = BigInt(world.everyonePermissions);
    for (const id of init.roles ?? []) {
      const role = world.extraRoles.find((r) => r.id === id);
      if (!role) {
        throw new Error(
          `guild ${world.guildId} has no role ${id}: declare it in the guild's roles (startFakeDiscord({ guild: { roles } }))`,
        );
      }
      bits |= BigInt(role.permissions);
    }
    return (bits & PermissionFlagsBits.Administrator) !== 0n ? ALL_PERMISSIONS : bits;
  }

  private optionContext(init: SlashCommandInit, resolved: APIInteractionDataResolved, autocomplete: boolean): OptionContext {
    const dm = init.dm === true;
    const world = this.worldFor(init);
    return {
      command: init.name,
      resolved,
      autocomplete,
      dm,
      world,
      unchecked: init.unchecked === true,
      channelId: dm ? this.dmChannelId(init.user?.id ?? FAKE_USER_ID) : this.placeOf(init).channelId,
      attachments: [],
    };
  }

  /**
   * The attachment of an ATTACHMENT option, as Discord resolves it: an ephemeral upload whose bytes
   * the fake's CDN serves at `url` (and `proxy_url`), with the size and type Discord reports.
   */
  private optionAttachment(input: AttachmentInput, channelId: string): APIAttachment {
    const data = typeof input.data === 'string' ? Buffer.from(input.data, 'utf8') : Buffer.from(input.data);
    const id = snowflake();
    const contentType = input.contentType ?? contentTypeOf(input.filename);
    const { url, proxyUrl } = this.cdn.put(channelId, id, input.filename, data, contentType, input.cdn, 'ephemeral-attachments');
    return {
      id,
      filename: input.filename,
      size: input.size ?? data.length,
      url,
      proxy_url: proxyUrl,
      content_type: contentType,
      ephemeral: true,
      ...(input.description === undefined ? {} : { description: input.description }),
    };
  }

  private buildOptions(
    inputs: OptionInput[],
    defs: APIApplicationCommandOption[] | undefined,
    context: OptionContext,
  ): APIApplicationCommandInteractionDataOption[] {
    const { command, resolved, autocomplete, dm, world, unchecked } = context;
    const out: Record<string, unknown>[] = [];
    for (const input of inputs) {
      const def = defs?.find((d) => d.name === input.name);
      if (defs && !def) {
        throw new Error(
          `/${command} has no option ${JSON.stringify(input.name)} (registered: ${defs.map((d) => d.name).join(', ') || 'none'})`,
        );
      }
      const type = input.type ?? def?.type ?? inferOptionType(input);
      if (type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup) {
        const subDefs = def && 'options' in def ? ((def.options as APIApplicationCommandOption[] | undefined) ?? []) : undefined;
        out.push({
          name: input.name,
          type,
          options: this.buildOptions(input.options ?? [], subDefs, context),
        });
        continue;
      }
      if (type === ApplicationCommandOptionType.Attachment && !input.focused) {
        if (!input.attachment) {
          throw new Error(
            `/${command}: option ${JSON.stringify(input.name)} is an attachment: give it as { attachment: { filename, data } }`,
          );
        }
        const attachment = this.optionAttachment(input.attachment, context.channelId);
        resolved.attachments = { ...resolved.attachments, [attachment.id]: attachment };
        context.attachments.push(attachment);
        out.push({ name: input.name, type, value: attachment.id });
        continue;
      }
      if (input.value === undefined) throw new Error(`/${command}: option ${JSON.stringify(input.name)} needs a value`);
      if (!input.focused && !unchecked) checkOptionValue(command, input, type, def);
      if (type === ApplicationCommandOptionType.User || type === ApplicationCommandOptionType.Mentionable) {
        const id = String(input.value);
        const user = makeUser(id, id === (FAKE_USER_ID as string) ? 'tester' : `user${id.slice(-4)}`);
        resolved.users = { ...resolved.users, [id]: user };
        if (!dm) {
          const { user: _user, ...member } = interactionMember(world, user, [], DEFAULT_MEMBER_PERMISSIONS);
          resolved.members = { ...resolved.members, [id]: member };
        }
      } else if (type === ApplicationCommandOptionType.Channel) {
        const id = String(input.value);
        // A channel of the fake's world resolves as it is (a forum, a thread…); another id as a text channel.
        const known = this.channels.channel(id)?.json as (APIChannel & { name?: string; parent_id?: string | null }) | undefined;
        const channel = {
          id,
          type: known?.type ?? ChannelType.GuildText,
          name: known?.name ?? (id === world.channelId ? world.channelName : `channel-${id.slice(-4)}`),
          permissions: DEFAULT_MEMBER_PERMISSIONS.toString(),
          ...(known?.parent_id ? { parent_id: known.parent_id } : {}),
        } as APIInteractionDataResolvedChannel;
        // Discord's channel picker offers only the types the option allows (`channel_types`).
        const allowed = def && 'channel_types' in def ? (def.channel_types as number[] | undefined) : undefined;
        if (!unchecked && allowed?.length && !allowed.includes(channel.type))
          throw new Error(
            `/${command}: option ${JSON.stringify(input.name)} takes channels of types ${allowed.join(', ')}, not ${channel.type}`,
          );
        resolved.channels = { ...resolved.channels, [id]: channel };
      }
      out.push({ name: input.name, type, value: input.value, ...(input.focused ? { focused: true } : {}) });
    }
    if (defs && !autocomplete) {
      for (const def of defs) {
        if ('required' in def && def.required && !inputs.some((i) => i.name === def.name)) {
          throw new Error(`/${command}: required option ${JSON.stringify(def.name)} is missing; Discord would not let the user send it`);
        }
      }
    }
    return out as unknown as APIApplicationCommandInteractionDataOption[];
  }

  private dmChannelId(userId: string, user?: APIUser): string {
    let id = this.dmChannels.get(userId);
    if (!id) {
      id = snowflake();
      this.dmChannels.set(userId, id);
    }
    if (user || !this.dmUsers.has(id))
      this.dmUsers.set(id, user ?? makeUser(userId, userId === FAKE_USER_ID ? 'tester' : `user${userId.slice(-4)}`));
    return id;
  }

  /**
   * Where a guild invocation happens: the channel it names (a text channel or a thread), else the
   * guild's first text channel; command permissions for a thread's channel are its parent's.
   */
  private placeOf(init: InvokerInit): { world: World; channelId: string; permissionChannelId: string; channel: APIChannel } {
    if (init.channelId === undefined) {
      const world = this.worldFor(init);
      return { world, channelId: world.channelId, permissionChannelId: world.channelId, channel: textChannel(world) };
    }
    const info = this.channels.channel(init.channelId);
    if (!info?.world || (info.kind !== 'text' && info.kind !== 'thread')) {
      throw new Error(`channel ${init.channelId} is not a text channel or thread of a guild the bot is in`);
    }
    if (init.guildId !== undefined && init.guildId !== info.world.guildId) {
      throw new Error(`channel ${init.channelId} is in guild ${info.world.guildId}, not ${init.guildId}`);
    }
    return { world: info.world, channelId: init.channelId, permissionChannelId: info.parentId ?? init.channelId, channel: info.json };
  }

  /** Builds the INTERACTION_CREATE payload common to every interaction type, dispatches it and starts the acknowledgement clock. */
  private inject(
    type: InteractionType,
    init: InvokerInit,
    data: unknown,
    label: string,
    message?: APIMessage,
    refusal?: InvocationRefusal,
  ): InjectedInteraction {
    const dm = init.dm === true;
    const world = this.worldFor(init);
    // The guild's shard gets the interaction; DMs go to shard 0. A session whose connection
    // dropped still gets the dispatch: it is replayed when the bot RESUMEs, as Discord does.
    const session = this.gateway.sessionFor(dm ? undefined : world.guildId);
    if (!session && !refusal) {
      throw new Error(
        this.gateway.sessions().length === 0
          ? 'No bot is connected to the fake Discord gateway: log a client in (and await its clientReady event) before injecting interactions'
          : `No bot session holds ${dm ? 'DMs (shard 0)' : `guild ${world.guildId} (shard ${shardOf(world.guildId, this.shardCount)} of ${this.shardCount})`}; ` +
              `sessions: ${JSON.stringify(this.gateway.sessions().map((x) => x.shard))}`,
      );
    }
    const id = snowflake();
    const token = interactionToken(id);
    const user = makeUser(init.user?.id ?? FAKE_USER_ID, init.user?.username ?? 'tester', init.user);
    const place = dm ? undefined : this.placeOf(message ? { ...init, channelId: message.channel_id } : init);
    const channelId = dm ? (message?.channel_id ?? this.dmChannelId(user.id, user)) : place!.channelId;
    const permissions = this.memberPermissions(init, world);
    const channel = dm
      ? { id: channelId, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [user] }
      : { ...place!.channel, permissions: permissions.toString() };
    const locale = init.locale ?? Locale.EnglishUS;
    const payload = {
      id,
      application_id: this.applicationId,
      type,
      data,
      token,
      version: 1,
      channel: channel as APIChannel,
      channel_id: channelId,
      app_permissions: appPermissions(world),
      locale,
      entitlements: [],
      attachment_size_limit: this.attachmentSizeLimit,
      // Guild-installed app: the key 0 (GUILD_INSTALL) holds the guild id, or "0" in the bot's DMs.
      authorizing_integration_owners: { 0: dm ? '0' : world.guildId },
      context: dm ? InteractionContextType.BotDM : InteractionContextType.Guild,
      ...(message ? { message } : {}),
      ...(dm
        ? { user }
        : {
            guild_id: world.guildId,
            guild: { id: world.guildId, locale: Locale.EnglishUS, features: [] },
            guild_locale: Locale.EnglishUS,
            member: interactionMember(world, user, init.roles ?? [], permissions),
          }),
    } as unknown as APIInteraction;

    const record: InteractionRecord = {
      id,
      token,
      type,
      label,
      payload,
      dispatchedAt: Date.now(),
      channelId,
      shard: session && !refusal ? session.shard[0] : -1,
      user,
      loading: false,
      messageIds: new Set(),
      responses: [],
      listeners: new Set(),
      ...(message ? { componentMessageId: message.id } : {}),
      ...(refusal ? { refused: refusal } : {}),
    };
    // Discord's client refuses it: the bot never hears of it.
    if (refusal || !session) return this.handleFor(record);
    this.interactions.set(id, record);
    this.interactionsByToken.set(token, record);
    record.ackTimer = setTimeout(() => {
      if (record.ack || this.closed) return;
      // Not an HTTP error, but what users see: "The application did not respond".
      this.violations.push({
        rule: 'ack-timeout',
        message: `${label} (interaction ${id}) was not acknowledged within ${this.ackTimeoutMs} ms; Discord shows "The application did not respond"`,
        interactionId: id,
        method: '-',
        path: '-',
        status: 0,
        error: { message: 'Unknown interaction', code: RESTJSONErrorCodes.UnknownInteraction },
        at: Date.now(),
      });
      this.notify(record);
    }, this.ackTimeoutMs);
    record.ackTimer.unref();
    this.gateway.dispatch(session, GatewayDispatchEvents.InteractionCreate, payload);
    return this.handleFor(record);
  }

  private notify(record: InteractionRecord): void {
    for (const listener of [...record.listeners]) listener();
  }

  // -------------------------------------------------------------------------
  // Gateway

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (this.closed || (url.pathname !== '/gateway' && url.pathname !== '/gateway/')) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.gateway.handleUpgrade(req, socket, head, url.searchParams);
  }

  /** READY with the session's guilds (unavailable at first), then a GUILD_CREATE for each, as Discord sends them. */
  private onIdentified(session: GatewaySession): void {
    this.sessionStartLimit.remaining = Math.max(0, this.sessionStartLimit.remaining - 1);
    const worlds = this.worldsOnShard(session.shard);
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: currentUser(this.botUser),
      guilds: worlds.map((w) => ({ id: w.guildId, unavailable: true })),
      session_id: session.sessionId,
      resume_gateway_url: this.gatewayUrl,
      // Discord echoes the shard only when IDENTIFY sent one.
      ...(session.shardGiven ? { shard: [session.shard[0], session.shard[1]] as [number, number] } : {}),
      application: { id: this.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
    };
    this.gateway.dispatch(session, GatewayDispatchEvents.Ready, {
      ...ready,
      // Present in Discord's READY although not typed for bots.
      session_type: 'normal',
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      user_settings: {},
      geo_ordered_rtc_regions: ['fake-local'],
      _trace: ['["fake-gateway",{"micros":0}]'],
    });
    // Discord sends GUILD_CREATE for each guild of READY, lazily, to bots with the GUILDS intent.
    if (session.intents & GatewayIntentBits.Guilds) {
      for (const world of worlds) {
        this.gateway.dispatch(session, GatewayDispatchEvents.GuildCreate, guildCreate(world, this.channels.threadsOf(world)));
      }
    }
  }

  // -------------------------------------------------------------------------
  // HTTP

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (this.cdn.handles(url.pathname)) {
      this.cdn.serve(req, res);
      return;
    }
    const entry: RequestLogEntry = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      body: undefined,
      files: [],
      status: 0,
      response: undefined,
    };
    this.requests.push(entry);
    let result: HttpResult;
    try {
      const raw = await readBody(req);
      const { json, files } = await parseBody(req.headers['content-type'], raw);
      entry.body = json;
      entry.files = files.map((f) => f.name);
      const multipart = req.headers['content-type']?.startsWith('multipart/form-data') ?? false;
      let schemaErrors: FormErrors | undefined;
      const method = entry.method;
      result = this.route({
        method,
        path: url.pathname,
        query: url.searchParams,
        json,
        files,
        multipart,
        authorization: req.headers.authorization,
        bodyErrors() {
          if (!schemaErrors) {
            schemaErrors = new FormErrors();
            const path = apiPath(url.pathname);
            if (path !== undefined) checkRequestBody(method, path, json, multipart, schemaErrors);
          }
          return schemaErrors.copy();
        },
      });
    } catch (err) {
      if (err instanceof BadJsonError) {
        result = error(400, RESTJSONErrorCodes.RequestBodyContainsInvalidJSON, 'The request body contains invalid JSON.');
      } else {
        // A bug in the fake, not in the bot: make it loud.
        console.error('[fakeDiscord] internal error', err);
        result = error(500, 0, '500: Internal Server Error');
      }
    }
    entry.status = result.status;
    entry.response = result.body;
    if (result.body === undefined) {
      res.writeHead(result.status);
      res.end();
    } else {
      const text = JSON.stringify(result.body);
      res.writeHead(result.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    }
  }

  private route(req: ParsedRequest): HttpResult {
    const path = apiPath(req.path);
    if (path === undefined) return error(404, 0, '404: Not Found');
    const m = (re: RegExp): RegExpExecArray | null => re.exec(path);
    let match: RegExpExecArray | null;

    // Routes authenticated by the interaction token in the URL, not the bot token (discord.js sends them with auth: false).
    if ((match = m(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      return req.method === 'POST' ? this.interactionCallback(req, match[1]!, match[2]!) : methodNotAllowed();
    }
    if ((match = m(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/))) {
      return this.webhook(req, match[1]!, match[2]!, match[3]);
    }
    if (path === '/gateway') return req.method === 'GET' ? { status: 200, body: { url: this.gatewayUrl } } : methodNotAllowed();
    // Command permissions take a bot token to read and a user's Bearer token to edit, so they authenticate themselves.
    if ((match = m(/^\/applications\/(\d+)\/guilds\/(\d+)\/commands(?:\/(\d+))?\/permissions$/))) {
      return this.permissionsRoute(req, match[1]!, match[2]!, match[3]);
    }

    if (req.authorization !== `Bot ${this.token}`) {
      const result = error(401, 0, '401: Unauthorized');
      this.violate('unauthorized', `${req.method} ${req.path} without a valid "Authorization: Bot <token>" header`, req, result);
      return result;
    }
    // Routes tied to an interaction (above), command registration and channel messages and threads (which
    // add Discord's documented rules to the same error tree) check their bodies themselves; every other body is checked here.
    if (
      req.json !== undefined &&
      !/^\/applications\/\d+(?:\/guilds\/\d+)?\/commands(?:\/\d+)?$/.test(path) &&
      !/^\/channels\/\d+\/(?:messages|threads)(?:\/|$)/.test(path)
    ) {
      const errors = req.bodyErrors();
      if (!errors.empty) {
        const result: HttpResult = { status: 400, body: errors.toBody() };
        this.violate('invalid-form-body', `${req.method} ${req.path}: ${errors.summary()}`, req, result);
        return result;
      }
    }
    if (path === '/gateway/bot') {
      if (req.method !== 'GET') return methodNotAllowed();
      const limit = this.sessionStartLimit;
      const body: RESTGetAPIGatewayBotResult = {
        url: this.gatewayUrl,
        shards: this.shardCount,
        session_start_limit: {
          total: limit.total,
          remaining: limit.remaining,
          reset_after: limit.resetAfterMs,
          max_concurrency: limit.maxConcurrency,
        },
      };
      return { status: 200, body };
    }
    if (path === '/users/@me') return req.method === 'GET' ? { status: 200, body: currentUser(this.botUser) } : methodNotAllowed();
    if (path === '/applications/@me' || path === '/oauth2/applications/@me') {
      return req.method === 'GET' ? { status: 200, body: application(this.world) } : methodNotAllowed();
    }
    if ((match = m(/^\/guilds\/(\d+)$/))) {
      if (req.method !== 'GET') return methodNotAllowed();
      const guildId = match[1];
      const world = this.worlds.find((w) => w.guildId === guildId);
      if (!world) return error(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
      return { status: 200, body: restGuild(world) };
    }
    if (path.startsWith('/channels/')) {
      const result = this.channels.route(req, path);
      if (result) return result;
    }
    if ((match = m(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands(?:\/(\d+))?$/))) {
      return this.commandsRoute(req, match[1]!, match[2], match[3]);
    }
    return error(404, 0, '404: Not Found');
  }

  private violate(rule: ViolationRule, message: string, req: ParsedRequest, result: HttpResult, record?: InteractionRecord): void {
    this.violations.push({
      rule,
      message,
      ...(record ? { interactionId: record.id } : {}),
      method: req.method,
      path: req.path,
      status: result.status,
      error: result.body as DiscordErrorBody,
      at: Date.now(),
    });
  }

  // -------------------------------------------------------------------------
  // Application commands

  /** A command's id from its name or id (guild commands of `guildId` first, then global ones); the application id for null. */
  private commandIdOf(command: string | null, guildId: string): string {
    if (command === null) return this.applicationId;
    const all = [...(this.guildCommands.get(guildId) ?? []), ...this.globalCommands];
    const found =
      all.find((c) => c.id === command) ??
      all.find((c) => c.name === command && c.type === ApplicationCommandType.ChatInput) ??
      all.find((c) => c.name === command);
    if (!found) throw new Error(`no command ${JSON.stringify(command)} is registered (globally or in guild ${guildId})`);
    return found.id;
  }

  private storeCommandPermissions(guildId: string, commandId: string, permissions: APIApplicationCommandPermission[]): void {
    let perGuild = this.commandPermissions.get(guildId);
    if (!perGuild) {
      perGuild = new Map();
      this.commandPermissions.set(guildId, perGuild);
    }
    if (permissions.length) perGuild.set(commandId, structuredClone(permissions));
    else perGuild.delete(commandId);
    const event = this.permissionsEntry(guildId, commandId);
    for (const session of this.gateway.sessionsFor(guildId)) {
      this.gateway.dispatch(session, GatewayDispatchEvents.ApplicationCommandPermissionsUpdate, event);
    }
  }

  private permissionsEntry(guildId: string, commandId: string): Record<string, unknown> {
    return {
      id: commandId,
      application_id: this.applicationId,
      guild_id: guildId,
      permissions: structuredClone(this.commandPermissions.get(guildId)?.get(commandId) ?? []),
    };
  }

  /**
   * `GET /applications/{app}/guilds/{guild}/commands/permissions`, and `GET`/`PUT` of one command's
   * (or, with the application id, the app-wide) permissions. Reading takes the bot token; editing a
   * Bearer token of a user who may manage the guild (https://discord.com/developers/docs/interactions/application-commands#permissions):
   * the fake's {@link FakeDiscord.adminBearerToken}. A bot token gets 403 20001.
   */
  private permissionsRoute(req: ParsedRequest, appId: string, guildId: string, commandId: string | undefined): HttpResult {
    const bot = req.authorization === `Bot ${this.token}`;
    const bearer = req.authorization === `Bearer ${this.adminBearerToken}`;
    if (!bot && !bearer) {
      const result = error(401, 0, '401: Unauthorized');
      this.violate('unauthorized', `${req.method} ${req.path} without a valid bot token or Bearer token`, req, result);
      return result;
    }
    if (appId !== this.applicationId || !this.worlds.some((w) => w.guildId === guildId)) {
      return error(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
    }
    const perGuild = this.commandPermissions.get(guildId);
    if (commandId === undefined) {
      if (req.method !== 'GET') return methodNotAllowed();
      return { status: 200, body: [...(perGuild?.keys() ?? [])].map((id) => this.permissionsEntry(guildId, id)) };
    }
    const known =
      commandId === this.applicationId ||
      this.globalCommands.some((c) => c.id === commandId) ||
      (this.guildCommands.get(guildId) ?? []).some((c) => c.id === commandId);
    if (!known) return error(404, RESTJSONErrorCodes.UnknownApplicationCommand, 'Unknown application command');
    if (req.method === 'GET') {
      if (!perGuild?.has(commandId)) {
        return error(404, RESTJSONErrorCodes.UnknownApplicationCommandPermissions, 'Unknown application command permissions');
      }
      return { status: 200, body: this.permissionsEntry(guildId, commandId) };
    }
    if (req.method !== 'PUT') return methodNotAllowed();
    if (bot) {
      // Discord's description lists a bot token for this operation, but Discord refuses it (since April 2022).
      const result = error(403, RESTJSONErrorCodes.BotsCannotUseThisEndpoint, 'Bots cannot use this endpoint');
      this.violate(
        'bots-cannot-use-endpoint',
        `PUT ${req.path} with the bot token; editing command permissions needs a user's Bearer token`,
        req,
        result,
      );
      return result;
    }
    const errors = req.bodyErrors();
    if (!errors.empty) {
      const result: HttpResult = { status: 400, body: errors.toBody() };
      this.violate('invalid-form-body', `PUT ${req.path}: ${errors.summary()}`, req, result);
      return result;
    }
    const body = req.json as { permissions?: APIApplicationCommandPermission[] | null };
    this.storeCommandPermissions(guildId, commandId, body.permissions ?? []);
    return { status: 200, body: this.permissionsEntry(guildId, commandId) };
  }

  private commandsRoute(req: ParsedRequest, appId: string, guildId: string | undefined, commandId: string | undefined): HttpResult {
    if (appId !== this.applicationId) return error(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
    if (guildId !== undefined && !this.worlds.some((w) => w.guildId === guildId)) {
      return error(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
    }
    let list = guildId === undefined ? this.globalCommands : this.guildCommands.get(guildId);
    if (!list) {
      list = [];
      this.guildCommands.set(guildId!, list);
    }
    const scope = guildId === undefined ? 'global' : `guild ${guildId}`;
    const refuse = (result: HttpResult, what: string): HttpResult => {
      this.violate('invalid-command', `${what} (${scope})`, req, result);
      return result;
    };

    if (commandId !== undefined) {
      const index = list.findIndex((c) => c.id === commandId);
      if (index === -1) return error(404, RESTJSONErrorCodes.UnknownApplicationCommand, 'Unknown application command');
      if (req.method === 'GET') return { status: 200, body: list[index] };
      if (req.method === 'DELETE') {
        list.splice(index, 1);
        return { status: 204 };
      }
      if (req.method === 'PATCH') {
        const merged = { ...list[index], ...(isRecord(req.json) ? req.json : {}) };
        const errors = req.bodyErrors();
        validateCommand(errors, [], merged);
        if (!errors.empty) return refuse({ status: 400, body: errors.toBody() }, `invalid command edit: ${errors.summary()}`);
        list[index] = this.toCommand(merged, guildId, list[index]);
        return { status: 200, body: list[index] };
      }
      return methodNotAllowed();
    }

    if (req.method === 'GET') return { status: 200, body: list };
    if (req.method === 'POST') {
      const errors = req.bodyErrors();
      validateCommand(errors, [], req.json);
      if (!errors.empty) return refuse({ status: 400, body: errors.toBody() }, `invalid command: ${errors.summary()}`);
      const body = req.json as Record<string, unknown>;
      const type = (body['type'] as ApplicationCommandType | undefined) ?? ApplicationCommandType.ChatInput;
      const index = list.findIndex((c) => c.name === body['name'] && c.type === type);
      // Creating a command whose name exists overwrites it (200); a new one is 201.
      if (index === -1 && countOfType(list, type) >= limitOfType(type)) {
        return refuse(
          error(
            400,
            RESTJSONErrorCodes.MaximumNumberOfApplicationCommandsReached,
            `Maximum number of application commands reached (${limitOfType(type)})`,
          ),
          'too many commands',
        );
      }
      const command = this.toCommand(body, guildId, index === -1 ? undefined : list[index]);
      if (index === -1) list.push(command);
      else list[index] = command;
      return { status: index === -1 ? 201 : 200, body: command };
    }
    if (req.method === 'PUT') {
      const errors = req.bodyErrors();
      if (!Array.isArray(req.json)) {
        errors.add([], 'BASE_TYPE_ARRAY', 'Must be an array.');
        return refuse({ status: 400, body: errors.toBody() }, 'bulk overwrite body is not an array');
      }
      const bodies = req.json as unknown[];
      const seen = new Set<string>();
      bodies.forEach((body, i) => {
        validateCommand(errors, [i], body);
        if (isRecord(body)) {
          const key = `${(body['type'] as number | undefined) ?? ApplicationCommandType.ChatInput}:${String(body['name'])}`;
          if (seen.has(key)) errors.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
          seen.add(key);
        }
      });
      if (!errors.empty) return refuse({ status: 400, body: errors.toBody() }, `invalid commands: ${errors.summary()}`);
      for (const type of [ApplicationCommandType.ChatInput, ApplicationCommandType.User, ApplicationCommandType.Message]) {
        const count = bodies.filter((b) => ((b as Record<string, unknown>)['type'] ?? ApplicationCommandType.ChatInput) === type).length;
        if (count > limitOfType(type)) {
          return refuse(
            error(
              400,
              RESTJSONErrorCodes.MaximumNumberOfApplicationCommandsReached,
              `Maximum number of application commands reached (${limitOfType(type)})`,
            ),
            `${count} commands of type ${type}; Discord allows ${limitOfType(type)}`,
          );
        }
      }
      // Bulk overwrite keeps the ids of commands that keep their name and type.
      const next = bodies.map((b) => {
        const body = b as Record<string, unknown>;
        const type = (body['type'] as ApplicationCommandType | undefined) ?? ApplicationCommandType.ChatInput;
        return this.toCommand(
          body,
          guildId,
          list.find((c) => c.name === body['name'] && c.type === type),
        );
      });
      list.splice(0, list.length, ...next);
      return { status: 200, body: list };
    }
    return methodNotAllowed();
  }

  private toCommand(
    body: Record<string, unknown>,
    guildId: string | undefined,
    previous: APIApplicationCommand | undefined,
  ): APIApplicationCommand {
    const type = (body['type'] as ApplicationCommandType | undefined) ?? ApplicationCommandType.ChatInput;
    const command: APIApplicationCommand = {
      id: previous?.id ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      type,
      name: body['name'] as string,
      name_localizations: (body['name_localizations'] as APIApplicationCommand['name_localizations']) ?? null,
      description: (body['description'] as string | undefined) ?? '',
      description_localizations: (body['description_localizations'] as APIApplicationCommand['description_localizations']) ?? null,
      // Sent as a string (discord.js) or a number; Discord answers a string.
      default_member_permissions: permissionsString(body['default_member_permissions']),
      nsfw: (body['nsfw'] as boolean | undefined) ?? false,
      integration_types: (body['integration_types'] as APIApplicationCommand['integration_types']) ?? [0],
      contexts: (body['contexts'] as APIApplicationCommand['contexts']) ?? null,
      ...(guildId === undefined ? { dm_permission: (body['dm_permission'] as boolean | undefined) ?? true } : { guild_id: guildId }),
      ...(Array.isArray(body['options']) && body['options'].length
        ? { options: structuredClone(body['options']) as APIApplicationCommandOption[] }
        : {}),
    };
    return command;
  }

  // -------------------------------------------------------------------------
  // Interaction callbacks

  private newResponse(record: InteractionRecord, req: ParsedRequest, kind: BotResponse['kind']): BotResponse {
    const now = Date.now();
    return {
      kind,
      method: req.method,
      path: req.path,
      body: req.json,
      ephemeral: false,
      files: req.files.map((f) => f.name),
      status: 0,
      ok: false,
      at: now,
      sinceDispatchMs: now - record.dispatchedAt,
    };
  }

  /** Records the response, and a violation when refused, then wakes waiters. */
  private finish(
    record: InteractionRecord,
    req: ParsedRequest,
    response: BotResponse,
    result: HttpResult,
    rule?: ViolationRule,
    why?: string,
  ): HttpResult {
    response.status = result.status;
    response.ok = result.status >= 200 && result.status < 300;
    if (!response.ok) response.error = result.body as DiscordErrorBody;
    record.responses.push(response);
    if (rule) this.violate(rule, `${record.label} (interaction ${record.id}): ${why ?? ''}`, req, result, record);
    this.notify(record);
    return result;
  }

  private interactionCallback(req: ParsedRequest, id: string, token: string): HttpResult {
    const record = this.interactions.get(id);
    if (!record || record.token !== token) {
      const result = error(404, RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction');
      this.violate(
        'unknown-interaction',
        `callback for interaction ${id}, which the fake never dispatched (or with the wrong token)`,
        req,
        result,
        record,
      );
      return result;
    }
    const response = this.newResponse(record, req, 'callback');
    const body = isRecord(req.json) ? req.json : {};
    const type = body['type'] as InteractionResponseType;
    response.callbackType = type;
    const data = isRecord(body['data']) ? body['data'] : undefined;
    if (type === InteractionResponseType.ApplicationCommandAutocompleteResult) {
      response.choices = (data?.['choices'] as APIApplicationCommandOptionChoice[] | undefined) ?? [];
    } else if (type === InteractionResponseType.Modal) {
      response.modal = data as unknown as APIModalInteractionResponseCallbackData;
    } else if (data) {
      response.data = data;
      if (data['allowed_mentions'] !== undefined) response.allowedMentions = data['allowed_mentions'] as APIAllowedMentions;
    }

    if (record.ack) {
      return this.finish(
        record,
        req,
        response,
        error(400, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged, 'Interaction has already been acknowledged.'),
        'already-acknowledged',
        `a second callback (type ${type}) after callback type ${record.ack.type}`,
      );
    }
    const elapsed = Date.now() - record.dispatchedAt;
    if (elapsed > this.ackTimeoutMs) {
      return this.finish(
        record,
        req,
        response,
        error(404, RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction'),
        'late-ack',
        `the first callback arrived ${elapsed} ms after dispatch; Discord allows ${this.ackTimeoutMs} ms`,
      );
    }
    const allowed = ALLOWED_CALLBACKS[record.type] ?? [];
    if (!allowed.includes(type)) {
      const errors = new FormErrors();
      errors.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', `Value must be one of (${allowed.join(', ')}) for this interaction type.`);
      return this.finish(
        record,
        req,
        response,
        { status: 400, body: errors.toBody() },
        'invalid-callback-type',
        `callback type ${type} is not valid for interaction type ${record.type}`,
      );
    }
    const errors = req.bodyErrors();
    if (type === InteractionResponseType.ApplicationCommandAutocompleteResult) validateAutocompleteData(errors, data, record.focusedType);
    else if (type === InteractionResponseType.Modal) validateModalData(errors, data);
    else if (type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.UpdateMessage)
      validateMessageBody(errors, ['data'], data);
    if (!errors.empty)
      return this.finish(record, req, response, { status: 400, body: errors.toBody() }, 'invalid-form-body', errors.summary());

    const flags = typeof data?.['flags'] === 'number' ? data['flags'] : 0;
    let message: APIMessage | undefined;
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        if (isEmptyMessage(data ?? {}, req.files.length)) {
          return this.finish(
            record,
            req,
            response,
            error(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'),
            'empty-message',
            'reply with no content, embeds, components or files',
          );
        }
        message = this.createMessage(
          record,
          data ?? {},
          flags & (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2),
          req.files,
        );
        record.originalMessageId = message.id;
        break;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        // The "<bot> is thinking…" message: empty and flagged LOADING until edited.
        message = this.createMessage(record, {}, (flags & MessageFlags.Ephemeral) | MessageFlags.Loading, []);
        record.originalMessageId = message.id;
        record.loading = true;
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage: {
        const target = record.componentMessageId === undefined ? undefined : this.messages.get(record.componentMessageId);
        if (!target) {
          return this.finish(
            record,
            req,
            response,
            error(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message'),
            'unknown-message',
            'the message of the component no longer exists',
          );
        }
        record.originalMessageId = target.id;
        record.messageIds.add(target.id);
        if (type === InteractionResponseType.UpdateMessage) {
          const merged = mergeMessage(
            target,
            data ?? {},
            this.attachmentsFor(target.channel_id, req.files, data ?? {}, Date.now()),
            Date.now(),
          );
          if (isEmptyMessage(merged as unknown as Record<string, unknown>, 0)) {
            return this.finish(
              record,
              req,
              response,
              error(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'),
              'empty-message',
              'update leaves the message empty',
            );
          }
          this.storeInteractionMessage(merged, 'update');
          message = merged;
        } else {
          message = target;
        }
        break;
      }
      default:
        break;
    }
    record.ack = { type, at: Date.now(), ephemeral: Boolean((message?.flags ?? 0) & MessageFlags.Ephemeral) };
    clearTimeout(record.ackTimer);
    if (message) {
      response.message = structuredClone(message);
      response.messageId = message.id;
      response.ephemeral = Boolean((message.flags ?? 0) & MessageFlags.Ephemeral);
    }
    let result: HttpResult = { status: 204 };
    if (req.query.get('with_response') === 'true') {
      const body: RESTPostAPIInteractionCallbackWithResponseResult = {
        interaction: {
          id: record.id,
          type: record.type,
          ...(message
            ? {
                response_message_id: message.id,
                response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
                response_message_ephemeral: response.ephemeral,
              }
            : {}),
        },
        // Discord describes a resource only for the callbacks that create or update a message.
        ...(message && (type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.UpdateMessage)
          ? { resource: { type, message } }
          : {}),
      };
      result = { status: 200, body };
    }
    return this.finish(record, req, response, result);
  }

  /** The attachments of uploaded files, served by the fake's CDN (their `attachments` entries give filename and description). */
  private attachmentsFor(channelId: string, files: UploadedFile[], data: Record<string, unknown>, now: number): APIAttachment[] {
    const described = Array.isArray(data['attachments']) ? (data['attachments'] as Record<string, unknown>[]) : [];
    return files.map((file, i) => {
      const id = snowflake(now);
      const meta = described.find((d) => d['id'] === String(i)) ?? described[i] ?? {};
      const filename = (meta['filename'] as string | undefined) ?? file.name;
      const contentType = file.contentType || contentTypeOf(filename);
      const { url, proxyUrl } = this.cdn.put(channelId, id, filename, file.data, contentType);
      return {
        id,
        filename,
        size: file.size,
        url,
        proxy_url: proxyUrl,
        content_type: contentType,
        ...(typeof meta['description'] === 'string' ? { description: meta['description'] } : {}),
      };
    });
  }

  private createMessage(record: InteractionRecord, data: Record<string, unknown>, flags: number, files: UploadedFile[]): APIMessage {
    const id = snowflake();
    const now = Date.now();
    const message: APIMessage = {
      id,
      channel_id: record.channelId,
      author: this.botUser,
      content: typeof data['content'] === 'string' ? data['content'] : '',
      timestamp: discordTimestamp(now),
      edited_timestamp: null,
      tts: data['tts'] === true,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: this.attachmentsFor(record.channelId, files, data, now),
      embeds: normalizeEmbeds(data['embeds']),
      pinned: false,
      type:
        record.type !== InteractionType.ApplicationCommand
          ? MessageType.Reply
          : (record.payload.data as { type?: number } | undefined)?.type === ApplicationCommandType.ChatInput
            ? MessageType.ChatInputCommand
            : MessageType.ContextMenuCommand,
      flags,
      components: numberComponents(data['components']),
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      interaction_metadata: {
        id: record.id,
        type: record.type,
        user: record.user,
        authorizing_integration_owners: record.payload.authorizing_integration_owners,
        ...(record.componentMessageId ? { interacted_message_id: record.componentMessageId } : {}),
        ...(record.originalMessageId ? { original_response_message_id: record.originalMessageId } : {}),
      } as NonNullable<APIMessage['interaction_metadata']>,
      ...(data['poll'] !== undefined ? { poll: data['poll'] as NonNullable<APIMessage['poll']> } : {}),
    };
    this.storeInteractionMessage(message, 'create', isRecord(data['allowed_mentions']) ? data['allowed_mentions'] : undefined);
    record.messageIds.add(id);
    return message;
  }

  /**
   * Stores a message of an interaction. One that others can see (not ephemeral) is also a message of
   * its channel, with MESSAGE_CREATE / UPDATE / DELETE to the sessions that get them, as on Discord.
   */
  private storeInteractionMessage(message: APIMessage, event: 'create' | 'update' | 'delete', allowedMentions?: APIAllowedMentions): void {
    if (((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0) {
      if (event === 'delete') this.messages.delete(message.id);
      else this.messages.set(message.id, message);
      return;
    }
    this.channels.record(message, event, { via: 'interaction', ...(allowedMentions ? { allowedMentions } : {}) });
  }

  // -------------------------------------------------------------------------
  // Webhook follow-ups and edits

  private webhook(req: ParsedRequest, appId: string, token: string, messageRef: string | undefined): HttpResult {
    const record = this.interactionsByToken.get(token);
    if (!record || appId !== this.applicationId) {
      const result = error(404, RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook');
      this.violate('unknown-webhook', `webhook request for a token the fake never issued (application ${appId})`, req, result, record);
      return result;
    }
    if (
      (messageRef === undefined && req.method !== 'POST') ||
      (messageRef !== undefined && !['GET', 'PATCH', 'DELETE'].includes(req.method))
    ) {
      return methodNotAllowed();
    }
    // Fetches (GET) are not something the bot sends to users: they are answered
    // and logged in `requests`, but not recorded as responses.
    const isFetch = req.method === 'GET';
    const kind: BotResponse['kind'] = messageRef === undefined ? 'followup' : req.method === 'PATCH' ? 'edit' : 'delete';
    const response = this.newResponse(record, req, kind);
    const fail = (result: HttpResult, rule: ViolationRule, why: string): HttpResult => {
      if (isFetch) {
        this.violate(rule, `${record.label} (interaction ${record.id}): ${why}`, req, result, record);
        return result;
      }
      return this.finish(record, req, response, result, rule, why);
    };
    if (record.type === InteractionType.ApplicationCommandAutocomplete) {
      return fail(
        error(404, RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook'),
        'unknown-webhook',
        'autocomplete interactions have no messages to follow up or edit',
      );
    }
    if (!record.ack) {
      return fail(
        error(404, RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook'),
        'unknown-webhook',
        `${isFetch ? 'fetch' : kind} before the interaction was acknowledged (reply or defer first)`,
      );
    }
    const age = Date.now() - record.dispatchedAt;
    if (age > this.tokenLifetimeMs) {
      return fail(
        error(401, RESTJSONErrorCodes.InvalidWebhookToken, 'Invalid Webhook Token'),
        'token-expired',
        `interaction token used ${age} ms after the interaction; it lasts ${this.tokenLifetimeMs} ms`,
      );
    }
    const body = isRecord(req.json) ? req.json : {};
    if (!isFetch && kind !== 'delete') {
      response.data = body;
      if (body['allowed_mentions'] !== undefined) response.allowedMentions = body['allowed_mentions'] as APIAllowedMentions;
    }

    if (kind === 'followup') {
      const errors = req.bodyErrors();
      validateMessageBody(errors, [], body);
      if (!errors.empty) return fail({ status: 400, body: errors.toBody() }, 'invalid-form-body', errors.summary());
      if (isEmptyMessage(body, req.files.length)) {
        return fail(
          error(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'),
          'empty-message',
          'follow-up with no content, embeds, components or files',
        );
      }
      const flags = typeof body['flags'] === 'number' ? body['flags'] : 0;
      let message: APIMessage;
      const loading = record.loading && record.originalMessageId !== undefined ? this.messages.get(record.originalMessageId) : undefined;
      if (loading) {
        // The first follow-up after a deferred reply replaces the "thinking…" message;
        // its ephemerality is the one chosen when deferring.
        message = {
          ...mergeMessage(loading, body, this.attachmentsFor(loading.channel_id, req.files, body, Date.now()), null),
          flags: (loading.flags ?? 0) & ~MessageFlags.Loading,
        };
        this.storeInteractionMessage(message, 'update');
        record.loading = false;
      } else {
        message = this.createMessage(
          record,
          body,
          flags & (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2),
          req.files,
        );
      }
      return this.acceptMessage(record, req, response, message, 200);
    }

    const messageId = messageRef === '@original' ? record.originalMessageId : messageRef;
    const current = messageId === undefined ? undefined : this.messages.get(messageId);
    if (!current || messageId === undefined || !record.messageIds.has(messageId)) {
      return fail(
        error(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message'),
        'unknown-message',
        `${req.method} on message ${messageRef}, which does not exist (anymore) for this interaction`,
      );
    }
    if (isFetch) return { status: 200, body: current };
    if (kind === 'delete') {
      this.storeInteractionMessage(current, 'delete');
      record.messageIds.delete(messageId);
      response.message = current;
      response.messageId = messageId;
      response.ephemeral = Boolean((current.flags ?? 0) & MessageFlags.Ephemeral);
      return this.finish(record, req, response, { status: 204 });
    }
    const errors = req.bodyErrors();
    validateMessageBody(errors, [], { ...body, flags: body['flags'] ?? current.flags });
    if (!errors.empty) return fail({ status: 400, body: errors.toBody() }, 'invalid-form-body', errors.summary());
    const wasLoading = record.loading && messageId === record.originalMessageId;
    const merged = mergeMessage(
      current,
      body,
      this.attachmentsFor(current.channel_id, req.files, body, Date.now()),
      wasLoading ? null : Date.now(),
    );
    if (wasLoading) merged.flags = (merged.flags ?? 0) & ~MessageFlags.Loading;
    if (isEmptyMessage(merged as unknown as Record<string, unknown>, 0)) {
      return fail(
        error(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'),
        'empty-message',
        'edit leaves the message empty',
      );
    }
    this.storeInteractionMessage(merged, 'update');
    if (wasLoading) record.loading = false;
    return this.acceptMessage(record, req, response, merged, 200);
  }

  private acceptMessage(
    record: InteractionRecord,
    req: ParsedRequest,
    response: BotResponse,
    message: APIMessage,
    status: number,
  ): HttpResult {
    response.message = structuredClone(message);
    response.messageId = message.id;
    response.ephemeral = Boolean((message.flags ?? 0) & MessageFlags.Ephemeral);
    return this.finish(record, req, response, { status, body: message });
  }
}

// ---------------------------------------------------------------------------
// Helpers

function permissionsString(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? String(value) : null;
}

/** The path of a REST request after `/api/v10`, decoded, without a trailing slash; undefined when it is not under `/api/v10`. */
function apiPath(requestPath: string): string | undefined {
  const prefix = '/api/v10';
  if (!requestPath.startsWith(`${prefix}/`)) return undefined;
  // discord.js percent-encodes `@original` as `%40original`; Discord decodes paths before routing.
  try {
    return decodeURIComponent(requestPath.slice(prefix.length)).replace(/\/$/, '');
  } catch {
    return undefined;
  }
}

function countOfType(list: APIApplicationCommand[], type: ApplicationCommandType): number {
  return list.filter((c) => c.type === type).length;
}

function limitOfType(type: ApplicationCommandType): number {
  if (type === ApplicationCommandType.User) return CommandLimits.userPerScope;
  if (type === ApplicationCommandType.Message) return CommandLimits.messagePerScope;
  return CommandLimits.chatInputPerScope;
}

function inferOptionType(input: OptionInput): ApplicationCommandOptionType {
  if (input.attachment !== undefined) return ApplicationCommandOptionType.Attachment;
  if (input.options !== undefined && input.value === undefined) return ApplicationCommandOptionType.Subcommand;
  if (typeof input.value === 'boolean') return ApplicationCommandOptionType.Boolean;
  if (typeof input.value === 'number')
    return Number.isInteger(input.value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
  return ApplicationCommandOptionType.String;
}

/** Checks a value the way Discord's client constrains what users can send. */
function checkOptionValue(
  command: string,
  input: OptionInput,
  type: ApplicationCommandOptionType,
  def: APIApplicationCommandOption | undefined,
): void {
  const value = input.value;
  const expected =
    type === ApplicationCommandOptionType.Integer || type === ApplicationCommandOptionType.Number
      ? 'number'
      : type === ApplicationCommandOptionType.Boolean
        ? 'boolean'
        : 'string';
  if (typeof value !== expected || (type === ApplicationCommandOptionType.Integer && !Number.isInteger(value))) {
    throw new Error(
      `/${command}: option ${JSON.stringify(input.name)} is of type ${ApplicationCommandOptionType[type]}, got ${JSON.stringify(value)}`,
    );
  }
  if (!def) return;
  const d = def as unknown as Record<string, unknown>;
  const choices = d['choices'] as APIApplicationCommandOptionChoice[] | undefined;
  if (choices?.length && !choices.some((c) => c.value === value)) {
    throw new Error(`/${command}: ${JSON.stringify(value)} is not one of the choices of option ${JSON.stringify(input.name)}`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (
      (typeof d['min_length'] === 'number' && length < d['min_length']) ||
      (typeof d['max_length'] === 'number' && length > d['max_length'])
    ) {
      throw new Error(
        `/${command}: option ${JSON.stringify(input.name)} must be between ${typeof d['min_length'] === 'number' ? d['min_length'] : 0} and ${typeof d['max_length'] === 'number' ? d['max_length'] : 6000} characters`,
      );
    }
  }
  if (typeof value === 'number') {
    if ((typeof d['min_value'] === 'number' && value < d['min_value']) || (typeof d['max_value'] === 'number' && value > d['max_value'])) {
      throw new Error(`/${command}: option ${JSON.stringify(input.name)} is outside its min_value/max_value`);
    }
  }
}

function findFocused(options: APIApplicationCommandInteractionDataOption[]): { type: ApplicationCommandOptionType }[] {
  const out: { type: ApplicationCommandOptionType }[] = [];
  for (const option of options as unknown as Record<string, unknown>[]) {
    if (option['focused'] === true) out.push({ type: option['type'] as ApplicationCommandOptionType });
    if (Array.isArray(option['options'])) out.push(...findFocused(option['options'] as APIApplicationCommandInteractionDataOption[]));
  }
  return out;
}

/** Every button of a message, wherever it sits (action rows, sections' accessories). */
function collectButtons(components: unknown[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (!isRecord(node)) return;
    if (node['type'] === ComponentType.Button && node['style'] !== ButtonStyle.Link && node['style'] !== ButtonStyle.Premium)
      out.push(node);
    if (Array.isArray(node['components'])) node['components'].forEach(walk);
    if (node['accessory'] !== undefined) walk(node['accessory']);
  };
  components.forEach(walk);
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function parseBody(contentType: string | undefined, raw: Buffer): Promise<{ json: unknown; files: UploadedFile[] }> {
  if (raw.length === 0) return { json: undefined, files: [] };
  const parseJson = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new BadJsonError();
    }
  };
  if (contentType?.startsWith('multipart/form-data')) {
    // discord.js sends uploads as multipart with the JSON in `payload_json` and files in `files[n]`.
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    let json: unknown;
    const files: UploadedFile[] = [];
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') {
        if (key === 'payload_json') json = parseJson(value);
      } else {
        files.push({ name: value.name, size: value.size, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return { json, files };
  }
  return { json: parseJson(raw.toString('utf8')), files: [] };
}

/**
 * Starts a fake Discord on 127.0.0.1, on a free port.
 * Log a discord.js client in with `rest: { api: fake.restBase }` and `fake.token`.
 */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return new FakeDiscord(server, options);
}
