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
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonStyle,
  ChannelType,
  ComponentType,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  InteractionContextType,
  InteractionResponseType,
  InteractionType,
  Locale,
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
  APIAttachment,
  APIChannel,
  APIEmbed,
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
import {
  ALL_PERMISSIONS,
  DEFAULT_MEMBER_PERMISSIONS,
  appPermissions,
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
export { MessageLimits, CommandLimits } from './fakeDiscordRules.ts';

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

const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;
const ALL_INTENTS = (Object.values(GatewayIntentBits).filter((v) => typeof v === 'number') as number[]).reduce((a, b) => a | b, 0);

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
  /** The one guild the bot is in. */
  guild?: {
    id?: string;
    name?: string;
    ownerId?: string;
    channelId?: string;
    channelName?: string;
    roles?: Array<{ id: string; name: string }>;
  };
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
  | 'unauthorized';

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
  /** The value; for autocomplete's focused option, what the user has typed so far. Omit for subcommands. */
  value?: string | number | boolean;
  /** Needed only when the command is not registered and the type cannot be inferred from the value (user, channel, role...). */
  type?: ApplicationCommandOptionType;
  /** Options of a subcommand or subcommand group. */
  options?: OptionInput[];
  /** Marks the option being typed, for {@link FakeDiscord.autocomplete}. */
  focused?: boolean;
}

/** Who invokes an interaction, and where. */
export interface InvokerInit {
  /** The invoking user. Default: id {@link FAKE_USER_ID}, username `tester`. */
  user?: Partial<APIUser>;
  /** The member's permissions in the channel (bitfield). Default: @everyone's, or all of them for the guild owner. */
  permissions?: bigint | string;
  /** Role ids of the member. Default none. */
  roles?: string[];
  /** Invoke in a DM with the bot instead of the guild's text channel. */
  dm?: boolean;
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

/** A button click to inject (interaction type 3). */
export interface ButtonInit extends InvokerInit {
  customId: string;
  /** The message carrying the button (as recorded in a {@link BotResponse}), or its id. The fake uses its latest state. */
  message: APIMessage | string;
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

interface UploadedFile {
  name: string;
  size: number;
  contentType: string;
}

interface ParsedRequest {
  method: string;
  /** As received, e.g. `/api/v10/interactions/123/tok/callback`. */
  path: string;
  query: URLSearchParams;
  json: unknown;
  files: UploadedFile[];
  /** Whether the body came as multipart/form-data (its JSON in `payload_json`). */
  multipart: boolean;
  authorization: string | undefined;
  /**
   * A fresh {@link FormErrors} holding what in the body does not conform to the
   * request schema of Discord's API description, for the handler to add its
   * documented rules to. Every route with a body calls it (see {@link FakeDiscord.route}).
   */
  bodyErrors(): FormErrors;
}

interface HttpResult {
  status: number;
  body?: unknown;
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
  ack?: { type: InteractionResponseType; at: number; ephemeral: boolean };
  originalMessageId?: string;
  /** A deferred "thinking…" original response not yet edited or replaced. */
  loading: boolean;
  messageIds: Set<string>;
  responses: BotResponse[];
  listeners: Set<() => void>;
  ackTimer?: NodeJS.Timeout;
}

interface GatewaySessionState {
  sessionId: string;
  seq: number;
  intents: number;
  /** Dispatches sent, kept so a RESUME can replay the ones the client missed. */
  sent: { op: GatewayOpcodes.Dispatch; t: string; s: number; d: unknown }[];
  connection?: GatewayConnection;
  readyAt: number;
}

interface GatewayConnection {
  ws: WebSocket;
  /** `zlib-stream` transport compression requested in the URL. */
  deflate?: zlib.Deflate;
  deflated: Buffer[];
  /** Per-payload compression requested by IDENTIFY's `compress: true`. */
  payloadCompression: boolean;
  session?: GatewaySessionState;
}

class BadJsonError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function error(status: number, code: number, message: string): HttpResult {
  return { status, body: { message, code } satisfies DiscordErrorBody };
}

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
  readonly port: number;
  /** The accepted bot token. */
  readonly token: string;
  readonly applicationId: string;
  /** The bot's user object. */
  readonly botUser: APIUser;
  /** The guild the bot is in, and its text channel. */
  readonly guild: { readonly id: string; readonly name: string; readonly ownerId: string; readonly channelId: string };
  /** Every HTTP request received, in order. */
  readonly requests: RequestLogEntry[] = [];
  /** Every request refused because Discord would have refused it, plus unanswered interactions. */
  readonly violations: Violation[] = [];
  /** Every IDENTIFY received (token left out), to check intents and properties. */
  readonly identifies: Omit<GatewayIdentifyData, 'token'>[] = [];

