/**
 * An auto-answer as Discord shows it: the quotes, citations, Source and More
 * buttons of `/ask`, and one row of feedback: **Helpful** (a vote, when
 * recording is on), **Not helpful** (removes the reply when the member who
 * asked clicks it; a vote from anyone else) and **Ask again with /ask**.
 * Also the replies of `/config`.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { AutoAnswerStatus } from '../autoanswer/control.ts';
import type { ChannelSetting } from '../autoanswer/channelSettings.ts';
import type { Reply } from '../interaction/types.ts';
import type { Answer } from '../search/answer.ts';
import { customId, renderAnswerReply, truncate, voteButtons } from './discord.ts';

/** Options of {@link renderAutoAnswerReply}. */
export interface AutoAnswerReplyOptions {
  top: number;
  /** The member who asked: only they may remove the reply. */
  authorId: string;
  /** The recorded answer's id, when recording is on: adds **Helpful** and makes **Not helpful** a vote too. */
  answerId?: string | undefined;
}

/**
 * Custom ids: `config:dismiss:<author id>[:<answer id>]` (Not helpful) and
 * `config:reask` (Ask again with /ask); `/config` handles them.
 */
export function renderAutoAnswerReply(answer: Answer, options: AutoAnswerReplyOptions): Reply {
  const reply = renderAnswerReply(answer, { top: options.top, ...(options.answerId && { feedback: { answerId: options.answerId } }) });
  const rows = (reply.components ?? []).filter(
    (row) => !row.components.some((b) => 'custom_id' in b && b.custom_id.startsWith('ask:vote:')),
  );
  const helpful = options.answerId ? voteButtons(options.answerId).slice(0, 1) : [];
  const dismiss = options.answerId
    ? customId('config', 'dismiss', options.authorId, options.answerId)
    : customId('config', 'dismiss', options.authorId);
  const feedback: APIActionRowComponent<APIButtonComponent> = {
    type: ComponentType.ActionRow,
    components: [
      ...helpful,
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Not helpful', custom_id: dismiss },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Ask again with /ask', custom_id: customId('config', 'reask') },
    ],
  };
  return { ...reply, components: [...rows, feedback], ephemeral: false };
}

/** The name of the thread started on a question in a text channel (Discord allows 100 characters). */
export function threadName(question: string): string {
  return truncate(question.replace(/\s+/g, ' ').trim(), 90) || 'Answer';
}

/** A line per enabled channel, for `/config show`. */
export function renderChannelList(settings: readonly ChannelSetting[]): string[] {
  return settings.map(
    (s) =>
      `• <#${s.channelId}> (${s.kind === 'forum' ? 'forum: new posts' : 'text channel: questions, answered in a thread'})` +
      (s.minConfidence === undefined ? '' : ` · min confidence ${s.minConfidence}`),
  );
}

/** Why auto-answers are not running, in a sentence for moderators; `undefined` when they are. */
export function autoAnswerProblem(status: AutoAnswerStatus): string | undefined {
  if (status.mode === 'off') return 'Auto-answers are turned off by the bot’s operator (`AUTOANSWER=off`).';
  if (!status.settingsAvailable)
    return `Channel settings cannot be kept: the bot’s data folder is not writable (${status.settingsProblem ?? 'see its log'}).`;
  if (status.intents === 'refused')
    return (
      'Auto-answers are off: Discord refused the **Message Content** intent, so the bot cannot read questions. ' +
      'The bot’s owner must turn on _Message Content Intent_ in the Developer Portal (Bot page, Privileged Gateway Intents); ' +
      'then enable a channel again here, or restart the bot. Slash commands keep working meanwhile.'
    );
  if (status.intents === 'connecting') return 'The bot is reconnecting to Discord to read messages; auto-answers start in a few seconds.';
  if (status.intents === 'off' && status.wanted) return 'The bot is not connected with the message intents yet.';
  return undefined;
}
