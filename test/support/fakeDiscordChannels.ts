/**
 * The fake Discord's channels and messages: text channels, forums (type 15)
 * and their posts, threads, messages written by members, other bots, webhooks
 * or the bot, and the gateway events Discord sends about them, as Discord does
 * (https://discord.com/developers/docs/topics/threads,
 * https://discord.com/developers/docs/events/gateway#message-content-intent):
 * - MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE go only to sessions with
 *   GUILD_MESSAGES (guild channels and threads) or DIRECT_MESSAGES (DMs);
 * - without the privileged MESSAGE_CONTENT intent, `content`, `embeds`,
 *   `attachments`, `components` and `poll` arrive empty, except in the bot's own
 *   messages, in DMs, and in messages that mention the bot (REST reads follow
 *   the intent as enabled "in the portal");
 * - THREAD_CREATE (GUILDS intent) for every new thread, then, for a forum post,
 *   the MESSAGE_CREATE of its starter message (same id as the thread); a thread
 *   started from a message shares the message's id and begins with a
 *   THREAD_STARTER_MESSAGE (type 21) pointing at it;
 * - the bot's REST routes: post (`POST /channels/{id}/messages`), edit, delete
 *   and read messages, start a thread from a message, create a thread or a forum
 *   post (`POST /channels/{id}/threads`), read a channel. Bodies are checked
 *   against Discord's API description and the documented message rules.
 * Not modelled: channel permission overwrites (the bot may read and write
 * everywhere), private threads, archiving, slow mode, reactions, pins.
 */
import {
  ChannelType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  MessageFlags,
  MessageReferenceType,
  MessageType,
  RESTJSONErrorCodes,
} from 'discord-api-types/v10';
import type { APIAllowedMentions, APIAttachment, APIChannel, APIEmbed, APIMessage, APIThreadChannel, APIUser } from 'discord-api-types/v10';
import type { FakeGateway } from './fakeDiscordGateway.ts';
import { error, isRecord, mergeMessage, methodNotAllowed, normalizeEmbeds, numberComponents } from './fakeDiscordMessages.ts';
import type { HttpResult, ParsedRequest, UploadedFile } from './fakeDiscordMessages.ts';
import { discordTimestamp, guildChannel, makeUser, snowflake, textChannel, threadChannel, userMessage } from './fakeDiscordPayloads.ts';
import type { ChannelSpec, World } from './fakeDiscordPayloads.ts';
import { isEmptyMessage, validateMessageBody } from './fakeDiscordRules.ts';

/** Who writes a message posted by a test ({@link FakeChannels.post}). */
export interface PostMessageInit {
  /** A text channel or a thread (or, with `dm`, the author's DM with the bot). Default: the first guild's text channel. */
  channelId?: string;
  /** Write in the author's DM with the bot. */
  dm?: boolean;
  content?: string;
  embeds?: APIEmbed[];
  /** The author. Default: id {@link FAKE_USER_ID}-like tester. */
  author?: Partial<APIUser>;
  /** A member (default), another bot, or a webhook (which has no member, and `webhook_id`). */
  kind?: 'member' | 'bot' | 'webhook';
  /** The member's roles (shown in the event's `member`). */
  roles?: string[];
  /** Make it a reply to this message (type REPLY, with `message_reference`). */
  replyTo?: string;
}

/** A new forum post ({@link FakeChannels.createForumPost}). */
export interface ForumPostInit {
  /** The forum (a channel of type 15 declared in the guild's `channels`). */
  channelId: string;
  /** The post's title (the thread's name). */
  title: string;
  /** The starter message. */
  content: string;
  embeds?: APIEmbed[];
  author?: Partial<APIUser>;
  roles?: string[];
  /** Names of the forum's tags to apply. */
  tags?: string[];
}

/** A message the bot posted, as the fake keeps it for tests. */
export interface BotPost {
  /** The message's current state (the last one, if deleted). */
  message: APIMessage;
  /** `channel`: `POST /channels/{id}/messages` (or a forum post / thread starter); `interaction`: a reply or follow-up. */
  via: 'channel' | 'interaction';
  /** The body as sent (`payload_json` for uploads), for channel posts. */
  body?: unknown;
  /** `allowed_mentions` sent with it (undefined: none, so Discord parses every mention). */
  allowedMentions?: APIAllowedMentions;
  deleted: boolean;
  at: number;
}