  private readonly world: World;
  private readonly ackTimeoutMs: number;
  private readonly tokenLifetimeMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly allowedPrivilegedIntents: number;
  private readonly waitTimeoutMs: number;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<GatewayConnection>();
  private readonly sessions = new Map<string, GatewaySessionState>();
  private readonly interactions = new Map<string, InteractionRecord>();
  private readonly interactionsByToken = new Map<string, InteractionRecord>();
  private readonly messages = new Map<string, APIMessage>();
  private readonly dmChannels = new Map<string, string>();
  private readonly globalCommands: APIApplicationCommand[] = [];
  private readonly guildCommands = new Map<string, APIApplicationCommand[]>();
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
    const g = options.guild ?? {};
    this.world = {
      applicationId: this.applicationId,
      botUser: this.botUser,
      guildId: g.id ?? FAKE_GUILD_ID,
      guildName: g.name ?? 'Verbatim Test Guild',
      ownerId: g.ownerId ?? FAKE_OWNER_ID,
      channelId: g.channelId ?? FAKE_CHANNEL_ID,
      channelName: g.channelName ?? 'general',
      botRoleId: snowflake(),
      extraRoles: g.roles ?? [],
      guildCreatedAt: Date.now() - 86_400_000,
    };
    this.guild = { id: this.world.guildId, name: this.world.guildName, ownerId: this.world.ownerId, channelId: this.world.channelId };
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? 15 * 60_000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.allowedPrivilegedIntents = options.allowedPrivilegedIntents ?? 0;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 5000;

    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.onHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  // -------------------------------------------------------------------------
  // Public API

  /** The registered global commands, or a guild's commands when `guildId` is given. */
  commands(guildId?: string): APIApplicationCommand[] {
    return structuredClone(guildId === undefined ? this.globalCommands : (this.guildCommands.get(guildId) ?? []));
  }

  /**
   * Everything the bot sent for every injected interaction, in arrival order,
   * e.g. to assert that no message could ping anyone:
   * `expect(fake.responses.filter((r) => r.data).every((r) => pingsNobody(r.allowedMentions))).toBe(true)`.
   */
  get responses(): BotResponse[] {
    return [...this.interactions.values()].flatMap((r) => r.responses).sort((a, b) => a.at - b.at);
  }

  /** The current state of a message the bot sent (through an interaction). */
  message(id: string): APIMessage | undefined {
    const m = this.messages.get(id);
    return m && structuredClone(m);
  }

  /** Whether a bot is connected to the gateway with a READY session. */
  get connected(): boolean {
    return this.liveSession() !== undefined;
  }

