/**
 * The invite link the bot prints at login: exactly the scopes and
 * permissions its features need, and no Administrator.
 *
 * Scopes: `bot` (to be in the server) and `applications.commands` (slash
 * commands and the message command). Slash commands, buttons, autocomplete
 * and context-menu commands are answered through the interaction's own
 * webhook, which needs no channel permission at all, so the list below is
 * empty until a feature posts in channels by itself.
 * https://discord.com/developers/docs/topics/oauth2#bot-authorization-flow
 */
import { PermissionFlagsBits } from 'discord.js';

/** A permission the bot asks for, and why: each entry is a feature that needs it. */
export interface RequestedPermission {
  flag: bigint;
  /** As Discord's settings name it. */
  name: string;
  reason: string;
}

/** The permissions the bot needs in a server (none: every reply goes through an interaction). */
export const REQUESTED_PERMISSIONS: readonly RequestedPermission[] = [];

/**
 * What auto-answers (issue 15) add: they are posted by the bot itself, not
 * through an interaction, in a forum post's thread or in a thread the bot
 * starts on a question in a text channel.
 */
export const AUTO_ANSWER_PERMISSIONS: readonly RequestedPermission[] = [
  {
    flag: PermissionFlagsBits.CreatePublicThreads,
    name: 'Create Public Threads',
    reason: 'auto-answers in text channels: a thread on the question',
  },
  {
    flag: PermissionFlagsBits.SendMessagesInThreads,
    name: 'Send Messages in Threads',
    reason: 'auto-answers: the reply in the thread or forum post',
  },
  {
    flag: PermissionFlagsBits.ReadMessageHistory,
    name: 'Read Message History',
    reason: 'auto-answers: start a thread on a message, reply to a post',
  },
];

/** The OAuth2 URL that adds application `clientId` to a server with {@link REQUESTED_PERMISSIONS}. */
export function inviteUrl(clientId: string, permissions: readonly RequestedPermission[] = REQUESTED_PERMISSIONS): string {
  const bits = permissions.reduce((all, p) => all | p.flag, 0n);
  if (bits & PermissionFlagsBits.Administrator) throw new Error('the bot never asks for Administrator');
  const query = new URLSearchParams({ client_id: clientId, scope: 'bot applications.commands', permissions: bits.toString() });
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}