/** Messages a test waits for ({@link FakeChannels.waitForMessage}). */
export interface MessageFilter {
  channelId?: string;
  /** `'bot'`: written by the bot; a user id: by that author (system messages, such as a thread's starter, are nobody's). Default: anyone. */
  from?: string;
  predicate?: (message: APIMessage) => boolean;
}

/** What the channels need from the fake. */
export interface ChannelHost {
  readonly worlds: readonly World[];
  readonly botUser: APIUser;
  /** The fake's one message store (interaction responses live there too). */
  readonly messages: Map<string, APIMessage>;
  readonly gateway: FakeGateway;
  /** Privileged intents enabled in the portal: REST reads show content only with MESSAGE_CONTENT. */
  readonly allowedPrivilegedIntents: number;
  /** The DM channel id between the bot and a user. */
  dmChannelId(userId: string): string;
  /** The user of a DM channel id, when it is one. */
  dmRecipient(channelId: string): APIUser | undefined;
  attachmentsFor(channelId: string, files: UploadedFile[], body: Record<string, unknown>, now: number): APIAttachment[];
  violate(rule: ChannelViolation, message: string, req: ParsedRequest, result: HttpResult): void;
}

/** The violations the channel routes record (a subset of the fake's {@link ViolationRule}). */
export type ChannelViolation =
  'invalid-form-body' | 'empty-message' | 'unknown-message' | 'unknown-channel' | 'cannot-send-here' | 'not-author' | 'thread-exists';

/** A channel as the fake knows it. */
export interface ChannelInfo {
  kind: 'text' | 'forum' | 'thread' | 'dm';
  /** Its guild (none for DMs). */
  world?: World;
  /** For a thread, its parent channel. */
  parentId?: string | undefined;
  /** The channel as Discord sends it now. */
  json: APIChannel;
}

const CONTENT_INTENT = GatewayIntentBits.MessageContent;
/** FAKE_USER_ID of fakeDiscord.ts (not imported: that module imports this one). */
const DEFAULT_AUTHOR_ID = '1300000000000000300';

/** The fake's channels, threads and messages. */
export class FakeChannels {
  private readonly threads = new Map<string, APIThreadChannel & { _world: string }>();
  /** Message ids per channel, in order of creation (deleted ones removed). */
  private readonly order = new Map<string, string[]>();
  private readonly lastMessage = new Map<string, string>();
  /** Roles of the member who wrote a message (for the events' `member`). */
  private readonly authorRoles = new Map<string, string[]>();
  private readonly posts: BotPost[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly host: ChannelHost) {}

  // -------------------------------------------------------------------------
  // Lookups

  /** A channel by id: a guild's text channel or forum, a thread, or a DM channel. */
  channel(id: string): ChannelInfo | undefined {
    for (const world of this.host.worlds) {
      if (world.channelId === id) return { kind: 'text', world, json: this.withLast(textChannel(world)) };
      const spec = world.extraChannels.find((c) => c.id === id);
      if (spec)
        return {
          kind: spec.type === ChannelType.GuildForum ? 'forum' : 'text',
          world,
          json: this.withLast(guildChannel(world, spec) as APIChannel),
        };
    }
    const thread = this.threads.get(id);
    if (thread) {
      const world = this.host.worlds.find((w) => w.guildId === thread._world)!;
      return { kind: 'thread', world, ...(thread.parent_id ? { parentId: thread.parent_id } : {}), json: this.threadJson(thread) };
    }
    const recipient = this.host.dmRecipient(id);
    if (recipient) {
      return {
        kind: 'dm',
        json: {
          id,
          type: ChannelType.DM,
          last_message_id: this.lastMessage.get(id) ?? null,
          flags: 0,
          recipients: [recipient],
        } as unknown as APIChannel,
      };
    }
    return undefined;
  }

  /** The active threads of a guild, as GUILD_CREATE lists them. */
  threadsOf(world: World): APIThreadChannel[] {
    return [...this.threads.values()].filter((t) => t._world === world.guildId).map((t) => this.threadJson(t));
  }

  /** Threads, of one parent channel (a text channel or a forum) or all. */
  threadList(parentId?: string): APIThreadChannel[] {
    return [...this.threads.values()].filter((t) => parentId === undefined || t.parent_id === parentId).map((t) => this.threadJson(t));
  }

  /** A channel's messages now, oldest first (deleted ones gone). */
  messagesIn(channelId: string): APIMessage[] {
    return (this.order.get(channelId) ?? []).map((id) => structuredClone(this.host.messages.get(id)!));
  }

