/**
 * Builders for the JSON payloads the fake Discord server sends: users, the
 * guild, READY / GUILD_CREATE, interactions and the messages the bot creates.
 * They are typed with `discord-api-types/v10` so their shape follows Discord's
 * real payloads, which is what lets the real discord.js construct its classes
 * from them.
 */
import { randomBytes } from 'node:crypto';
import {
  ApplicationIntegrationType,
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  MessageType,
  PermissionFlagsBits,
} from 'discord-api-types/v10';
import type {
  ApplicationFlags,
  ChannelFlags,
  GuildMemberFlags,
  RoleFlags,
  UserFlags,
  APIApplication,
  APIGuildChannel,
  GuildChannelType,
  APIThreadChannel,
  APIEmbed,
  APIMessage,
  MessageFlags,
  APIGuildMember,
  APIInteractionGuildMember,
  APIRole,
  APITextChannel,
  APIUser,
  GatewayGuildCreateDispatchData,
} from 'discord-api-types/v10';

const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflakeIncrement = 0n;

/**
 * A fresh snowflake for `at` (default now): timestamp, a fixed worker/process,
 * and a 12-bit increment, so ids sort by creation time like Discord's.
 */
export function snowflake(at: number = Date.now()): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

/** An interaction token shaped like Discord's (base64url of `interaction:<id>:<random>`). */
export function interactionToken(interactionId: string): string {
  return Buffer.from(`interaction:${interactionId}:${randomBytes(48).toString('base64url')}`).toString('base64url');
}

/** ISO timestamp with microseconds and offset, the way Discord formats them. */
export function discordTimestamp(at: number = Date.now()): string {
  return new Date(at).toISOString().replace('Z', '000+00:00');
}

/**
 * What @everyone may do in a freshly created guild, roughly Discord's default:
 * read and send messages, use application commands, embed links, etc.
 */
export const DEFAULT_MEMBER_PERMISSIONS: bigint =
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.Stream |
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.MentionEveryone |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak |
  PermissionFlagsBits.UseVAD |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.RequestToSpeak |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.CreatePrivateThreads |
  PermissionFlagsBits.UseExternalStickers |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.UseEmbeddedActivities |
  PermissionFlagsBits.SendVoiceMessages |
  PermissionFlagsBits.SendPolls |
  PermissionFlagsBits.UseExternalApps;

/** Every permission bit, i.e. what the guild owner and administrators have. */
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** A user object as Discord sends it (new-style username, discriminator "0"). */
export function makeUser(id: string, username: string, extra: Partial<APIUser> = {}): APIUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: extra.bot ? null : username.charAt(0).toUpperCase() + username.slice(1),
    avatar: null,
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    collectibles: null,
    primary_guild: null,
    ...extra,
  };
}

/** The fake's world: one application (whose bot user is a member of one guild with one text channel). */
export interface World {
  applicationId: string;
  botUser: APIUser;
  guildId: string;
  guildName: string;
  ownerId: string;
  channelId: string;
  channelName: string;
  /** The managed role Discord gives a bot when it joins a guild. */
  botRoleId: string;
  /** Further roles of the guild (e.g. a moderator role), with their permissions (a decimal bit set). */
  extraRoles: Array<{ id: string; name: string; permissions: string }>;
  /** The @everyone role's permissions (a decimal bit set). */
  everyonePermissions: string;
  /** The bot's managed role's permissions (a decimal bit set). */
  botRolePermissions: string;
  /** Channels besides the first text channel: text channels and forums. */
  extraChannels: ChannelSpec[];
  guildCreatedAt: number;
}

/** A guild channel of the fake's world (besides the first text channel, which the World names). */
export interface ChannelSpec {
  id: string;
  name: string;
  type: ChannelType.GuildText | ChannelType.GuildForum;
  topic: string | null;
  /** A forum's tags (`available_tags`). */
  tags: Array<{ id: string; name: string }>;
  position: number;
}