  /**
   * Resolves once a bot has identified on the gateway and been sent READY
   * (immediately if one is connected). Useful when the bot runs in another process.
   */
  waitForSession(options: WaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.waitTimeoutMs;
    return this.waitUntil(
      this.sessionListeners,
      () => (this.liveSession() ? true : undefined),
      timeoutMs,
      () =>
        `Timed out after ${timeoutMs} ms waiting for a bot to log in to the fake gateway. ` +
        `Requests received: ${this.requests.map((r) => `${r.method} ${r.path} → ${r.status}`).join(', ') || 'none'}. ` +
        `Identify attempts: ${this.identifies.length}.`,
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
    const command = this.findCommand(init.name, init.dm === true && !init.unchecked);
    if (!init.unchecked) this.checkCommandUsable(command, init);
    const resolved: APIInteractionDataResolved = {};
    const options = this.buildOptions(
      init.name,
      init.options ?? [],
      command?.options,
      resolved,
      false,
      init.dm === true,
      init.unchecked === true,
    );
    const data = {
      id: command?.id ?? snowflake(),
      name: init.name,
      type: ApplicationCommandType.ChatInput,
      ...(options.length ? { options } : {}),
      ...(Object.keys(resolved).length ? { resolved } : {}),
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    };
    return this.inject(InteractionType.ApplicationCommand, init, data, `/${init.name}`);
  }

  /**
   * Dispatches an autocomplete request (INTERACTION_CREATE type 4) to the
   * connected bot. Exactly one option must have `focused: true`; its value is
   * the partial text typed so far.
   */
  autocomplete(init: AutocompleteInit): InjectedInteraction {
    const command = this.findCommand(init.name, init.dm === true);
    this.checkCommandUsable(command, init);
    const resolved: APIInteractionDataResolved = {};
    const options = this.buildOptions(init.name, init.options, command?.options, resolved, true, init.dm === true);
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
    const handle = this.inject(InteractionType.ApplicationCommandAutocomplete, init, data, `autocomplete /${init.name}`);
    const record = this.interactions.get(handle.id);
    if (record && focused[0]) record.focusedType = focused[0].type;
    return handle;
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
    const dm = message.channel_id !== this.world.channelId;
    const data = { custom_id: init.customId, component_type: ComponentType.Button };
    return this.inject(InteractionType.MessageComponent, { ...init, dm }, data, `button ${JSON.stringify(init.customId)}`, message);
  }

  /**
   * Drops every gateway connection without a close frame, like a network
   * failure. Sessions are kept, so discord.js reconnects and RESUMEs (getting
   * the dispatches it missed, then RESUMED); await {@link waitForSession} after.
   */
  dropGatewayConnections(): void {
    for (const connection of this.connections) connection.ws.terminate();
  }

  /** Stops the server: closes gateway connections and HTTP sockets. Destroy discord.js clients first, or they will try to reconnect. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const record of this.interactions.values()) clearTimeout(record.ackTimer);
    for (const connection of this.connections) {
      connection.deflate?.close();
      connection.ws.terminate();
    }
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
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
      payload: record.payload,
      get responses() {
        return record.responses;
      },
      get violations() {
        return violations();
      },
      nextResponse(options: WaitOptions = {}) {
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

  private findCommand(name: string, dm: boolean): APIApplicationCommand | undefined {
    const isChatInput = (c: APIApplicationCommand): boolean => c.name === name && c.type === ApplicationCommandType.ChatInput;
    if (!dm) {
      const guildCommand = this.guildCommands.get(this.world.guildId)?.find(isChatInput);
      if (guildCommand) return guildCommand;
    }
    return this.globalCommands.find(isChatInput);
  }

  private checkCommandUsable(command: APIApplicationCommand | undefined, init: InvokerInit & { name: string }): void {
    if (!command) return;
    if (init.dm) {
      const contexts = command.contexts;
      if ((Array.isArray(contexts) && !contexts.includes(InteractionContextType.BotDM)) || command.dm_permission === false) {
        throw new Error(`/${init.name} is not available in DMs (contexts/dm_permission), so Discord would not offer it there`);
      }
      return;
    }
    if (command.default_member_permissions !== null && command.default_member_permissions !== undefined) {
      const needed = BigInt(command.default_member_permissions);
      const has = this.memberPermissions(init);
      if ((has & needed) !== needed) {
        throw new Error(
          `/${init.name} requires permissions ${needed} (default_member_permissions); this member has ${has}, so Discord would hide it`,
        );
      }
    }
  }

  private memberPermissions(init: InvokerInit): bigint {
    if (init.permissions !== undefined) return BigInt(init.permissions);
    return (init.user?.id ?? FAKE_USER_ID) === this.world.ownerId ? ALL_PERMISSIONS : DEFAULT_MEMBER_PERMISSIONS;
  }

  private buildOptions(
    command: string,
    inputs: OptionInput[],
    defs: APIApplicationCommandOption[] | undefined,
    resolved: APIInteractionDataResolved,
    autocomplete: boolean,
    dm: boolean,
    unchecked = false,
  ): APIApplicationCommandInteractionDataOption[] {
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
        out.push({ name: input.name, type, options: this.buildOptions(command, input.options ?? [], subDefs, resolved, autocomplete, dm) });
        continue;
      }
      if (input.value === undefined) throw new Error(`/${command}: option ${JSON.stringify(input.name)} needs a value`);
      if (!input.focused && !unchecked) checkOptionValue(command, input, type, def);
      if (type === ApplicationCommandOptionType.User || type === ApplicationCommandOptionType.Mentionable) {
        const id = String(input.value);
        const user = makeUser(id, id === (FAKE_USER_ID as string) ? 'tester' : `user${id.slice(-4)}`);
        resolved.users = { ...resolved.users, [id]: user };
        if (!dm) {
          const { user: _user, ...member } = interactionMember(this.world, user, [], DEFAULT_MEMBER_PERMISSIONS);
          resolved.members = { ...resolved.members, [id]: member };
        }
      } else if (type === ApplicationCommandOptionType.Channel) {
        const id = String(input.value);
        const channel: APIInteractionDataResolvedChannel = {
          id,
          type: ChannelType.GuildText,
          name: id === this.world.channelId ? this.world.channelName : `channel-${id.slice(-4)}`,
          permissions: DEFAULT_MEMBER_PERMISSIONS.toString(),
        };
        resolved.channels = { ...resolved.channels, [id]: channel };
      } else if (type === ApplicationCommandOptionType.Attachment) {
        throw new Error(`/${command}: attachment options are not supported by the fake Discord`);
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

  private dmChannelId(userId: string): string {
    let id = this.dmChannels.get(userId);
    if (!id) {
      id = snowflake();
      this.dmChannels.set(userId, id);
    }
    return id;
  }

  /** The most recent session with an open connection. */
  private liveSession(): GatewaySessionState | undefined {
    return this.latestSession((session) => session.connection?.ws.readyState === WebSocket.OPEN);
  }

  private latestSession(accept: (session: GatewaySessionState) => boolean = () => true): GatewaySessionState | undefined {
    let latest: GatewaySessionState | undefined;
    for (const session of this.sessions.values()) {
      if (accept(session) && (!latest || session.readyAt >= latest.readyAt)) latest = session;
    }
    return latest;
  }

  /** Builds the INTERACTION_CREATE payload common to every interaction type, dispatches it and starts the acknowledgement clock. */
  private inject(type: InteractionType, init: InvokerInit, data: unknown, label: string, message?: APIMessage): InjectedInteraction {
    // A session whose connection dropped still gets the dispatch: it is replayed when the bot RESUMEs, as Discord does.
    const session = this.latestSession();
    if (!session) {
      throw new Error(
        'No bot is connected to the fake Discord gateway: log a client in (and await its clientReady event) before injecting interactions',
      );
    }
    const id = snowflake();
    const token = interactionToken(id);
    const user = makeUser(init.user?.id ?? FAKE_USER_ID, init.user?.username ?? 'tester', init.user);
    const dm = init.dm === true;
    const channelId = message?.channel_id ?? (dm ? this.dmChannelId(user.id) : this.world.channelId);
    const permissions = this.memberPermissions(init);
    const channel = dm
      ? { id: channelId, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [user] }
      : { ...textChannel(this.world), id: channelId, permissions: permissions.toString() };
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
      app_permissions: appPermissions(),
      locale,
      entitlements: [],
      attachment_size_limit: 10_485_760,
      // Guild-installed app: the key 0 (GUILD_INSTALL) holds the guild id, or "0" in the bot's DMs.
      authorizing_integration_owners: { 0: dm ? '0' : this.world.guildId },
      context: dm ? InteractionContextType.BotDM : InteractionContextType.Guild,
      ...(message ? { message } : {}),
      ...(dm
        ? { user }
        : {
            guild_id: this.world.guildId,
            guild: { id: this.world.guildId, locale: Locale.EnglishUS, features: [] },
            guild_locale: Locale.EnglishUS,
            member: interactionMember(this.world, user, init.roles ?? [], permissions),
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
      user,
      loading: false,
      messageIds: new Set(),
      responses: [],
      listeners: new Set(),
      ...(message ? { componentMessageId: message.id } : {}),
    };
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
    this.dispatch(session, GatewayDispatchEvents.InteractionCreate, payload);
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
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url.searchParams));
  }

