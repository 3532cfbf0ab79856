/**
 * Reading the bot's replies in end-to-end tests: waiting for the message
 * that ends an interaction, and the parts of it tests look at.
 */
import { InteractionResponseType, type APIEmbed } from 'discord.js';
import { expect } from 'vitest';
import type { BotResponse, InjectedInteraction, WaitOptions } from './fakeDiscord.ts';

/** A button of a reply, as tests read it. */
export interface ReplyButton {
  label?: string;
  custom_id?: string;
  disabled?: boolean;
}

/** Whether a response ends its interaction: a reply, or the edit or follow-up that fills a deferred one. */
export function isFinalReply(r: BotResponse): boolean {
  return (
    r.kind === 'edit' ||
    r.kind === 'followup' ||
    (r.kind === 'callback' && r.callbackType !== InteractionResponseType.DeferredChannelMessageWithSource)
  );
}

/** The bot's final message for an interaction, accepted by the loopback Discord, with no rule of Discord's broken on the way. */
export async function finalReply(interaction: InjectedInteraction, options: WaitOptions = {}): Promise<BotResponse> {
  const r = await interaction.waitFor((r) => r.ok && isFinalReply(r), { description: 'a final reply', ...options });
  expect(interaction.violations).toEqual([]);
  return r;
}

/** A reply's first embed (empty when it has none). */
export const firstEmbed = (r: BotResponse): APIEmbed => r.data?.embeds?.[0] ?? {};

/** Every button of a reply, row after row. */
export const replyButtons = (r: BotResponse): ReplyButton[] =>
  ((r.data?.components ?? []) as Array<{ components: ReplyButton[] }>).flatMap((row) => row.components);