export function everyoneRole(world: World): APIRole {
  return {
    id: world.guildId,
    name: '@everyone',
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 0,
    permissions: world.everyonePermissions,
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

function botRole(world: World): APIRole {
  return {
    ...everyoneRole(world),
    id: world.botRoleId,
    name: world.botUser.username,
    position: 1,
    permissions: world.botRolePermissions,
    managed: true,
    tags: { bot_id: world.botUser.id },
  };
}

export function textChannel(world: World): APITextChannel {
  return {
    id: world.channelId,
    type: ChannelType.GuildText,
    guild_id: world.guildId,
    name: world.channelName,
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    last_pin_timestamp: null,
    rate_limit_per_user: 0,
    flags: 0 as ChannelFlags,
  };
}

/** A guild channel as Discord sends it: a text channel, or a forum (type 15) with its tags. */
export function guildChannel(world: World, spec: ChannelSpec): APIGuildChannel<GuildChannelType> {
  const base = {
    id: spec.id,
    guild_id: world.guildId,
    name: spec.name,
    position: spec.position,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: spec.topic,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0 as ChannelFlags,
  };
  if (spec.type === ChannelType.GuildText) {
    return { ...base, type: ChannelType.GuildText, last_pin_timestamp: null } as APIGuildChannel<GuildChannelType>;
  }
  return {
    ...base,
    type: ChannelType.GuildForum,
    available_tags: spec.tags.map((t) => ({ id: t.id, name: t.name, moderated: false, emoji_id: null, emoji_name: null })),
    default_reaction_emoji: null,
    default_thread_rate_limit_per_user: 0,
    default_auto_archive_duration: 4320,
    default_sort_order: null,
    default_forum_layout: 0,
    default_tag_setting: 'match_some',
  } as unknown as APIGuildChannel<GuildChannelType>;
}

/** A public thread (type 11) as Discord sends it, e.g. in THREAD_CREATE. */
export function threadChannel(init: {
  id: string;
  world: World;
  parentId: string;
  ownerId: string;
  name: string;
  autoArchiveDuration?: number;
  appliedTags?: string[];
  at?: number;
}): APIThreadChannel {
  const at = discordTimestamp(init.at ?? Date.now());
  return {
    id: init.id,
    type: ChannelType.PublicThread,
    guild_id: init.world.guildId,
    parent_id: init.parentId,
    owner_id: init.ownerId,
    name: init.name,
    last_message_id: null,
    last_pin_timestamp: null,
    rate_limit_per_user: 0,
    flags: 0 as ChannelFlags,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: init.autoArchiveDuration ?? 4320,
      archive_timestamp: at,
      locked: false,
      create_timestamp: at,
    },
    applied_tags: init.appliedTags ?? [],
  };
}

/** The bot's own member object: Discord includes it in GUILD_CREATE. */
function botMember(world: World): APIGuildMember {
  return guildMember(world.botUser, [world.botRoleId], world.guildCreatedAt + 1000);
}

/** A guild member as Discord sends it (no nickname, avatar, timeout or flags). */
function guildMember(user: APIUser, roles: string[], joinedAt: number): APIGuildMember & { user: APIUser } {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: discordTimestamp(joinedAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

/** The permissions of the bot's managed role unless a test gives others: a member's, and Manage Messages. */
export const DEFAULT_BOT_PERMISSIONS: bigint = DEFAULT_MEMBER_PERMISSIONS | PermissionFlagsBits.ManageMessages;

/** The bot's permissions in a channel (`app_permissions` of interactions): @everyone's and its role's (no overwrites are modelled). */
export function appPermissions(world: World): string {
  return (BigInt(world.everyonePermissions) | BigInt(world.botRolePermissions)).toString();
}

/** The GUILD_CREATE payload: a full guild, available, with the bot as member, its channels and its active threads. */
export function guildCreate(world: World, threads: APIThreadChannel[] = []): GatewayGuildCreateDispatchData {
  return {
    id: world.guildId,
    name: world.guildName,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: world.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [
      everyoneRole(world),
      botRole(world),
      ...world.extraRoles.map((r, i) => ({ ...everyoneRole(world), id: r.id, name: r.name, position: i + 2, permissions: r.permissions })),
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: world.channelId,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotificationReplies,
    rules_channel_id: null,
    max_presences: null,
    max_members: 500_000,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: discordTimestamp(world.guildCreatedAt + 1000),
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [botMember(world)],
    channels: [textChannel(world), ...world.extraChannels.map((c) => guildChannel(world, c))] as GatewayGuildCreateDispatchData['channels'],
    threads,
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** `GET /guilds/{guild_id}`: the guild without the gateway-only fields of GUILD_CREATE, with those only REST has. */
export function restGuild(world: World): Record<string, unknown> {
  const { members: _m, channels: _c, threads: _t, presences: _p, voice_states: _v, ...guild } = guildCreate(world);
  // `region` is deprecated and answered as "deprecated"; `home_header` and `nsfw` are in Discord's GuildWithCountsResponse.
  return { ...guild, home_header: null, region: 'deprecated', nsfw: false };
}

/** `GET /users/@me` for the bot: its user with the private fields Discord adds for the account's owner. */
export function currentUser(botUser: APIUser): APIUser {
  return { ...botUser, verified: true, mfa_enabled: false, locale: Locale.EnglishUS, email: null };
}

/** `GET /applications/@me`. */
export function application(world: World): APIApplication {
  // Fields of Discord's PrivateApplicationResponse that discord-api-types does not list.
  const more: Record<string, unknown> = {
    type: null,
    role_connections_verification_url: null,
    approximate_user_install_count: 0,
    approximate_user_authorization_count: 0,
    explicit_content_filter: 0,
    eligible_oauth2_scopes: [],
  };
  return {
    ...more,
    id: world.applicationId,
    name: world.botUser.username,
    icon: null,
    description: '',
    summary: '',
    bot_public: false,
    bot_require_code_grant: false,
    bot: world.botUser,
    verify_key: '0'.repeat(64),
    team: null,
    owner: makeUser(world.ownerId, 'owner'),
    flags: 0 as ApplicationFlags,
    flags_new: '0',
    approximate_guild_count: 1,
    redirect_uris: [],
    interactions_endpoint_url: null,
    integration_types_config: {
      [ApplicationIntegrationType.GuildInstall]: {},
    },
  };
}

/** A message a member (or another bot, or a webhook) wrote, as Discord stores it (type DEFAULT). */
export function userMessage(init: {
  id: string;
  channelId: string;
  author: APIUser;
  content: string;
  embeds?: APIEmbed[];
  at?: number;
  webhookId?: string;
}): APIMessage {
  return {
    id: init.id,
    channel_id: init.channelId,
    author: init.author,
    content: init.content,
    timestamp: discordTimestamp(init.at ?? Date.now()),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: init.embeds ?? [],
    pinned: false,
    type: MessageType.Default,
    flags: 0 as MessageFlags,
    components: [],
    ...(init.webhookId ? { webhook_id: init.webhookId } : {}),
  };
}

/** The member object of an interaction (user + roles + computed permissions). */
export function interactionMember(world: World, user: APIUser, roles: string[], permissions: bigint): APIInteractionGuildMember {
  return { ...guildMember(user, roles, world.guildCreatedAt + 60_000), permissions: permissions.toString() };
}