  private onConnection(ws: WebSocket, params: URLSearchParams): void {
    const connection: GatewayConnection = { ws, deflated: [], payloadCompression: false };
    this.connections.add(connection);
    ws.on('close', (code: number) => {
      this.connections.delete(connection);
      connection.deflate?.close();
      const session = connection.session;
      if (session?.connection === connection) {
        delete session.connection;
        // A client closing with 1000/1001 ends its session (Discord invalidates it);
        // any other close (network drop, 4xxx) leaves it resumable.
        if (code === 1000 || code === 1001) this.sessions.delete(session.sessionId);
      }
    });
    ws.on('error', () => undefined);
    // Discord closes with 4012 on a bad version and 4002 on an encoding it cannot speak (here: anything but JSON).
    if (params.get('v') !== '10') {
      ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    if ((params.get('encoding') ?? 'json') !== 'json') {
      ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    if (params.get('compress') === 'zlib-stream') {
      // One zlib context for the whole connection, each payload ending with a
      // Z_SYNC_FLUSH (00 00 ff ff), which is how clients know a payload is complete.
      connection.deflate = zlib.createDeflate();
      connection.deflate.on('data', (chunk: Buffer) => connection.deflated.push(chunk));
    }
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(connection, data, isBinary));
    this.send(connection, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.heartbeatIntervalMs, _trace: ['["fake-gateway",{"micros":0}]'] },
      s: null,
      t: null,
    });
  }