  /** What the bot posted, oldest first: in one channel or thread, or everywhere. */
  botPosts(channelId?: string): BotPost[] {
    return this.posts.filter((p) => channelId === undefined || p.message.channel_id === channelId).map((p) => structuredClone(p));
  }

  /** The first message (already there or to come) that matches. */
  waitForMessage(filter: MessageFilter, timeoutMs: number): Promise<APIMessage> {
    const matches = (m: APIMessage): boolean =>
      (filter.channelId === undefined || m.channel_id === filter.channelId) &&
      (filter.from === undefined ||
        (!isSystemMessage(m) && (filter.from === 'bot' ? m.author.id === this.host.botUser.id : m.author.id === filter.from))) &&
      (filter.predicate === undefined || filter.predicate(m));
    const seen = new Set<string>();
    const find = (): APIMessage | undefined => {
      for (const ids of this.order.values()) {
        for (const id of ids) {
          const m = this.host.messages.get(id);
          if (m && !seen.has(id) && matches(m)) return structuredClone(m);
        }
      }
      return undefined;
    };
    return new Promise((resolve, reject) => {
      const first = find();
      if (first) {
        resolve(first);
        return;
      }
      const listener = (): void => {
        const found = find();
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        const recent = [...this.order.values()]
          .flat()
          .slice(-10)
          .map((id) => this.host.messages.get(id));
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for a message ${JSON.stringify({ channelId: filter.channelId, from: filter.from })}. ` +
              `Latest messages: ${JSON.stringify(recent.map((m) => m && { channel: m.channel_id, author: m.author.username, content: m.content.slice(0, 60) }))}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  // -------------------------------------------------------------------------
  // What members (and other bots, and webhooks) do

  /** A message written in a channel or thread: stored, and MESSAGE_CREATE to the bot as Discord sends it. */
  post(init: PostMessageInit): APIMessage {
    const author = this.authorOf(init.author, init.kind ?? 'member');
    const channelId = init.dm ? this.host.dmChannelId(author.id) : (init.channelId ?? this.host.worlds[0]!.channelId);
    const info = this.channel(channelId);
    if (!info) throw new Error(`post: no channel ${channelId}`);
    if (info.kind === 'forum') throw new Error('post: a forum takes posts (createForumPost), not messages');
    if (init.dm && (init.kind ?? 'member') !== 'member') throw new Error('post: only members write DMs to the bot');
    const reference = init.replyTo === undefined ? undefined : this.host.messages.get(init.replyTo);
    if (init.replyTo !== undefined && (!reference || reference.channel_id !== channelId)) {
      throw new Error(`post: message ${init.replyTo} is not in channel ${channelId}`);
    }
    const message = this.authored(channelId, author, init.content ?? '', init.embeds, init.kind === 'webhook' ? author.id : undefined);
    if (reference) this.makeReply(message, reference, info);
    this.record(message, 'create', { roles: init.roles ?? [] });
    return structuredClone(message);
  }

  /** A member edits their message: MESSAGE_UPDATE. */
  edit(id: string, changes: { content?: string; embeds?: APIEmbed[] }): APIMessage {
    const current = this.host.messages.get(id);
    if (!current) throw new Error(`edit: no message ${id}`);
    if (current.author.id === this.host.botUser.id)
      throw new Error("edit: the bot's messages are edited by the bot (PATCH /channels/{id}/messages/{id})");
    const next = mergeMessage(current, { ...changes }, [], Date.now());
    this.host.messages.set(id, next);
    this.record(next, 'update');
    return structuredClone(next);
  }

  /** A member (or a moderator) deletes a message: MESSAGE_DELETE. */
  remove(id: string): void {
    const current = this.host.messages.get(id);
    if (!current) throw new Error(`remove: no message ${id}`);
    this.record(current, 'delete');
  }

  /** A member opens a forum post: THREAD_CREATE, then MESSAGE_CREATE of its starter message. */
  createForumPost(init: ForumPostInit): { thread: APIThreadChannel; message: APIMessage } {
    const info = this.channel(init.channelId);
    if (info?.kind !== 'forum') throw new Error(`createForumPost: ${init.channelId} is not a forum (declare it with type: 'forum')`);
    const author = this.authorOf(init.author, 'member');
    const spec = info.world!.extraChannels.find((c) => c.id === init.channelId)!;
    const tags = (init.tags ?? []).map((name) => {
      const tag = spec.tags.find((t) => t.name === name);
      if (!tag) throw new Error(`createForumPost: the forum has no tag ${JSON.stringify(name)}`);
      return tag.id;
    });
    return this.openForumPost(
      info.world!,
      spec,
      author,
      init.title,
      { content: init.content, embeds: init.embeds ?? [] },
      tags,
      init.roles ?? [],
    );
  }

  /** A member starts a thread on a message: THREAD_CREATE (the thread has the message's id). */
  startThread(init: { messageId: string; name: string; author?: Partial<APIUser> }): APIThreadChannel {
    const message = this.host.messages.get(init.messageId);
    if (!message) throw new Error(`startThread: no message ${init.messageId}`);
    const author = this.authorOf(init.author, 'member');
    const outcome = this.threadFromMessage(message, init.name, author, undefined);
    if ('error' in outcome) throw new Error(`startThread: ${outcome.why}`);
    return outcome.thread;
  }

  // -------------------------------------------------------------------------
  // Recording (also used for the messages of interactions)

  /**
   * Records a new, changed or deleted message: keeps each channel's order and its thread's counts, sends
   * the gateway event to the sessions that get it, and wakes waiters.
   * @param extra for the bot's messages, how it was sent
   */
  record(
    message: APIMessage,
    event: 'create' | 'update' | 'delete',
    extra: { roles?: string[]; via?: BotPost['via']; body?: unknown; allowedMentions?: APIAllowedMentions } = {},
  ): void {
    const channelId = message.channel_id;
    const ids = this.order.get(channelId) ?? [];
    const thread = this.threads.get(channelId);
    const counted = message.type !== MessageType.ThreadStarterMessage && message.id !== channelId;
    const fromBot = message.author.id === this.host.botUser.id;
    if (event === 'create') {
      this.host.messages.set(message.id, message);
      ids.push(message.id);
      this.order.set(channelId, ids);
      this.lastMessage.set(channelId, message.id);
      if (extra.roles) this.authorRoles.set(message.id, extra.roles);
      if (thread) {
        if (counted) {
          thread.message_count = (thread.message_count ?? 0) + 1;
          thread.total_message_sent = (thread.total_message_sent ?? 0) + 1;
        }
        thread.last_message_id = message.id;
      }
      if (fromBot && !isSystemMessage(message)) {
        this.posts.push({
          message: structuredClone(message),
          via: extra.via ?? 'channel',
          ...(extra.body === undefined ? {} : { body: extra.body }),
          ...(extra.allowedMentions === undefined ? {} : { allowedMentions: extra.allowedMentions }),
          deleted: false,
          at: Date.now(),
        });
      }
    } else if (event === 'update') {
      this.host.messages.set(message.id, message);
      const post = this.posts.find((p) => p.message.id === message.id);
      if (post) post.message = structuredClone(message);
    } else {
      this.host.messages.delete(message.id);
      this.order.set(
        channelId,
        ids.filter((id) => id !== message.id),
      );
      if (thread && counted) thread.message_count = Math.max(0, (thread.message_count ?? 0) - 1);
      const post = this.posts.find((p) => p.message.id === message.id);
      if (post) post.deleted = true;
    }
    this.emit(message, event);
    for (const listener of [...this.listeners]) listener();
  }

  // -------------------------------------------------------------------------
  // The bot's REST routes under /channels

  /** Answers a `/channels/…` request, or undefined when no channel route matches. */
  route(req: ParsedRequest, path: string): HttpResult | undefined {
    let match: RegExpExecArray | null;
    if ((match = /^\/channels\/(\d+)$/.exec(path))) {
      if (req.method !== 'GET') return methodNotAllowed();
      const info = this.channel(match[1]!);
      return info ? { status: 200, body: info.json } : unknownChannel();
    }
    if ((match = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      if (req.method === 'GET') return this.listMessages(req, match[1]!);
      if (req.method === 'POST') return this.createMessage(req, match[1]!);
      return methodNotAllowed();
    }
    if ((match = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      return this.oneMessage(req, match[1]!, match[2]!);
    }
    if ((match = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path))) {
      return req.method === 'POST' ? this.threadFromMessageRoute(req, match[1]!, match[2]!) : methodNotAllowed();
    }
    if ((match = /^\/channels\/(\d+)\/threads$/.exec(path))) {
      return req.method === 'POST' ? this.createThreadRoute(req, match[1]!) : methodNotAllowed();
    }
    return undefined;
  }

  private refuse(req: ParsedRequest, rule: ChannelViolation, why: string, result: HttpResult): HttpResult {
    this.host.violate(rule, `${req.method} ${req.path}: ${why}`, req, result);
    return result;
  }

  private listMessages(req: ParsedRequest, channelId: string): HttpResult {
    if (!this.channel(channelId)) return unknownChannel();
    const limit = Math.min(100, Math.max(1, Number(req.query.get('limit') ?? 50) || 50));
    const ids = [...(this.order.get(channelId) ?? [])].reverse();
    const before = req.query.get('before');
    const after = req.query.get('after');
    const picked = ids
      .filter((id) => (before === null || BigInt(id) < BigInt(before)) && (after === null || BigInt(id) > BigInt(after)))
      .slice(0, limit);
    return { status: 200, body: picked.map((id) => this.visible(this.host.messages.get(id)!, this.host.allowedPrivilegedIntents)) };
  }

  private oneMessage(req: ParsedRequest, channelId: string, messageId: string): HttpResult {
    const info = this.channel(channelId);
    if (!info) return unknownChannel();
    const message = this.host.messages.get(messageId);
    if (!message || message.channel_id !== channelId) {
      return req.method === 'GET'
        ? error(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message')
        : this.refuse(
            req,
            'unknown-message',
            `message ${messageId} is not in channel ${channelId}`,
            error(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message'),
          );
    }
    if (req.method === 'GET') return { status: 200, body: this.visible(message, this.host.allowedPrivilegedIntents) };
    if (req.method === 'DELETE') {
      // The bot's role has Manage Messages, so it may delete anyone's message.
      this.record(message, 'delete');
      return { status: 204 };
    }
    if (req.method !== 'PATCH') return methodNotAllowed();
    if (message.author.id !== this.host.botUser.id) {
      return this.refuse(
        req,
        'not-author',
        'the bot may edit only its own messages',
        error(403, RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser, 'Cannot edit a message authored by another user'),
      );
    }
    const body = isRecord(req.json) ? req.json : {};
    const errors = req.bodyErrors();
    validateMessageBody(errors, [], { ...body, flags: body['flags'] ?? message.flags });
    if (!errors.empty) return this.refuse(req, 'invalid-form-body', errors.summary(), { status: 400, body: errors.toBody() });
    const next = mergeMessage(message, body, this.host.attachmentsFor(channelId, req.files, body, Date.now()), Date.now());
    if (isEmptyMessage(next as unknown as Record<string, unknown>, 0)) {
      return this.refuse(
        req,
        'empty-message',
        'the edit leaves the message empty',
        error(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'),
      );
    }
    this.record(next, 'update');
    return { status: 200, body: next };
  }

  private createMessage(req: ParsedRequest, channelId: string): HttpResult {
    const info = this.channel(channelId);
    if (!info) return this.refuse(req, 'unknown-channel', `channel ${channelId} does not exist`, unknownChannel());
    if (info.kind === 'forum') {
      return this.refuse(
        req,
        'cannot-send-here',
        'a forum takes posts (POST /channels/{id}/threads), not messages',
        error(400, RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel, 'Cannot send messages in a non-text channel'),
      );
    }
    const body = isRecord(req.json) ? req.json : {};
    const errors = req.bodyErrors();
    validateMessageBody(errors, [], body);
    const referenceId = isRecord(body['message_reference']) ? body['message_reference']['message_id'] : undefined;
    const reference = typeof referenceId === 'string' ? this.host.messages.get(referenceId) : undefined;
    const failIfMissing = !isRecord(body['message_reference']) || body['message_reference']['fail_if_not_exists'] !== false;
    if (typeof referenceId === 'string' && (!reference || reference.channel_id !== channelId) && failIfMissing) {
      errors.add(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
    }
    if (!errors.empty) return this.refuse(req, 'invalid-form-body', errors.summary(), { status: 400, body: errors.toBody() });
    if (isEmptyMessage(body, req.files.length)) {
      return this.refuse(
        req,
        'empty-message',
        'no content, embeds, components, stickers, poll or files',
        error(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'),
      );
    }
    const message = this.botMessage(channelId, body, req.files);
    if (reference && reference.channel_id === channelId) this.makeReply(message, reference, info);
    this.record(message, 'create', {
      via: 'channel',
      body: req.json,
      ...(isRecord(body['allowed_mentions']) ? { allowedMentions: body['allowed_mentions'] } : {}),
    });
    return { status: 200, body: message };
  }

  private threadFromMessageRoute(req: ParsedRequest, channelId: string, messageId: string): HttpResult {
    const info = this.channel(channelId);
    if (!info) return this.refuse(req, 'unknown-channel', `channel ${channelId} does not exist`, unknownChannel());
    const message = this.host.messages.get(messageId);
    if (!message || message.channel_id !== channelId) {
      return this.refuse(
        req,
        'unknown-message',
        `message ${messageId} is not in channel ${channelId}`,
        error(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message'),
      );
    }
    const errors = req.bodyErrors();
    if (!errors.empty) return this.refuse(req, 'invalid-form-body', errors.summary(), { status: 400, body: errors.toBody() });
    const body = req.json as { name: string; auto_archive_duration?: number };
    const outcome = this.threadFromMessage(message, body.name, this.host.botUser, body.auto_archive_duration);
    if ('error' in outcome) return this.refuse(req, outcome.rule, outcome.why, outcome.error);
    return { status: 201, body: outcome.thread };
  }

  private createThreadRoute(req: ParsedRequest, channelId: string): HttpResult {
    const info = this.channel(channelId);
    if (!info) return this.refuse(req, 'unknown-channel', `channel ${channelId} does not exist`, unknownChannel());
    const body = isRecord(req.json) ? req.json : {};
    const errors = req.bodyErrors();
    if (info.kind === 'forum') {
      if (!isRecord(body['message'])) errors.add(['message'], 'BASE_TYPE_REQUIRED', 'This field is required');
      else validateMessageBody(errors, ['message'], body['message']);
      const spec = info.world!.extraChannels.find((c) => c.id === channelId)!;
      const tags = Array.isArray(body['applied_tags']) ? (body['applied_tags'] as unknown[]).map(String) : [];
      tags.forEach((tag, i) => {
        if (!spec.tags.some((t) => t.id === tag)) errors.add(['applied_tags', i], 'FORUM_TAG_UNKNOWN', 'Unknown tag');
      });
      if (!errors.empty) return this.refuse(req, 'invalid-form-body', errors.summary(), { status: 400, body: errors.toBody() });
      const message = body['message'] as Record<string, unknown>;
      if (isEmptyMessage(message, req.files.length)) {
        return this.refuse(
          req,
          'empty-message',
          "the post's message is empty",
          error(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'),
        );
      }
      const { thread, message: starter } = this.openForumPost(
        info.world!,
        spec,
        this.host.botUser,
        String(body['name']),
        message,
        tags,
        [],
        req,
      );
      return { status: 201, body: { ...thread, message: starter } };
    }
    if (info.kind !== 'text') {
      return this.refuse(
        req,
        'cannot-send-here',
        'threads are created in text channels and forums',
        error(400, RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType, 'Cannot execute action on this channel type'),
      );
    }
    if (!errors.empty) return this.refuse(req, 'invalid-form-body', errors.summary(), { status: 400, body: errors.toBody() });
    if (body['type'] === ChannelType.PrivateThread) {
      return this.refuse(
        req,
        'cannot-send-here',
        'private threads are not modelled by the fake',
        error(400, RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType, 'Cannot execute action on this channel type'),
      );
    }
    const thread = this.addThread(
      info.world!,
      channelId,
      snowflake(),
      String(body['name']),
      this.host.botUser.id,
      body['auto_archive_duration'],
      [],
    );
    return { status: 201, body: thread };
  }

  // -------------------------------------------------------------------------
  // Building

  private authorOf(given: Partial<APIUser> | undefined, kind: 'member' | 'bot' | 'webhook'): APIUser {
    if (kind === 'webhook') {
      return { ...makeUser(given?.id ?? snowflake(), given?.username ?? 'Captain Hook', { bot: true }), discriminator: '0000', ...given };
    }
    if (kind === 'bot') return makeUser(given?.id ?? snowflake(), given?.username ?? 'otherbot', { ...given, bot: true });
    return makeUser(given?.id ?? DEFAULT_AUTHOR_ID, given?.username ?? 'tester', given);
  }

  /** A new message of someone other than the bot, with its mentions. */
  private authored(channelId: string, author: APIUser, content: string, embeds: APIEmbed[] | undefined, webhookId?: string): APIMessage {
    const message = userMessage({
      id: snowflake(),
      channelId,
      author,
      content,
      embeds: normalizeEmbeds(embeds ?? []),
      ...(webhookId ? { webhookId } : {}),
    });
    message.mentions = this.mentionsIn(content);
    this.position(message);
    return message;
  }

  private botMessage(channelId: string, body: Record<string, unknown>, files: UploadedFile[]): APIMessage {
    const now = Date.now();
    const flags = typeof body['flags'] === 'number' ? body['flags'] : 0;
    const content = typeof body['content'] === 'string' ? body['content'] : '';
    const message: APIMessage = {
      ...userMessage({ id: snowflake(now), channelId, author: this.host.botUser, content, at: now }),
      embeds: normalizeEmbeds(body['embeds']),
      components: numberComponents(body['components']),
      attachments: this.host.attachmentsFor(channelId, files, body, now),
      tts: body['tts'] === true,
      // A channel message cannot be ephemeral; these are the flags a bot may set on one.
      flags: flags & (MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2),
      mentions: this.mentionsIn(content),
      ...(body['nonce'] !== undefined ? { nonce: body['nonce'] as string } : {}),
      ...(isRecord(body['poll']) ? { poll: body['poll'] as unknown as NonNullable<APIMessage['poll']> } : {}),
    };
    this.position(message);
    return message;
  }

  /** Makes a message a reply (type REPLY, with a reference to the message and a copy of it). */
  private makeReply(message: APIMessage, reference: APIMessage, info: ChannelInfo): void {
    message.type = MessageType.Reply;
    message.message_reference = {
      type: MessageReferenceType.Default,
      message_id: reference.id,
      channel_id: reference.channel_id,
      ...(info.world ? { guild_id: info.world.guildId } : {}),
    };
    message.referenced_message = structuredClone(reference);
  }

  /** Messages in threads carry their position in the thread. */
  private position(message: APIMessage): void {
    const thread = this.threads.get(message.channel_id);
    if (thread) message.position = thread.total_message_sent ?? 0;
  }

  /** `<@id>` and `<@!id>` in content: the users mentioned. */
  private mentionsIn(content: string): APIUser[] {
    const ids = [...new Set([...content.matchAll(/<@!?(\d{15,21})>/g)].map((m) => m[1]!))];
    return ids.map((id) => (id === this.host.botUser.id ? this.host.botUser : makeUser(id, `user${id.slice(-4)}`)));
  }

  private threadFromMessage(
    message: APIMessage,
    name: string,
    creator: APIUser,
    autoArchiveDuration: unknown,
  ): { thread: APIThreadChannel } | { error: HttpResult; rule: ChannelViolation; why: string } {
    const info = this.channel(message.channel_id);
    if (info?.kind !== 'text') {
      return {
        error: error(400, RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType, 'Cannot execute action on this channel type'),
        rule: 'cannot-send-here',
        why: 'threads start from messages of text channels',
      };
    }
    if (this.threads.has(message.id)) {
      return {
        error: error(400, RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage, 'A thread has already been created for this message'),
        rule: 'thread-exists',
        why: `message ${message.id} already has a thread`,
      };
    }
    // The thread has the message's id; the message learns it has a thread; the thread opens with a starter message.
    const thread = this.addThread(info.world!, message.channel_id, message.id, name, creator.id, autoArchiveDuration, []);
    const updated = { ...structuredClone(message), flags: ((message.flags ?? 0) | MessageFlags.HasThread) as MessageFlags, thread };
    this.host.messages.set(message.id, updated);
    const starter: APIMessage = {
      ...userMessage({ id: snowflake(), channelId: thread.id, author: creator, content: '' }),
      type: MessageType.ThreadStarterMessage,
      message_reference: {
        type: MessageReferenceType.Default,
        message_id: message.id,
        channel_id: message.channel_id,
        guild_id: info.world!.guildId,
      },
      referenced_message: structuredClone(updated),
    };
    this.record(starter, 'create');
    return { thread };
  }

  private openForumPost(
    world: World,
    forum: ChannelSpec,
    author: APIUser,
    title: string,
    message: Record<string, unknown>,
    tags: string[],
    roles: string[],
    req?: ParsedRequest,
  ): { thread: APIThreadChannel; message: APIMessage } {
    const id = snowflake();
    this.addThread(world, forum.id, id, title, author.id, undefined, tags);
    this.lastMessage.set(forum.id, id);
    // The starter message has the thread's id, in the thread.
    const starter =
      author.id === this.host.botUser.id
        ? { ...this.botMessage(id, message, req?.files ?? []), id }
        : {
            ...this.authored(
              id,
              author,
              typeof message['content'] === 'string' ? message['content'] : '',
              message['embeds'] as APIEmbed[] | undefined,
            ),
            id,
          };
    delete starter.position;
    this.record(starter, 'create', {
      roles,
      via: 'channel',
      ...(req ? { body: req.json } : {}),
      ...(isRecord(message['allowed_mentions']) ? { allowedMentions: message['allowed_mentions'] } : {}),
    });
    return { thread: this.threadJson(this.threads.get(id)!), message: structuredClone(starter) };
  }

  private addThread(
    world: World,
    parentId: string,
    id: string,
    name: string,
    ownerId: string,
    autoArchiveDuration: unknown,
    tags: string[],
  ): APIThreadChannel {
    const thread = threadChannel({
      id,
      world,
      parentId,
      ownerId,
      name,
      ...(typeof autoArchiveDuration === 'number' ? { autoArchiveDuration } : {}),
      appliedTags: tags,
    });
    this.threads.set(id, { ...thread, _world: world.guildId });
    const json = this.threadJson(this.threads.get(id)!);
    for (const session of this.host.gateway.sessionsFor(world.guildId)) {
      if (session.intents & GatewayIntentBits.Guilds) {
        this.host.gateway.dispatch(session, GatewayDispatchEvents.ThreadCreate, { ...json, newly_created: true });
      }
    }
    return json;
  }

  private threadJson(thread: APIThreadChannel & { _world: string }): APIThreadChannel {
    const { _world, ...json } = thread;
    return structuredClone(json);
  }

  private withLast<T extends APIChannel>(json: T): T {
    const last = this.lastMessage.get(json.id);
    return last === undefined ? json : { ...json, last_message_id: last };
  }

  /**
   * A message as someone with these intents sees it: without MESSAGE_CONTENT, the content fields are
   * empty unless the bot wrote it, it is a DM, or it mentions the bot.
   */
  private visible(message: APIMessage, intents: number): APIMessage {
    const copy = structuredClone(message);
    const exempt =
      message.author.id === this.host.botUser.id ||
      this.host.dmRecipient(message.channel_id) !== undefined ||
      message.mentions.some((u) => u.id === this.host.botUser.id) ||
      (intents & CONTENT_INTENT) !== 0;
    if (exempt) return copy;
    copy.content = '';
    copy.embeds = [];
    copy.attachments = [];
    copy.components = [];
    delete copy.poll;
    return copy;
  }

  /** MESSAGE_CREATE / UPDATE / DELETE to the sessions that get it, as each may see it. */
  private emit(message: APIMessage, event: 'create' | 'update' | 'delete'): void {
    const info = this.channel(message.channel_id);
    const world = info?.world;
    const intent = world ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
    const t =
      event === 'create'
        ? GatewayDispatchEvents.MessageCreate
        : event === 'update'
          ? GatewayDispatchEvents.MessageUpdate
          : GatewayDispatchEvents.MessageDelete;
    const member = world && !message.webhook_id ? this.memberOf(message, world) : undefined;
    for (const session of this.host.gateway.sessionsFor(world?.guildId)) {
      if ((session.intents & intent) === 0) continue;
      const d =
        event === 'delete'
          ? { id: message.id, channel_id: message.channel_id, ...(world ? { guild_id: world.guildId } : {}) }
          : {
              ...this.visible(message, session.intents),
              // Discord tells which kind of channel the message is in (clients may not have it cached: DMs).
              ...(info ? { channel_type: info.json.type } : {}),
              ...(world ? { guild_id: world.guildId } : {}),
              ...(member ? { member } : {}),
            };
      this.host.gateway.dispatch(session, t, d);
    }
  }

  /** The partial member of MESSAGE_CREATE (no user: it is the author). */
  private memberOf(message: APIMessage, world: World): Record<string, unknown> {
    const roles = message.author.id === this.host.botUser.id ? [world.botRoleId] : (this.authorRoles.get(message.id) ?? []);
    return {
      roles,
      joined_at: discordTimestamp(world.guildCreatedAt + 60_000),
      nick: null,
      avatar: null,
      banner: null,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
    };
  }
}

/** Messages Discord writes (e.g. a thread's THREAD_STARTER_MESSAGE), whoever they are credited to. */
function isSystemMessage(message: APIMessage): boolean {
  const written: readonly MessageType[] = [
    MessageType.Default,
    MessageType.Reply,
    MessageType.ChatInputCommand,
    MessageType.ContextMenuCommand,
  ];
  return !written.includes(message.type);
}

function unknownChannel(): HttpResult {
  return error(404, RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel');
}
