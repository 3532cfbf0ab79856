/**
 * Auto-answers hooked to the bot's client: called once by `startBot`
 * (src/bot/run.ts) with the client it created, before login.
 */
import { Events, type Client } from 'discord.js';
import type { Settings } from '../config.ts';
import type { AnswerEngine } from '../engine/types.ts';
import { AUTO_ANSWER_PERMISSIONS, REQUESTED_PERMISSIONS, type RequestedPermission } from '../bot/invite.ts';
import { log } from '../log.ts';
import type { QuestionRecord } from '../record/questions.ts';
import { AutoAnswers } from './control.ts';
import { AutoResponder } from './responder.ts';

/**
 * Opens the channel settings, listens for new messages, and once the client
 * is ready connects with the message intents if a channel (or
 * `AUTOANSWER=on`) wants them.
 */
export function setUpAutoAnswers(
  client: Client,
  settings: Pick<Settings, 'autoAnswer' | 'dataDir'>,
  services: { engine: AnswerEngine; record?: QuestionRecord | undefined },
): AutoAnswers {
  const autoAnswers = new AutoAnswers({ settings: settings.autoAnswer, dataDir: settings.dataDir, log });
  if (autoAnswers.mode === 'off') return autoAnswers;
  const responder = new AutoResponder({ ...services, autoAnswers, log });
  client.on(Events.MessageCreate, (message) => void responder.onMessage(message));
  client.once(Events.ClientReady, (ready) => void autoAnswers.attach(ready));
  return autoAnswers;
}

/** The permissions the invite link asks for: auto-answers' too while they are on (a channel enabled, or `AUTOANSWER=on`). */
export function invitePermissions(autoAnswers: AutoAnswers, withAutoAnswers = autoAnswers.wanted): readonly RequestedPermission[] {
  return withAutoAnswers ? [...REQUESTED_PERMISSIONS, ...AUTO_ANSWER_PERMISSIONS] : REQUESTED_PERMISSIONS;
}