  private send(connection: GatewayConnection, payload: unknown): void {
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    const json = JSON.stringify(payload);
    if (connection.deflate) {
      const deflate = connection.deflate;
      deflate.write(json);
      deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        const chunk = Buffer.concat(connection.deflated);
        connection.deflated = [];
        if (chunk.length && connection.ws.readyState === WebSocket.OPEN) connection.ws.send(chunk);
      });
    } else if (connection.payloadCompression) {
      connection.ws.send(zlib.deflateSync(json));
    } else {
      connection.ws.send(json);
    }
  }

  private dispatch(session: GatewaySessionState, t: string, d: unknown): void {
    const payload = { op: GatewayOpcodes.Dispatch as const, t, s: ++session.seq, d };
    session.sent.push(payload);
    if (session.connection) this.send(session.connection, payload);
  }

  private onFrame(connection: GatewayConnection, data: RawData, isBinary: boolean): void {
    let payload: unknown;
    try {
      if (isBinary) throw new Error('binary frames are ETF, which this fake does not speak');
      payload = JSON.parse(rawToString(data));
    } catch {
      connection.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    if (!isRecord(payload) || typeof payload['op'] !== 'number') {
      connection.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const d = payload['d'];
    switch (payload['op'] as GatewayOpcodes) {
      case GatewayOpcodes.Heartbeat:
        this.send(connection, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        this.onIdentify(connection, d);
        return;
      case GatewayOpcodes.Resume:
        this.onResume(connection, d);
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.RequestSoundboardSounds:
        if (!connection.session) connection.ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        connection.ws.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private tokenMatches(token: unknown): boolean {
    return typeof token === 'string' && token.replace(/^Bot\s+/i, '') === this.token;
  }

  private onIdentify(connection: GatewayConnection, d: unknown): void {
    if (connection.session) {
      connection.ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    if (!isRecord(d)) {
      connection.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const { token, ...rest } = d;
    this.identifies.push(rest as Omit<GatewayIdentifyData, 'token'>);
    if (!this.tokenMatches(token)) {
      connection.ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const intents = d['intents'];
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || (intents & ~ALL_INTENTS) !== 0) {
      connection.ws.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return;
    }
    if ((intents & PRIVILEGED_INTENTS & ~this.allowedPrivilegedIntents) !== 0) {
      connection.ws.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    const shard = d['shard'];
    if (shard !== undefined && (!Array.isArray(shard) || shard[0] !== 0 || shard[1] !== 1)) {
      connection.ws.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return;
    }
    connection.payloadCompression = d['compress'] === true && !connection.deflate;
    const session: GatewaySessionState = {
      sessionId: randomBytes(16).toString('hex'),
      seq: 0,
      intents,
      sent: [],
      connection,
      readyAt: Date.now(),
    };
    this.sessions.set(session.sessionId, session);
    connection.session = session;
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: { ...this.botUser, verified: true, mfa_enabled: false, email: null },
      guilds: [{ id: this.world.guildId, unavailable: true }],
      session_id: session.sessionId,
      resume_gateway_url: this.gatewayUrl,
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
    };
    this.dispatch(session, GatewayDispatchEvents.Ready, {
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
    if (intents & GatewayIntentBits.Guilds) this.dispatch(session, GatewayDispatchEvents.GuildCreate, guildCreate(this.world));
    for (const listener of [...this.sessionListeners]) listener();
  }

  private onResume(connection: GatewayConnection, d: unknown): void {
    if (!isRecord(d) || !this.tokenMatches(d['token'])) {
      connection.ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const session = typeof d['session_id'] === 'string' ? this.sessions.get(d['session_id']) : undefined;
    const seq = typeof d['seq'] === 'number' ? d['seq'] : 0;
    if (!session || seq > session.seq) {
      // op 9 with d=false: the session cannot be resumed, identify anew.
      this.send(connection, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.connection && session.connection !== connection) session.connection.ws.terminate();
    session.connection = connection;
    connection.session = session;
    for (const missed of session.sent.filter((p) => p.s > seq)) this.send(connection, missed);
    this.dispatch(session, GatewayDispatchEvents.Resumed, null);
    for (const listener of [...this.sessionListeners]) listener();
  }

  // -------------------------------------------------------------------------
  // HTTP

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
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

    if (req.authorization !== `Bot ${this.token}`) {
      const result = error(401, 0, '401: Unauthorized');
      this.violate('unauthorized', `${req.method} ${req.path} without a valid "Authorization: Bot <token>" header`, req, result);
      return result;
    }
    // Routes tied to an interaction (above) and command registration (which adds Discord's documented
    // rules to the same error tree) check their bodies themselves; every other body is checked here.
    if (req.json !== undefined && !/^\/applications\/\d+(?:\/guilds\/\d+)?\/commands(?:\/\d+)?$/.test(path)) {
      const errors = req.bodyErrors();
      if (!errors.empty) {
        const result: HttpResult = { status: 400, body: errors.toBody() };
        this.violate('invalid-form-body', `${req.method} ${req.path}: ${errors.summary()}`, req, result);
        return result;
      }
    }
    if (path === '/gateway/bot') {
      if (req.method !== 'GET') return methodNotAllowed();
      const body: RESTGetAPIGatewayBotResult = {
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      };
      return { status: 200, body };
    }
    if (path === '/users/@me') return req.method === 'GET' ? { status: 200, body: currentUser(this.botUser) } : methodNotAllowed();
    if (path === '/applications/@me' || path === '/oauth2/applications/@me') {
      return req.method === 'GET' ? { status: 200, body: application(this.world) } : methodNotAllowed();
    }
    if ((match = m(/^\/guilds\/(\d+)$/))) {
      if (req.method !== 'GET') return methodNotAllowed();
      if (match[1] !== this.world.guildId) return error(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
      return { status: 200, body: restGuild(this.world) };
    }
    if ((match = m(/^\/channels\/(\d+)$/))) {
      if (req.method !== 'GET') return methodNotAllowed();
      if (match[1] !== this.world.channelId) return error(404, RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel');
      return { status: 200, body: textChannel(this.world) };
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

  private commandsRoute(req: ParsedRequest, appId: string, guildId: string | undefined, commandId: string | undefined): HttpResult {
    if (appId !== this.applicationId) return error(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
    if (guildId !== undefined && guildId !== this.world.guildId) return error(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
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
          const merged = mergeMessage(target, data ?? {}, req.files, Date.now());
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
          this.messages.set(target.id, merged);
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
      attachments: attachmentsFor(files, data, now),
      embeds: normalizeEmbeds(data['embeds']),
      pinned: false,
      type: record.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Reply,
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
    this.messages.set(id, message);
    record.messageIds.add(id);
    return message;
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
        message = { ...mergeMessage(loading, body, req.files, null), flags: (loading.flags ?? 0) & ~MessageFlags.Loading };
        this.messages.set(message.id, message);
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
      this.messages.delete(messageId);
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
    const merged = mergeMessage(current, body, req.files, wasLoading ? null : Date.now());
    if (wasLoading) merged.flags = (merged.flags ?? 0) & ~MessageFlags.Loading;
    if (isEmptyMessage(merged as unknown as Record<string, unknown>, 0)) {
      return fail(
        error(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'),
        'empty-message',
        'edit leaves the message empty',
      );
    }
    this.messages.set(messageId, merged);
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

function methodNotAllowed(): HttpResult {
  return error(405, 0, '405: Method Not Allowed');
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

/** A copy without the fields set to null: Discord stores an absent field, and its replies leave it out. */
function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  ) as T;
}

/** Discord fills in `type: 'rich'` on embeds it stores. */
function normalizeEmbeds(embeds: unknown): APIEmbed[] {
  if (!Array.isArray(embeds)) return [];
  return embeds.map((e) => ({ type: 'rich', ...withoutNulls(e as APIEmbed) }) as APIEmbed);
}

/**
 * The components as Discord stores them: every component has a numeric `id`,
 * unique in the message; those the bot left out (or set to 0) are numbered in
 * order, skipping ids already taken
 * (https://discord.com/developers/docs/components/reference#anatomy-of-a-component).
 */
function numberComponents(components: unknown): NonNullable<APIMessage['components']> {
  if (!Array.isArray(components)) return [];
  const copy = withoutNulls(components) as unknown[];
  const nodes: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (!isRecord(node)) return;
    nodes.push(node);
    if (Array.isArray(node['components'])) node['components'].forEach(walk);
    if (node['accessory'] !== undefined) walk(node['accessory']);
    if (node['component'] !== undefined) walk(node['component']);
  };
  copy.forEach(walk);
  const taken = new Set(nodes.map((n) => n['id']).filter((id) => typeof id === 'number' && id > 0));
  let next = 1;
  for (const node of nodes) {
    if (typeof node['id'] === 'number' && node['id'] > 0) continue;
    while (taken.has(next)) next++;
    node['id'] = next;
    taken.add(next);
  }
  return copy as NonNullable<APIMessage['components']>;
}

function attachmentsFor(files: UploadedFile[], data: Record<string, unknown>, now: number): APIAttachment[] {
  const described = Array.isArray(data['attachments']) ? (data['attachments'] as Record<string, unknown>[]) : [];
  return files.map((file, i) => {
    const id = snowflake(now);
    const meta = described[i] ?? {};
    return {
      id,
      filename: (meta['filename'] as string | undefined) ?? file.name,
      size: file.size,
      url: `https://cdn.discordapp.com/attachments/fake/${id}/${encodeURIComponent(file.name)}`,
      proxy_url: `https://media.discordapp.net/attachments/fake/${id}/${encodeURIComponent(file.name)}`,
      content_type: file.contentType || 'application/octet-stream',
      ...(typeof meta['description'] === 'string' ? { description: meta['description'] } : {}),
    };
  });
}

/**
 * Applies an edit the way Discord does: fields present in the body replace the
 * message's (null resets them), absent fields are kept.
 * @param editedAt epoch ms for `edited_timestamp`, or null to leave it (the first edit of a deferred reply "sends" it)
 */
function mergeMessage(message: APIMessage, body: Record<string, unknown>, files: UploadedFile[], editedAt: number | null): APIMessage {
  const next: APIMessage = structuredClone(message);
  if ('content' in body) next.content = typeof body['content'] === 'string' ? body['content'] : '';
  if ('embeds' in body) next.embeds = normalizeEmbeds(body['embeds']);
  if ('components' in body) next.components = numberComponents(body['components']);
  if ('flags' in body && typeof body['flags'] === 'number') {
    // Only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 can change after sending.
    const mutable = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;
    next.flags = ((next.flags ?? 0) & ~mutable) | (body['flags'] & mutable);
  }
  if ('attachments' in body || files.length) {
    const kept = Array.isArray(body['attachments'])
      ? next.attachments.filter((a) => (body['attachments'] as Record<string, unknown>[]).some((b) => b['id'] === a.id))
      : next.attachments;
    next.attachments = [...kept, ...attachmentsFor(files, body, Date.now())];
  }
  if (editedAt !== null) next.edited_timestamp = discordTimestamp(editedAt);
  return next;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
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
        files.push({ name: value.name, size: value.size, contentType: value.type });
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
