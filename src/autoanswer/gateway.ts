/**
 * The gateway intents auto-answers need, and changing them on a running
 * client. Reading messages takes GUILD_MESSAGES and the privileged
 * MESSAGE_CONTENT intent, which a bot owner must switch on in the Developer
 * Portal (and, for a bot in 100 servers or more, Discord must approve); the
 * bot asks for them only while auto-answers are wanted. Discord refuses a
 * privileged intent that is not enabled by closing the gateway with 4014
 * ("Disallowed intents"), and discord.js then gives up on the connection;
 * {@link connectWithIntents} catches that and connects again with the
 * Guilds intent alone, so slash commands keep working.
 *
 * discord.js has no public way to change a logged-in client's intents: they
 * are read from `client.options.intents` when its internal gateway manager
 * (`client.ws._ws`, @discordjs/ws) is created at the first login. So this
 * module sets both and reconnects that manager (a fresh IDENTIFY, after
 * Discord's 5-second identify spacing); the client, its caches and its
 * listeners stay as they are. The end-to-end tests go through this path
 * against the loopback Discord, so a discord.js change that breaks it fails them.
 */
import { GatewayIntentBits, IntentsBitField, type Client } from 'discord.js';

/** What the bot needs without auto-answers: interactions (and the guilds and channels they happen in). */
export const BASE_INTENTS: number = GatewayIntentBits.Guilds;

/** What auto-answers add: messages in servers, with their content. */
export const AUTO_ANSWER_INTENTS: number = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent;

/** discord.js's internal gateway manager, as far as this module uses it. */
interface GatewayManager {
  options: { intents: number };
  destroy(options: { code: number; reason: string }): Promise<void>;
  connect(): Promise<void>;
}

function gatewayOf(client: Client): GatewayManager {
  const manager = (client.ws as unknown as { _ws?: GatewayManager | null })._ws;
  if (!manager || typeof manager.connect !== 'function' || typeof manager.options?.intents !== 'number')
    throw new Error('this discord.js version keeps its gateway manager elsewhere: intents cannot be changed without a restart');
  return manager;
}

/** Whether an error is discord.js giving up after Discord refused the intents (close code 4014). */
export function isDisallowedIntents(err: unknown): boolean {
  return err instanceof Error && /disallowed intents/i.test(err.message);
}

/** The client's intents now (bits). */
export function intentsOf(client: Client): number {
  return Number(client.options.intents.bitfield);
}

/**
 * Reconnects a logged-in client with `intents`. Resolves `'connected'`, or
 * `'refused'` when Discord refused them (4014), having connected again with
 * {@link BASE_INTENTS}. Other failures reject.
 */
export async function connectWithIntents(client: Client, intents: number): Promise<'connected' | 'refused'> {
  try {
    await reconnect(client, intents);
    return 'connected';
  } catch (err) {
    if (!isDisallowedIntents(err) || intents === BASE_INTENTS) throw err;
    await reconnect(client, BASE_INTENTS);
    return 'refused';
  }
}

async function reconnect(client: Client, intents: number): Promise<void> {
  const gateway = gatewayOf(client);
  client.options.intents = new IntentsBitField(intents);
  gateway.options.intents = intents;
  await gateway.destroy({ code: 1000, reason: 'changing intents' });
  await gateway.connect();
}
