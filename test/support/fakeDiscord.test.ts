/**
 * The fake Discord, driven by the real discord.js Client: if discord.js can log
 * in, register commands, receive interactions and answer them here, the bot's
 * end-to-end tests exercise the same code paths as against Discord; and where
 * Discord would refuse the bot, the fake refuses it the same way.
 */
import { once } from 'node:events';
import { get as httpGet } from 'node:http';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  DiscordAPIError,
  DiscordjsErrorCodes,
  Events,
  GatewayIntentBits,
  InteractionContextType,
  MessageFlags,
  MessageType,
  ModalBuilder,
  Partials,
  PermissionFlagsBits,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { APIMessage, ApplicationCommandDataResolvable, Interaction } from 'discord.js';
import { FAKE_CHANNEL_ID, FAKE_OWNER_ID, FAKE_USER_ID, guildIdOnShard, pingsNobody, shardOf, startFakeDiscord } from './fakeDiscord.ts';
import type { CommandGrant, FakeDiscord, FakeDiscordOptions, InjectedInteraction, SlashCommandInit } from './fakeDiscord.ts';

type InvokerInitForTest = Omit<SlashCommandInit, 'name'>;
import { findOperation, responseProblems } from './fakeDiscordSchemas.ts';

let fake: FakeDiscord | undefined;
const clients: Client[] = [];

/** Every reply the fake sent that does not follow the response schema of Discord's API description. */
function responseSchemaProblems(f: FakeDiscord): string[] {
  return f.requests.flatMap((r) => {
    const path = decodeURIComponent(r.path.replace(/^\/api\/v10/, ''));
    // A route Discord does not have gets a 404, which the description cannot describe.
    if (!findOperation(r.method, path))
      return r.status === 404 ? [] : [`${r.method} ${r.path}: answered ${r.status} on a route Discord does not have`];
    return responseProblems(r.method, path, r.status, r.response).map((p) => `${r.method} ${r.path}: ${p}`);
  });
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  const f = fake;
  await fake?.close();
  fake = undefined;
  // Whatever a test did, the fake answered it the way Discord's API description says Discord answers.
  if (f) expect(responseSchemaProblems(f)).toEqual([]);
});

async function start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  fake = await startFakeDiscord(options);
  return fake;
}

function newClient(f: FakeDiscord, intents: GatewayIntentBits[] = [GatewayIntentBits.Guilds]): Client {
  const client = new Client({ intents, rest: { api: f.restBase } });
  clients.push(client);
  return client;
}

async function loggedIn(f: FakeDiscord): Promise<Client<true>> {
  const client = newClient(f);
  const ready = once(client, Events.ClientReady);
  await client.login(f.token);
  await ready;
  return client as Client<true>;
}

/** Runs `handler` on the next interaction the client receives; resolves with what it returns, rejects with what it throws. */
function onNextInteraction<T>(client: Client, handler: (interaction: Interaction) => T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    client.once(Events.InteractionCreate, (interaction) => {
      Promise.resolve()
        .then(() => handler(interaction))
        .then(resolve, reject);
    });
  });
}

/** Runs `handler` on every interaction the client receives (a failure fails the test as an unhandled rejection). */
function onInteraction(client: Client, handler: (interaction: Interaction) => Promise<void>): void {
  client.on(Events.InteractionCreate, (interaction) => void handler(interaction));
}

const ask: ApplicationCommandDataResolvable = {
  name: 'ask',
  description: 'Ask the corpus a question',
  options: [
    { type: ApplicationCommandOptionType.String, name: 'question', description: 'What to ask', required: true, autocomplete: true },
    { type: ApplicationCommandOptionType.Integer, name: 'count', description: 'How many quotes', min_value: 1, max_value: 5 },
  ],
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('logging in', () => {
  it('lets a discord.js client log in and become ready in the fake guild', async () => {
    const f = await start();
    const client = await loggedIn(f);

    expect(client.user.id).toBe(f.botUser.id);
    expect(client.user.bot).toBe(true);
    expect(client.application.id).toBe(f.applicationId);
    const guild = client.guilds.cache.get(f.guild.id);
    expect(guild?.name).toBe(f.guild.name);
    expect(guild?.available).toBe(true);
    expect(guild?.roles.everyone.id).toBe(f.guild.id);
    expect(guild?.channels.cache.get(f.guild.channelId)?.type).toBe(ChannelType.GuildText);
    expect(guild?.members.me?.id).toBe(f.botUser.id);
    expect(f.identifies).toHaveLength(1);
    expect(f.identifies[0]?.intents).toBe(GatewayIntentBits.Guilds);
    expect(f.violations).toEqual([]);
  });

  it('refuses a wrong token with 401, which discord.js reports as an invalid token', async () => {
    const f = await start();
    const client = newClient(f);

    await expect(client.login('MTIz.wrong.token')).rejects.toMatchObject({ code: DiscordjsErrorCodes.TokenInvalid });
    expect(f.requests.at(-1)).toMatchObject({
      path: '/api/v10/gateway/bot',
      status: 401,
      response: { message: '401: Unauthorized', code: 0 },
    });
    expect(f.violations.map((v) => v.rule)).toEqual(['unauthorized']);
  });

  it('closes the gateway with 4014 when the bot asks for a privileged intent the portal does not allow', async () => {
    const f = await start();
    const client = newClient(f, [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent]);

    await expect(client.login(f.token)).rejects.toThrow('Used disallowed intents');
  });

  it('lets a dropped connection resume its session and replays what it missed', async () => {
    const f = await start();
    const client = await loggedIn(f);
    const resumed = once(client, Events.ShardResume);
    const seen = onNextInteraction(client, (i) => (i.isChatInputCommand() ? i.commandName : null));

    f.dropGatewayConnections();
    expect(f.connected).toBe(false);
    f.slashCommand({ name: 'while-disconnected' });

    await resumed;
    await f.waitForSession();
    expect(await seen).toBe('while-disconnected');
    expect(f.identifies).toHaveLength(1);
  });

  it('ends the session when the client is destroyed, so nothing can be injected any more', async () => {
    const f = await start();
    const client = await loggedIn(f);

    await client.destroy();

    // The server sees the socket close a moment after discord.js resolves destroy().
    await vi.waitFor(() => expect(() => f.slashCommand({ name: 'ask' })).toThrow('No bot is connected'));
  });
});

describe('command registration', () => {
  it('stores global and guild commands with ids, keeping ids across re-deploys', async () => {
    const f = await start();
    const client = await loggedIn(f);

    const global = await client.application.commands.set([ask]);
    const guild = client.guilds.cache.get(f.guild.id)!;
    const local = await guild.commands.set([{ name: 'reindex', description: 'Rebuild the index' }]);

    expect([...global.values()].map((c) => c.name)).toEqual(['ask']);
    expect(f.commands().map((c) => [c.id, c.name])).toEqual([[global.first()!.id, 'ask']]);
    expect(f.commands()[0]?.options?.map((o) => o.name)).toEqual(['question', 'count']);
    expect(f.commands(f.guild.id).map((c) => [c.id, c.name, c.guild_id])).toEqual([[local.first()!.id, 'reindex', f.guild.id]]);

    const again = await client.application.commands.set([ask]);
    expect(again.first()!.id).toBe(global.first()!.id);
  });

  it('refuses commands Discord would refuse, with 400 Invalid Form Body naming each field', async () => {
    const f = await start();
    const client = await loggedIn(f);

    const error = await client.application.commands
      .set([
        { name: 'Ask', description: 'Uppercase names are invalid' },
        { name: 'long', description: 'x'.repeat(101) },
        {
          name: 'many',
          description: 'Too many options',
          options: Array.from({ length: 26 }, (_, i) => ({ type: ApplicationCommandOptionType.String, name: `o${i}`, description: 'd' })),
        },
      ])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 400, code: 50035 });
    const message = (error as DiscordAPIError).message;
    expect(message).toContain('0.name[APPLICATION_COMMAND_INVALID_NAME]');
    expect(message).toContain('1.description[BASE_TYPE_BAD_LENGTH]');
    expect(message).toContain('2.options[BASE_TYPE_MAX_LENGTH]');
    expect(f.commands()).toEqual([]);
    expect(f.violations.map((v) => v.rule)).toEqual(['invalid-command']);
  });

  it('refuses more than 100 global chat-input commands with 30032', async () => {
    const f = await start();
    const client = await loggedIn(f);
    const commands = Array.from({ length: 101 }, (_, i) => ({ name: `c${i}`, description: 'd' }));

    await expect(client.application.commands.set(commands)).rejects.toMatchObject({ status: 400, code: 30032 });
  });
});

describe('slash commands', () => {
  it('arrive as ChatInputCommandInteractions whose options discord.js can read', async () => {
    const f = await start();
    const client = await loggedIn(f);
    const [registered] = [...(await client.application.commands.set([ask])).values()];

    const seen = onNextInteraction(client, (i) => {
      if (!i.isChatInputCommand()) throw new Error(`unexpected ${i.type}`);
      return {
        commandId: i.commandId,
        name: i.commandName,
        question: i.options.getString('question', true),
        count: i.options.getInteger('count'),
        guildId: i.guildId,
        channelId: i.channelId,
        userId: i.user.id,
        canUseCommands: i.memberPermissions?.has(PermissionFlagsBits.UseApplicationCommands),
        botCanSend: i.appPermissions.has(PermissionFlagsBits.SendMessages),
      };
    });
    f.slashCommand({
      name: 'ask',
      options: [
        { name: 'question', value: 'What is a quote?' },
        { name: 'count', value: 3 },
      ],
    });

    expect(await seen).toEqual({
      commandId: registered?.id,
      name: 'ask',
      question: 'What is a quote?',
      count: 3,
      guildId: f.guild.id,
      channelId: f.guild.channelId,
      userId: FAKE_USER_ID,
      canUseCommands: true,
      botCanSend: true,
    });
  });

  it('resolves user and channel options the way Discord does, in data.resolved', async () => {
    const f = await start();
    const client = await loggedIn(f);
    const seen = onNextInteraction(client, (i) =>
      i.isChatInputCommand()
        ? { user: i.options.getUser('who')?.id, member: Boolean(i.options.getMember('who')), channel: i.options.getChannel('where')?.id }
        : undefined,
    );

    f.slashCommand({
      name: 'cite',
      options: [
        { name: 'who', type: ApplicationCommandOptionType.User, value: '1300000000000000999' },
        { name: 'where', type: ApplicationCommandOptionType.Channel, value: f.guild.channelId },
      ],
    });

    expect(await seen).toEqual({ user: '1300000000000000999', member: true, channel: f.guild.channelId });
  });

  it('records a reply with its content, ephemeral flag and allowed mentions', async () => {
    const f = await start();
    const client = await loggedIn(f);
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'Hello <@123>', flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    });

    const interaction = f.slashCommand({ name: 'hello' });
    const reply = await interaction.nextResponse();

    expect(reply).toMatchObject({
      kind: 'callback',
      callbackType: 4,
      ok: true,
      status: 204,
      ephemeral: true,
      data: { content: 'Hello <@123>' },
    });
    expect(reply.allowedMentions).toEqual({ parse: [] });
    expect(pingsNobody(reply.allowedMentions)).toBe(true);
    expect(reply.message?.author.id).toBe(f.botUser.id);
    expect(interaction.original()?.content).toBe('Hello <@123>');
    expect(f.responses).toEqual([reply]);
    expect(f.violations).toEqual([]);
  });

  it('records that a reply without allowed mentions would ping', async () => {
    const f = await start();
    const client = await loggedIn(f);
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply('Hello <@123>');
    });

    const reply = await f.slashCommand({ name: 'hello' }).nextResponse();

    expect(reply.allowedMentions).toBeUndefined();
    expect(pingsNobody(reply.allowedMentions)).toBe(false);
  });

  it('answers withResponse replies with the created message, as Discord does', async () => {
    const f = await start();
    const client = await loggedIn(f);
    const content = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return undefined;
      const response = await i.reply({ content: 'with response', withResponse: true });
      return response.resource?.message?.content;
    });

    f.slashCommand({ name: 'hello' });

    expect(await content).toBe('with response');
  });

  it('turns deferReply into a thinking message that editReply fills in', async () => {
    const f = await start();
    const client = await loggedIn(f);
    const edited = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return undefined;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      const message = await i.editReply({ content: 'Found 3 quotes', allowedMentions: { parse: [] } });
      return message.content;
    });

    const interaction = f.slashCommand({ name: 'ask', options: [{ name: 'question', value: 'q' }] });
    const deferred = await interaction.nextResponse();
    const edit = await interaction.nextResponse();

    expect(await edited).toBe('Found 3 quotes');
    expect(deferred).toMatchObject({ kind: 'callback', callbackType: 5, ephemeral: true });
    expect(deferred.message?.flags).toBe(MessageFlags.Ephemeral | MessageFlags.Loading);
    expect(edit).toMatchObject({
      kind: 'edit',
      ok: true,
      messageId: deferred.messageId,
      ephemeral: true,
      data: { content: 'Found 3 quotes' },
    });
    expect(edit.message?.flags).toBe(MessageFlags.Ephemeral);
    expect(interaction.original()?.content).toBe('Found 3 quotes');
  });

  it('sends follow-ups as new messages after a reply', async () => {
    const f = await start();
    const client = await loggedIn(f);
    const followUpId = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return undefined;
      await i.reply('first');
      return (await i.followUp({ content: 'second', flags: MessageFlags.Ephemeral })).id;
    });

    const interaction = f.slashCommand({ name: 'hello' });
    const first = await interaction.nextResponse();
    const second = await interaction.nextResponse();

    expect(second).toMatchObject({ kind: 'followup', ok: true, ephemeral: true, data: { content: 'second' } });
    expect(second.messageId).toBe(await followUpId);
    expect(second.messageId).not.toBe(first.messageId);
  });

  it('lets the first follow-up after deferReply replace the thinking message', async () => {
    const f = await start();
    const client = await loggedIn(f);
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.followUp({ content: 'done', flags: MessageFlags.Ephemeral });
    });

    const interaction = f.slashCommand({ name: 'hello' });
    const deferred = await interaction.nextResponse();
    const followUp = await interaction.nextResponse();

    expect(followUp.messageId).toBe(deferred.messageId);
    // Ephemerality was decided when deferring.
    expect(followUp.ephemeral).toBe(false);
    expect(interaction.original()?.content).toBe('done');
  });

  it('records uploaded files as attachments of the reply', async () => {
    const f = await start();
    const client = await loggedIn(f);
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'see file', files: [{ attachment: Buffer.from('quote'), name: 'quotes.txt' }] });
    });

    const reply = await f.slashCommand({ name: 'export' }).nextResponse();

    expect(reply).toMatchObject({ ok: true, files: ['quotes.txt'], data: { content: 'see file' } });
    expect(reply.message?.attachments).toMatchObject([{ filename: 'quotes.txt', size: 5 }]);
  });

  it('records a modal shown in answer to a command', async () => {
    const f = await start();
    const client = await loggedIn(f);
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      const input = new TextInputBuilder().setCustomId('text').setLabel('Your feedback').setStyle(TextInputStyle.Paragraph);
      await i.showModal(
        new ModalBuilder()
          .setCustomId('feedback')
          .setTitle('Feedback')
          .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input)),
      );
    });

    const modal = await f.slashCommand({ name: 'feedback' }).nextResponse();

    expect(modal).toMatchObject({ kind: 'callback', callbackType: 9, ok: true, modal: { custom_id: 'feedback', title: 'Feedback' } });
  });

  it('delivers DM invocations with a user and no member', async () => {
    const f = await start();
    const client = await loggedIn(f);
    const seen = onNextInteraction(client, (i) => ({
      inGuild: i.inGuild(),
      member: i.member,
      user: i.user.id,
      channelId: i.channelId,
    }));

    const interaction = f.slashCommand({ name: 'hello', dm: true });

    expect(interaction.payload.channel).toMatchObject({ type: ChannelType.DM, recipients: [{ id: FAKE_USER_ID }] });
    expect(await seen).toEqual({ inGuild: false, member: null, user: FAKE_USER_ID, channelId: interaction.payload.channel_id });
  });

  it('refuses to inject what no Discord user could send', async () => {
    const f = await start();
    const client = await loggedIn(f);
    await client.application.commands.set([
      ask,
      { name: 'admin', description: 'd', defaultMemberPermissions: PermissionFlagsBits.Administrator },
    ]);

    expect(() => f.slashCommand({ name: 'ask', options: [{ name: 'nope', value: 'x' }] })).toThrow('has no option "nope"');
    expect(() => f.slashCommand({ name: 'ask' })).toThrow('required option "question" is missing');
    expect(() =>
      f.slashCommand({
        name: 'ask',
        options: [
          { name: 'question', value: 'q' },
          { name: 'count', value: 9 },
        ],
      }),
    ).toThrow('min_value/max_value');
    // A member Discord would not let use it is not an impossible injection: it returns the refusal.
    expect(f.slashCommand({ name: 'admin' }).refused).toMatchObject({ reason: 'missing-permissions' });
  });
});

describe('autocomplete and buttons', () => {
  it('records autocomplete choices sent with respond()', async () => {
    const f = await start();
    const client = await loggedIn(f);
    await client.application.commands.set([ask]);
    const focused = onNextInteraction(client, async (i) => {
      if (!i.isAutocomplete()) return undefined;
      await i.respond([{ name: 'What is a quote?', value: 'what is a quote' }]);
      return i.options.getFocused(true);
    });

    const interaction = f.autocomplete({ name: 'ask', options: [{ name: 'question', value: 'wha', focused: true }] });
    const result = await interaction.nextResponse();

    expect(await focused).toMatchObject({ name: 'question', value: 'wha' });
    expect(result).toMatchObject({
      kind: 'callback',
      callbackType: 8,
      ok: true,
      choices: [{ name: 'What is a quote?', value: 'what is a quote' }],
    });
  });

  it('refuses more than 25 autocomplete choices with 50035', async () => {
    const f = await start();
    const client = await loggedIn(f);
    await client.application.commands.set([ask]);
    const outcome = onNextInteraction(client, async (i) => {
      if (!i.isAutocomplete()) return undefined;
      return i.respond(Array.from({ length: 26 }, (_, n) => ({ name: `choice ${n}`, value: `${n}` }))).catch((e: unknown) => e);
    });

    const interaction = f.autocomplete({ name: 'ask', options: [{ name: 'question', value: '', focused: true }] });

    const error = await outcome;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).message).toContain('data.choices[BASE_TYPE_MAX_LENGTH]: Must be 25 or fewer in length.');
    expect(interaction.violations.map((v) => v.rule)).toEqual(['invalid-form-body']);
  });

  it('delivers a click on a button the bot sent, and update() edits that message', async () => {
    const f = await start();
    const client = await loggedIn(f);
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('more').setLabel('More').setStyle(ButtonStyle.Primary),
          new ButtonBuilder().setURL('https://example.org/source').setLabel('Source').setStyle(ButtonStyle.Link),
        );
        await i.reply({ content: 'page 1', components: [row] });
      } else if (i.isButton() && i.customId === 'more') {
        await i.update({ content: `page 2 (from ${i.message.id})`, components: [] });
      }
    });

    const reply = await f.slashCommand({ name: 'ask', options: [{ name: 'question', value: 'q' }] }).nextResponse();
    const click = f.button({ customId: 'more', message: reply.message! });
    const update = await click.nextResponse();

    expect(update).toMatchObject({ kind: 'callback', callbackType: 7, ok: true, messageId: reply.messageId });
    expect(f.message(reply.messageId!)?.content).toBe(`page 2 (from ${reply.messageId})`);
    expect(f.message(reply.messageId!)?.components).toEqual([]);
    expect(() => f.button({ customId: 'more', message: reply.messageId! })).toThrow('has no button');
  });
  it('lets deferUpdate() then editReply() edit the message the button is on', async () => {
    const f = await start();
    const client = await loggedIn(f);
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('next').setLabel('Next').setStyle(ButtonStyle.Secondary),
        );
        await i.reply({ content: 'page 1', components: [row] });
      } else if (i.isButton()) {
        await i.deferUpdate();
        await i.editReply({ content: 'page 2' });
      }
    });

    const reply = await f.slashCommand({ name: 'browse' }).nextResponse();
    const click = f.button({ customId: 'next', message: reply.messageId! });
    const deferred = await click.nextResponse();
    const edit = await click.nextResponse();

    expect(deferred).toMatchObject({ kind: 'callback', callbackType: 6, messageId: reply.messageId });
    expect(edit).toMatchObject({ kind: 'edit', ok: true, messageId: reply.messageId });
    expect(click.original()?.content).toBe('page 2');
  });
});

describe("Discord's rules", () => {
  it('refuses a first reply after the acknowledgement window with 404 Unknown interaction', async () => {
    const f = await start({ ackTimeoutMs: 50 });
    const client = await loggedIn(f);
    const outcome = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return undefined;
      await sleep(120);
      return i.reply('too late').catch((e: unknown) => e);
    });

    const interaction = f.slashCommand({ name: 'slow' });

    const error = await outcome;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 404, code: 10062 });
    expect(interaction.violations.map((v) => v.rule)).toEqual(['ack-timeout', 'late-ack']);
  });

  it('flags an interaction the bot never answers', async () => {
    const f = await start({ ackTimeoutMs: 30 });
    await loggedIn(f);

    const interaction = f.slashCommand({ name: 'ignored' });
    await expect(interaction.nextResponse({ timeoutMs: 100 })).rejects.toThrow(
      /Timed out after 100 ms waiting for response #1 to \/ignored.*\n.*Received 0 response\(s\)\.\nViolations:\n {2}- ack-timeout/,
    );
  });

  it('refuses a second acknowledgement with 40060', async () => {
    const f = await start();
    const client = await loggedIn(f);
    // Two replies started concurrently pass discord.js's own "already replied" check.
    const outcomes = onNextInteraction(client, async (i) =>
      i.isChatInputCommand() ? Promise.allSettled([i.reply('one'), i.reply('two')]) : [],
    );

    const interaction = f.slashCommand({ name: 'twice' });

    const [first, second] = await outcomes;
    expect(first?.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { status: 400, code: 40060 } });
    expect(interaction.responses.map((r) => r.ok)).toEqual([true, false]);
    expect(interaction.violations.map((v) => v.rule)).toEqual(['already-acknowledged']);
  });

  it('refuses content over 2000 characters, leaving the interaction unacknowledged', async () => {
    const f = await start();
    const client = await loggedIn(f);
    const outcome = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return undefined;
      const error = await i.reply('x'.repeat(2001)).catch((e: unknown) => e);
      await i.reply('x'.repeat(2000));
      return error;
    });

    const interaction = f.slashCommand({ name: 'long' });

    const error = await outcome;
    expect(error).toMatchObject({ status: 400, code: 50035 });
    expect((error as Error).message).toContain('data.content[BASE_TYPE_MAX_LENGTH]: Must be 2000 or fewer in length.');
    expect(interaction.responses.map((r) => r.ok)).toEqual([false, true]);
  });

  it('refuses follow-ups sent before the interaction is acknowledged with 10015 Unknown Webhook', async () => {
    const f = await start();
    const client = await loggedIn(f);
    // interaction.webhook bypasses discord.js's own "not replied" check, as raw REST code would.
    const outcome = onNextInteraction(client, async (i) =>
      i.isChatInputCommand() ? i.webhook.send('early').catch((e: unknown) => e) : undefined,
    );

    f.slashCommand({ name: 'early' });

    expect(await outcome).toMatchObject({ status: 404, code: 10015 });
    expect(f.violations.map((v) => v.rule)).toEqual(['unknown-webhook']);
  });

  it('refuses follow-ups once the interaction token has expired with 401 Invalid Webhook Token', async () => {
    const f = await start({ tokenLifetimeMs: 60 });
    const client = await loggedIn(f);
    const outcome = onNextInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return undefined;
      await i.reply('now');
      await sleep(100);
      return i.followUp('much later').catch((e: unknown) => e);
    });

    f.slashCommand({ name: 'later' });

    expect(await outcome).toMatchObject({ status: 401, code: 50027 });
  });
});

describe('message limits', () => {
  // One logged-in client for the table; each case answers a fresh interaction
  // with raw REST calls, so nothing in discord.js stands between the body and the fake.
  let shared: FakeDiscord;
  let client: Client<true>;
  beforeAll(async () => {
    shared = await startFakeDiscord({ ackTimeoutMs: 60_000 });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: shared.restBase } });
    const ready = once(client, Events.ClientReady);
    await client.login(shared.token);
    await ready;
  });
  afterAll(async () => {
    await client.destroy();
    await shared.close();
  });

  async function reply(data: unknown): Promise<{ status: number; body: unknown; rule: string | undefined }> {
    const interaction = shared.slashCommand({ name: 'limits' });
    const res = await fetch(`${shared.restBase}/v10/interactions/${interaction.id}/${interaction.token}/callback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 4, data }),
    });
    const body: unknown = res.status === 204 ? undefined : await res.json();
    return { status: res.status, body, rule: interaction.violations[0]?.rule };
  }

  const button = (extra: Record<string, unknown>) => ({ type: 2, style: 1, label: 'b', ...extra });
  const row = (...components: unknown[]) => ({ type: 1, components });
  const embed = (extra: Record<string, unknown>) => ({ title: 't', ...extra });

  it.each([
    ['an empty message', {}, 50006, undefined],
    ['content over 2000', { content: 'x'.repeat(2001) }, 50035, 'BASE_TYPE_MAX_LENGTH'],
    ['11 embeds', { embeds: Array.from({ length: 11 }, () => embed({})) }, 50035, 'BASE_TYPE_MAX_LENGTH'],
    ['an embed title over 256', { embeds: [embed({ title: 'x'.repeat(257) })] }, 50035, 'BASE_TYPE_MAX_LENGTH'],
    ['an embed description over 4096', { embeds: [embed({ description: 'x'.repeat(4097) })] }, 50035, 'BASE_TYPE_MAX_LENGTH'],
    [
      '26 embed fields',
      { embeds: [embed({ fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) })] },
      50035,
      'BASE_TYPE_MAX_LENGTH',
    ],
    ['a field value over 1024', { embeds: [embed({ fields: [{ name: 'n', value: 'x'.repeat(1025) }] })] }, 50035, 'BASE_TYPE_MAX_LENGTH'],
    ['a footer over 2048', { embeds: [embed({ footer: { text: 'x'.repeat(2049) } })] }, 50035, 'BASE_TYPE_MAX_LENGTH'],
    ['an author name over 256', { embeds: [embed({ author: { name: 'x'.repeat(257) } })] }, 50035, 'BASE_TYPE_MAX_LENGTH'],
    [
      'embeds totalling over 6000',
      { embeds: [embed({ description: 'x'.repeat(4000) }), embed({ description: 'x'.repeat(2000) })] },
      50035,
      'MAX_EMBED_SIZE_EXCEEDED',
    ],
    [
      '6 action rows',
      { components: Array.from({ length: 6 }, (_, i) => row(button({ custom_id: `b${i}` }))) },
      50035,
      'BASE_TYPE_MAX_LENGTH',
    ],
    [
      '6 buttons in a row',
      { components: [row(...Array.from({ length: 6 }, (_, i) => button({ custom_id: `b${i}` })))] },
      50035,
      'BASE_TYPE_MAX_LENGTH',
    ],
    ['a custom_id over 100', { components: [row(button({ custom_id: 'x'.repeat(101) }))] }, 50035, 'BASE_TYPE_BAD_LENGTH'],
    [
      'duplicate custom_ids',
      { components: [row(button({ custom_id: 'a' }), button({ custom_id: 'a' }))] },
      50035,
      'COMPONENT_CUSTOM_ID_DUPLICATED',
    ],
    ['a label over 80', { components: [row(button({ custom_id: 'a', label: 'x'.repeat(81) }))] }, 50035, 'BASE_TYPE_MAX_LENGTH'],
    ['a link button without url', { components: [row(button({ style: 5 }))] }, 50035, 'BUTTON_COMPONENT_URL_REQUIRED'],
    [
      'a link button with a custom_id',
      { components: [row(button({ style: 5, url: 'https://example.org', custom_id: 'a' }))] },
      50035,
      'BUTTON_COMPONENT_CUSTOM_ID_CANNOT_BE_SET',
    ],
    ['a button without custom_id', { components: [row(button({}))] }, 50035, 'BASE_TYPE_REQUIRED'],
    [
      'parse users with a users list',
      { content: 'x', allowed_mentions: { parse: ['users'], users: ['1'] } },
      50035,
      'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
    ],
  ])('refuses %s', async (_what, data, code, fieldCode) => {
    const { status, body, rule } = await reply(data);

    expect(status).toBe(400);
    expect(body).toMatchObject({ code });
    if (fieldCode) expect(JSON.stringify(body)).toContain(`"code":"${fieldCode}"`);
    expect(rule).toBe(code === 50006 ? 'empty-message' : 'invalid-form-body');
  });

  it('accepts a message at every limit', async () => {
    const { status, rule } = await reply({
      content: 'x'.repeat(2000),
      embeds: [embed({ title: 'x'.repeat(256), description: 'x'.repeat(4096), footer: { text: 'x'.repeat(1000) } })],
      components: Array.from({ length: 5 }, (_, r) =>
        row(...Array.from({ length: 5 }, (_, b) => button({ custom_id: `${r}-${b}`, label: 'x'.repeat(80) }))),
      ),
      allowed_mentions: { parse: [] },
    });

    expect(status).toBe(204);
    expect(rule).toBeUndefined();
  });
});

describe("what Discord's API description refuses", () => {
  // Bodies the fake once accepted although they break a request schema of Discord's
  // OpenAPI description (test/fixtures/discord-api-spec): each is now refused with
  // 400 Invalid Form Body, naming the field, on every route that carries it.
  let shared: FakeDiscord;
  let client: Client<true>;
  beforeAll(async () => {
    shared = await startFakeDiscord({ ackTimeoutMs: 60_000 });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: shared.restBase } });
    const ready = once(client, Events.ClientReady);
    await client.login(shared.token);
    await ready;
  });
  afterAll(async () => {
    await client.destroy();
    await shared.close();
    expect(responseSchemaProblems(shared)).toEqual([]);
  });

  type Route = 'reply' | 'followup' | 'edit' | 'upload' | 'autocomplete' | 'modal' | 'commands';
  interface Outcome {
    status: number;
    body: unknown;
    rules: string[];
  }

  const post = (url: string, method: string, body: unknown, auth = false): Promise<Response> =>
    fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bot ${shared.token}` } : {}) },
      body: JSON.stringify(body),
    });

  /** Sends `body` where `route` puts it, with raw HTTP so nothing in discord.js stands between the body and the fake. */
  async function send(route: Route, body: unknown): Promise<Outcome> {
    const v10 = `${shared.restBase}/v10`;
    if (route === 'commands') {
      const before = shared.violations.length;
      const res = await post(`${v10}/applications/${shared.applicationId}/commands`, 'PUT', body, true);
      return { status: res.status, body: await res.json(), rules: shared.violations.slice(before).map((v) => v.rule) };
    }
    const interaction =
      route === 'autocomplete'
        ? shared.autocomplete({ name: 'limits', options: [{ name: 'q', value: '', focused: true }] })
        : shared.slashCommand({ name: 'limits' });
    const callback = `${v10}/interactions/${interaction.id}/${interaction.token}/callback`;
    const webhook = `${v10}/webhooks/${shared.applicationId}/${interaction.token}`;
    let res: Response;
    if (route === 'reply') res = await post(callback, 'POST', { type: 4, data: body });
    else if (route === 'autocomplete') res = await post(callback, 'POST', { type: 8, data: body });
    else if (route === 'modal') res = await post(callback, 'POST', { type: 9, data: body });
    else if (route === 'upload') {
      const form = new FormData();
      form.append('payload_json', JSON.stringify({ type: 4, data: { ...(body as object), attachments: [{ id: '0' }] } }));
      form.append('files[0]', new Blob(['quote']), 'quote.txt');
      res = await fetch(callback, { method: 'POST', body: form });
    } else {
      expect((await post(callback, 'POST', { type: 4, data: { content: 'first' } })).status).toBe(204);
      res = route === 'followup' ? await post(webhook, 'POST', body) : await post(`${webhook}/messages/@original`, 'PATCH', body);
    }
    return {
      status: res.status,
      body: res.status === 204 ? undefined : await res.json(),
      rules: interaction.violations.map((v) => v.rule),
    };
  }

  const embed = (extra: Record<string, unknown>) => ({ embeds: [{ title: 't', ...extra }] });
  const buttons = (...components: Record<string, unknown>[]) => ({
    components: [{ type: 1, components: components.map((c, i) => ({ type: 2, style: 1, label: 'b', custom_id: `b${i}`, ...c })) }],
  });
  const command = (extra: Record<string, unknown>) => [{ name: 'ask', description: 'Ask', ...extra }];
  const option = (extra: Record<string, unknown>) => command({ options: [{ type: 3, name: 'q', description: 'Question', ...extra }] });
  const textInput = (extra: Record<string, unknown>) => ({
    custom_id: 'feedback',
    title: 'Feedback',
    components: [{ type: 1, components: [{ type: 4, custom_id: 'text', label: 'Your feedback', style: 1, ...extra }] }],
  });

  it.each<[string, Route, unknown, string, string]>([
    // Embeds: every URL must be a well-formed absolute URI of at most 2,048 characters, the timestamp ISO 8601.
    [
      'an embed url that is not a URI',
      'reply',
      embed({ url: 'www.harbourtimes.example/ferry timetable' }),
      'data.embeds.0.url',
      'URL_TYPE_INVALID_URL',
    ],
    [
      'an embed url over 2048 characters',
      'reply',
      embed({ url: `https://example.org/${'a'.repeat(2030)}` }),
      'data.embeds.0.url',
      'BASE_TYPE_MAX_LENGTH',
    ],
    ['an embed timestamp that is not ISO 8601', 'reply', embed({ timestamp: 'yesterday' }), 'data.embeds.0.timestamp', 'DATE_TYPE_PARSE'],
    [
      'an embed image url that is not a URI',
      'reply',
      embed({ image: { url: 'cat.png' } }),
      'data.embeds.0.image.url',
      'URL_TYPE_INVALID_URL',
    ],
    [
      'an embed thumbnail url that is not a URI',
      'reply',
      embed({ thumbnail: { url: '//cdn/x.png' } }),
      'data.embeds.0.thumbnail.url',
      'URL_TYPE_INVALID_URL',
    ],
    [
      'an embed author url that is not a URI',
      'reply',
      embed({ author: { name: 'a', url: 'a b' } }),
      'data.embeds.0.author.url',
      'URL_TYPE_INVALID_URL',
    ],
    [
      'an embed author icon that is not a URI',
      'reply',
      embed({ author: { name: 'a', icon_url: 'icon' } }),
      'data.embeds.0.author.icon_url',
      'URL_TYPE_INVALID_URL',
    ],
    [
      'an embed footer icon that is not a URI',
      'reply',
      embed({ footer: { text: 'f', icon_url: 'https://' } }),
      'data.embeds.0.footer.icon_url',
      'URL_TYPE_INVALID_URL',
    ],
    ['an embed title that is not a string', 'reply', embed({ title: 42 }), 'data.embeds.0.title', 'BASE_TYPE_STRING'],
    [
      'an embed field whose inline is not a boolean',
      'reply',
      embed({ fields: [{ name: 'n', value: 'v', inline: 'yes' }] }),
      'data.embeds.0.fields.0.inline',
      'BASE_TYPE_BOOLEAN',
    ],
    // Message fields
    ['flags that are not an integer', 'reply', { content: 'x', flags: '64' }, 'data.flags', 'NUMBER_TYPE_COERCE'],
    ['tts that is not a boolean', 'reply', { content: 'x', tts: 'no' }, 'data.tts', 'BASE_TYPE_BOOLEAN'],
    [
      'an allowed mention user that is not a snowflake',
      'reply',
      { content: 'x', allowed_mentions: { users: ['@bob'] } },
      'data.allowed_mentions.users.0',
      'NUMBER_TYPE_COERCE',
    ],
    [
      'an allowed mention type given twice',
      'reply',
      { content: 'x', allowed_mentions: { parse: ['users', 'users'] } },
      'data.allowed_mentions.parse',
      'SET_TYPE_ALREADY_CONTAINS_VALUE',
    ],
    [
      'replied_user that is not a boolean',
      'reply',
      { content: 'x', allowed_mentions: { parse: [], replied_user: 1 } },
      'data.allowed_mentions.replied_user',
      'BASE_TYPE_BOOLEAN',
    ],
    [
      'an attachment whose id is not a snowflake',
      'reply',
      { content: 'x', attachments: [{ id: 'first' }] },
      'data.attachments.0.id',
      'NUMBER_TYPE_COERCE',
    ],
    [
      'a poll without a question',
      'reply',
      { poll: { answers: [{ poll_media: { text: 'yes' } }] } },
      'data.poll.question',
      'BASE_TYPE_REQUIRED',
    ],
    // Components
    [
      'a link button whose url has a space',
      'reply',
      buttons({ style: 5, custom_id: undefined, url: 'https://exa mple.org' }),
      'data.components.0.components.0.url',
      'URL_TYPE_INVALID_URL',
    ],
    [
      'a button emoji that is not an object',
      'reply',
      buttons({ emoji: '😀' }),
      'data.components.0.components.0.emoji',
      'MODEL_TYPE_CONVERT',
    ],
    [
      'a button whose disabled is not a boolean',
      'reply',
      buttons({ disabled: 'true' }),
      'data.components.0.components.0.disabled',
      'BASE_TYPE_BOOLEAN',
    ],
    ['a component with a negative id', 'reply', buttons({ id: -1 }), 'data.components.0.components.0.id', 'NUMBER_TYPE_MIN'],
    [
      'a select option whose default is not a boolean',
      'reply',
      { components: [{ type: 1, components: [{ type: 3, custom_id: 's', options: [{ label: 'l', value: 'v', default: 'no' }] }] }] },
      'data.components.0.components.0.options.0.default',
      'BASE_TYPE_BOOLEAN',
    ],
    // The same rules on every route that carries a message
    [
      'an embed url that is not a URI, in a follow-up',
      'followup',
      embed({ url: 'example.org/a b' }),
      'embeds.0.url',
      'URL_TYPE_INVALID_URL',
    ],
    ['tts that is not a boolean, in a follow-up', 'followup', { content: 'x', tts: 'no' }, 'tts', 'BASE_TYPE_BOOLEAN'],
    [
      'an embed timestamp that is not ISO 8601, in an edit',
      'edit',
      embed({ timestamp: '2024-13-01T00:00:00Z' }),
      'embeds.0.timestamp',
      'DATE_TYPE_PARSE',
    ],
    [
      'an embed url that is not a URI, in an upload (payload_json)',
      'upload',
      embed({ url: 'not a url' }),
      'data.embeds.0.url',
      'URL_TYPE_INVALID_URL',
    ],
    // Autocomplete results and modals
    [
      'a choice with an over-long localized name',
      'autocomplete',
      { choices: [{ name: 'n', value: 'v', name_localizations: { fr: 'x'.repeat(101) } }] },
      'data.choices.0.name_localizations.fr',
      'BASE_TYPE_MAX_LENGTH',
    ],
    [
      'a text input label over 45 characters',
      'modal',
      textInput({ label: 'x'.repeat(46) }),
      'data.components.0.components.0.label',
      'BASE_TYPE_MAX_LENGTH',
    ],
    ['a text input of an unknown style', 'modal', textInput({ style: 3 }), 'data.components.0.components.0.style', 'BASE_TYPE_CHOICES'],
    [
      'a text input longer than 4000 characters',
      'modal',
      textInput({ max_length: 4001 }),
      'data.components.0.components.0.max_length',
      'NUMBER_TYPE_MAX',
    ],
    // Command registration
    [
      'a localized command name over 32 characters',
      'commands',
      command({ name_localizations: { fr: 'x'.repeat(33) } }),
      '0.name_localizations.fr',
      'BASE_TYPE_MAX_LENGTH',
    ],
    [
      'an empty localized description',
      'commands',
      command({ description_localizations: { de: '' } }),
      '0.description_localizations.de',
      'BASE_TYPE_MIN_LENGTH',
    ],
    ['an unknown interaction context', 'commands', command({ contexts: [0, 7] }), '0.contexts.1', 'BASE_TYPE_CHOICES'],
    ['an unknown integration type', 'commands', command({ integration_types: [5] }), '0.integration_types.0', 'BASE_TYPE_CHOICES'],
    [
      'default_member_permissions that are not a number',
      'commands',
      command({ default_member_permissions: 'ManageGuild' }),
      '0.default_member_permissions',
      'STRING_TYPE_REGEX',
    ],
    ['dm_permission that is not a boolean', 'commands', command({ dm_permission: 'no' }), '0.dm_permission', 'BASE_TYPE_BOOLEAN'],
    [
      'an unknown channel type on a channel option',
      'commands',
      option({ type: 7, channel_types: [99] }),
      '0.options.0.channel_types.0',
      'BASE_TYPE_CHOICES',
    ],
    [
      'an integer option whose min_value is a string',
      'commands',
      option({ type: 4, min_value: '1' }),
      '0.options.0.min_value',
      'NUMBER_TYPE_COERCE',
    ],
    [
      'a choice with an over-long localized name, in a command',
      'commands',
      option({ choices: [{ name: 'n', value: 'v', name_localizations: { fr: 'x'.repeat(101) } }] }),
      '0.options.0.choices.0.name_localizations.fr',
      'BASE_TYPE_MAX_LENGTH',
    ],
  ])('refuses %s', async (_what, route, body, field, code) => {
    const outcome = await send(route, body);

    expect(outcome.status).toBe(400);
    expect(outcome.body).toMatchObject({ code: 50035, message: 'Invalid Form Body' });
    let node: unknown = (outcome.body as { errors?: unknown }).errors;
    for (const key of field.split('.')) node = (node as Record<string, unknown> | undefined)?.[key];
    expect((node as { _errors?: { code: string }[] } | undefined)?._errors?.map((e) => e.code)).toContain(code);
    expect(outcome.rules).toEqual([route === 'commands' ? 'invalid-command' : 'invalid-form-body']);
  });

  it.each<[string, Route, unknown]>([
    [
      'an embed with a valid url and ISO 8601 timestamp',
      'reply',
      embed({ url: 'https://example.org/ferry%20timetable', timestamp: '2024-03-01T09:30:00.000Z' }),
    ],
    [
      'a follow-up with buttons and an emoji',
      'followup',
      buttons({ emoji: { name: '😀' } }, { style: 5, custom_id: undefined, url: 'https://example.org' }),
    ],
    ['an upload whose payload_json conforms', 'upload', { content: 'see file' }],
    [
      'commands with string default_member_permissions, as discord.js sends them',
      'commands',
      command({ default_member_permissions: '32', contexts: [0] }),
    ],
  ])('accepts %s', async (_what, route, body) => {
    const outcome = await send(route, body);

    expect(outcome.rules).toEqual([]);
    expect(outcome.status).toBeLessThan(300);
  });
});

/** A bare gateway connection, to speak the protocol where discord.js would not misbehave. */
async function rawGateway(f: FakeDiscord): Promise<{
  identify(extra?: Record<string, unknown>): void;
  next(op: number, t?: string): Promise<{ op: number; t?: string | null; d: unknown }>;
  closed: Promise<number>;
  close(): void;
}> {
  const ws = new WebSocket(`${f.gatewayUrl}?v=10&encoding=json`);
  const payloads: { op: number; t?: string | null; d: unknown }[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data: Buffer) => {
    payloads.push(JSON.parse(data.toString('utf8')) as { op: number; d: unknown });
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code: number) => resolve(code)));
  await once(ws, 'open');
  let cursor = 0;
  return {
    identify: (extra = {}) =>
      ws.send(
        JSON.stringify({
          op: 2,
          d: { token: f.token, intents: 1, properties: { os: 'linux', browser: 'test', device: 'test' }, ...extra },
        }),
      ),
    next: (op, t) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no op ${op} ${t ?? ''} (got ${JSON.stringify(payloads.map((p) => p.t ?? p.op))})`)),
          2000,
        );
        const check = (): void => {
          const index = payloads.findIndex((p, i) => i >= cursor && p.op === op && (t === undefined || p.t === t));
          if (index === -1) return;
          cursor = index + 1;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(payloads[index]!);
        };
        waiters.add(check);
        check();
      }),
    closed,
    close: () => ws.close(1000),
  };
}

describe('command permissions', () => {
  const MODERATORS = '1300000000000000500';
  const HELPERS = '1300000000000000501';
  const STAFF = '1300000000000000502';
  const ALICE = '1300000000000000601';
  const manageGuild = PermissionFlagsBits.ManageGuild;

  /** A fake whose guild has a Moderators role with Manage Server, a Helpers role without, and a Staff role with Administrator. */
  async function withCommands(): Promise<{ f: FakeDiscord; client: Client<true>; delivered: string[] }> {
    const f = await start({
      guild: {
        roles: [
          { id: MODERATORS, name: 'Moderators', permissions: manageGuild },
          { id: HELPERS, name: 'Helpers' },
          { id: STAFF, name: 'Staff', permissions: PermissionFlagsBits.Administrator },
        ],
      },
    });
    const client = await loggedIn(f);
    await client.guilds.cache
      .get(f.guild.id)!
      .commands.set([
        { name: 'reload', description: 'Reload', defaultMemberPermissions: manageGuild },
        { name: 'lock', description: 'Nobody but admins', defaultMemberPermissions: 0n },
        ask,
      ]);
    await client.application.commands.set([
      { name: 'serveronly', description: 'Guild only', contexts: [InteractionContextType.Guild] },
      { name: 'anywhere', description: 'Everywhere', contexts: [InteractionContextType.Guild, InteractionContextType.BotDM] },
    ]);
    const delivered: string[] = [];
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      delivered.push(i.commandName);
      await i.reply({ content: `permissions ${i.memberPermissions?.bitfield ?? 'none'}`, flags: MessageFlags.Ephemeral });
    });
    return { f, client, delivered };
  }

  it('keeps a command from a member without its default_member_permissions: Discord never sends it, and says why', async () => {
    const { f, delivered } = await withCommands();

    const refused = f.slashCommand({ name: 'reload' });

    expect(refused.refused).toMatchObject({ reason: 'missing-permissions' });
    expect(refused.refused?.message).toMatch(/You do not have permission to use \/reload/);
    await expect(refused.nextResponse()).rejects.toThrow('was not delivered to the bot');
    await sleep(50);
    expect(delivered).toEqual([]);
    expect(f.requests.filter((r) => r.path.includes('/interactions/'))).toEqual([]);
  });

  it('delivers it to a member whose role has the permission, with the permissions the member really has', async () => {
    const { f, delivered } = await withCommands();

    const reply = await f.slashCommand({ name: 'reload', roles: [MODERATORS] }).nextResponse();

    expect(delivered).toEqual(['reload']);
    const bits = BigInt(/permissions (\d+)/.exec(reply.data?.content ?? '')![1]!);
    expect(bits & manageGuild).toBe(manageGuild);
    expect(bits & PermissionFlagsBits.Administrator).toBe(0n);
  });

  it('lets a role an admin granted the command use it, without giving its members Manage Server', async () => {
    const { f, delivered } = await withCommands();
    expect(f.slashCommand({ name: 'reload', roles: [HELPERS] }).refused).toBeDefined();

    f.grantCommand({ command: 'reload', roleId: HELPERS });
    const reply = await f.slashCommand({ name: 'reload', roles: [HELPERS] }).nextResponse();

    expect(delivered).toEqual(['reload']);
    expect(BigInt(/permissions (\d+)/.exec(reply.data?.content ?? '')![1]!) & manageGuild).toBe(0n);
    // The grant is for that role: others are still refused.
    expect(f.slashCommand({ name: 'reload' }).refused).toMatchObject({ reason: 'missing-permissions' });
  });

  it.each<[string, string, CommandGrant[], InvokerInitForTest, string | undefined]>([
    ['a member granted by their own overwrite', 'reload', [{ command: 'reload', userId: ALICE }], { user: { id: ALICE } }, undefined],
    [
      'a member denied by their own overwrite, even with a granted role',
      'reload',
      [
        { command: 'reload', roleId: HELPERS },
        { command: 'reload', userId: ALICE, permission: false },
      ],
      { user: { id: ALICE }, roles: [HELPERS] },
      'missing-permissions',
    ],
    [
      'a member with one granted and one denied role (a role that allows wins)',
      'reload',
      [
        { command: 'reload', roleId: HELPERS },
        { command: 'reload', roleId: MODERATORS, permission: false },
      ],
      { roles: [HELPERS, MODERATORS] },
      undefined,
    ],
    [
      'a Moderator when @everyone is denied, although the role has Manage Server',
      'reload',
      [{ command: 'reload', everyone: true, permission: false }],
      { roles: [MODERATORS] },
      'missing-permissions',
    ],
    ['anyone when @everyone is granted', 'reload', [{ command: 'reload', everyone: true }], {}, undefined],
    [
      'a granted role in a channel where the command is disabled',
      'reload',
      [
        { command: 'reload', roleId: HELPERS },
        { command: 'reload', channelId: FAKE_CHANNEL_ID, permission: false },
      ],
      { roles: [HELPERS] },
      'disabled-in-channel',
    ],
    [
      'anyone when the command is disabled in all channels',
      'ask',
      [{ command: 'ask', allChannels: true, permission: false }],
      {},
      'disabled-in-channel',
    ],
    ['a role granted every command of the app', 'reload', [{ command: null, roleId: HELPERS }], { roles: [HELPERS] }, undefined],
    [
      "a role the app grants, when the command's own permissions deny it",
      'reload',
      [
        { command: null, roleId: HELPERS },
        { command: 'reload', roleId: HELPERS, permission: false },
      ],
      { roles: [HELPERS] },
      'missing-permissions',
    ],
    ['a Moderator on a command for nobody ("0")', 'lock', [], { roles: [MODERATORS] }, 'missing-permissions'],
    ['an administrator, even on a command for nobody ("0")', 'lock', [], { roles: [STAFF] }, undefined],
    ['the owner, even on a command for nobody ("0")', 'lock', [], { user: { id: FAKE_OWNER_ID } }, undefined],
  ])('decides as Discord does for %s', async (_what, name, grants, invoker, reason) => {
    const { f } = await withCommands();
    for (const grant of grants) f.grantCommand(grant);

    const outcome = f.slashCommand({ name, ...invoker, ...(name === 'ask' ? { options: [{ name: 'question', value: 'q' }] } : {}) });

    expect(outcome.refused?.reason).toBe(reason);
    if (!reason) expect((await outcome.nextResponse()).ok).toBe(true);
  });

  it('offers a guild-only command, or a guild command, nowhere but in guilds', async () => {
    const { f, delivered } = await withCommands();

    expect(f.slashCommand({ name: 'serveronly', dm: true }).refused).toMatchObject({ reason: 'unavailable-here' });
    expect(f.slashCommand({ name: 'reload', dm: true }).refused).toMatchObject({
      reason: 'unavailable-here',
      message: expect.stringContaining('guild commands are not available in DMs') as string,
    });
    expect(f.autocomplete({ name: 'serveronly', dm: true, options: [{ name: 'q', value: '', focused: true }] }).refused).toBeDefined();
    expect((await f.slashCommand({ name: 'anywhere', dm: true }).nextResponse()).ok).toBe(true);
    expect((await f.slashCommand({ name: 'serveronly' }).nextResponse()).ok).toBe(true);
    expect(delivered).toEqual(['anywhere', 'serveronly']);
  });

  it('serves command permissions over REST as Discord does: read with the bot token, edited only with a Bearer token', async () => {
    const { f, client } = await withCommands();
    const guild = client.guilds.cache.get(f.guild.id)!;
    const reload = guild.commands.cache.find((c) => c.name === 'reload')!;
    const updated = once(client, Events.ApplicationCommandPermissionsUpdate);

    // discord.js edits permissions with a user's Bearer token, as Discord requires.
    await guild.commands.permissions.set({
      command: reload.id,
      token: f.adminBearerToken,
      permissions: [{ id: HELPERS, type: 1, permission: true }],
    });

    const [event] = (await updated) as [{ id: string; permissions: unknown[] }];
    expect(event).toMatchObject({ id: reload.id, permissions: [{ id: HELPERS, type: 1, permission: true }] });
    expect(await guild.commands.permissions.fetch({ command: reload.id })).toEqual([{ id: HELPERS, type: 1, permission: true }]);
    expect(f.commandPermissionsOf('reload')).toEqual([{ id: HELPERS, type: 1, permission: true }]);
    expect(f.slashCommand({ name: 'reload', roles: [HELPERS] }).refused).toBeUndefined();

    const withBotToken = await fetch(
      `${f.restBase}/v10/applications/${f.applicationId}/guilds/${f.guild.id}/commands/${reload.id}/permissions`,
      {
        method: 'PUT',
        headers: { Authorization: `Bot ${f.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ permissions: [] }),
      },
    );
    expect([withBotToken.status, await withBotToken.json()]).toEqual([403, { message: 'Bots cannot use this endpoint', code: 20001 }]);
    expect(f.violations.map((v) => v.rule)).toEqual(['bots-cannot-use-endpoint']);
    const none = await guild.commands.permissions
      .fetch({ command: guild.commands.cache.find((c) => c.name === 'lock')!.id })
      .catch((e: unknown) => e);
    expect(none).toMatchObject({ status: 404, code: 10066 });
  });
});

describe('attachments', () => {
  const upload: ApplicationCommandDataResolvable = {
    name: 'upload',
    description: 'Add a file',
    options: [
      { type: ApplicationCommandOptionType.Attachment, name: 'file', description: 'The file', required: true },
      { type: ApplicationCommandOptionType.String, name: 'title', description: 'Its title' },
    ],
  };

  async function withUpload(options: FakeDiscordOptions = {}): Promise<{ f: FakeDiscord; client: Client<true> }> {
    const f = await start(options);
    const client = await loggedIn(f);
    await client.application.commands.set([upload]);
    return { f, client };
  }

  it("delivers an ATTACHMENT option with data.resolved.attachments, whose url the fake's CDN serves with the test's bytes", async () => {
    const { f, client } = await withUpload();
    const seen = onNextInteraction(client, (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      const a = i.options.getAttachment('file', true);
      return { id: a.id, name: a.name, size: a.size, contentType: a.contentType, url: a.url, proxyURL: a.proxyURL, ephemeral: a.ephemeral };
    });

    const interaction = f.slashCommand({
      name: 'upload',
      options: [
        { name: 'file', attachment: { filename: 'ferry notes.md', data: '# Ferry\nThe ferry leaves at nine.\n' } },
        { name: 'title', value: 'Ferry' },
      ],
    });
    const attachment = await seen;

    expect(attachment).toMatchObject({ name: 'ferry notes.md', size: 34, contentType: 'text/markdown; charset=utf-8', ephemeral: true });
    expect(interaction.payload.data).toMatchObject({ options: [{ name: 'file', type: 11, value: attachment.id }, { name: 'title' }] });
    expect(attachment.url.startsWith(`${f.cdnBase}/ephemeral-attachments/${f.guild.channelId}/${attachment.id}/ferry%20notes.md?ex=`)).toBe(
      true,
    );
    for (const url of [attachment.url, attachment.proxyURL]) {
      const res = await fetch(url);
      expect([res.status, res.headers.get('content-type'), res.headers.get('content-length'), await res.text()]).toEqual([
        200,
        'text/markdown; charset=utf-8',
        '34',
        '# Ferry\nThe ferry leaves at nine.\n',
      ]);
    }
    expect(f.cdnRequests.map((r) => [r.status, r.bytesSent, r.completed, r.aborted])).toEqual([
      [200, 34, true, false],
      [200, 34, true, false],
    ]);
  });

  it('answers 404 to an attachment URL whose signature was changed, or that expired', async () => {
    const { f } = await withUpload({ attachmentUrlLifetimeMs: 1500 });
    const interaction = f.slashCommand({ name: 'upload', options: [{ name: 'file', attachment: { filename: 'a.txt', data: 'a' } }] });
    const url = attachmentUrl(interaction);

    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url.replace(/hm=[0-9a-f]+/, 'hm=00'))).status).toBe(404);
    expect((await fetch(url.replace(/a\.txt/, 'b.txt'))).status).toBe(404);
    await sleep(2100);
    const expired = await fetch(url);
    expect([expired.status, await expired.text()]).toEqual([404, 'This content is no longer available.']);
  });

  it('serves a slow download late and in small chunks, and records a client that hangs up before the end', async () => {
    const { f } = await withUpload();
    const slow = f.slashCommand({
      name: 'upload',
      options: [
        {
          name: 'file',
          attachment: { filename: 'slow.txt', data: 'x'.repeat(1000), cdn: { delayMs: 150, chunkBytes: 100, chunkDelayMs: 40 } },
        },
      ],
    });
    const url = attachmentUrl(slow);

    const started = Date.now();
    const whole = await (await fetch(url)).text();
    expect(whole).toHaveLength(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150 + 9 * 40 - 20);

    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await vi.waitFor(() => expect(f.cdnRequests[1]).toMatchObject({ aborted: true, completed: false }));
    expect(f.cdnRequests[1]!.bytesSent).toBeLessThan(1000);
  });

  it('can serve more than the reported size, without or with a false Content-Length, or an error', async () => {
    const { f } = await withUpload();
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const cases = [
      { cdn: { contentLength: null }, size: 10 },
      { cdn: { contentLength: 10 }, size: 10 },
      { cdn: { status: 500 }, size: 10 },
      { cdn: { contentType: 'application/x-msdownload' }, size: big.length },
    ];
    const urls = cases.map((c, n) =>
      attachmentUrl(
        f.slashCommand({ name: 'upload', options: [{ name: 'file', attachment: { filename: `big${n}.txt`, data: big, ...c } }] }),
      ),
    );

    const unsized = await fetch(urls[0]!);
    expect(unsized.headers.get('content-length')).toBeNull();
    expect((await unsized.arrayBuffer()).byteLength).toBe(big.length);
    const lying = await rawGet(urls[1]!);
    expect(lying.headers['content-length']).toBe('10');
    expect((await fetch(urls[2]!)).status).toBe(500);
    expect((await fetch(urls[3]!)).headers.get('content-type')).toBe('application/x-msdownload');
  });

  it("refuses a file over the upload limit, as Discord's client does", async () => {
    const { f } = await withUpload({ attachmentSizeLimit: 1000 });

    const refused = f.slashCommand({
      name: 'upload',
      options: [{ name: 'file', attachment: { filename: 'big.pdf', data: Buffer.alloc(1001) } }],
    });

    expect(refused.refused).toMatchObject({ reason: 'file-too-large' });
    expect(refused.payload).toMatchObject({ attachment_size_limit: 1000 });
    expect(() => f.slashCommand({ name: 'upload', options: [{ name: 'file', value: 'x' }] })).toThrow('give it as { attachment');
  });

  it('serves the files the bot uploads at their attachment URLs', async () => {
    const { f, client } = await withUpload();
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'here', files: [{ attachment: Buffer.from('quotes\n'), name: 'quotes.txt' }] });
    });

    const reply = await f.slashCommand({ name: 'export' }).nextResponse();
    const attachment = reply.message!.attachments[0]!;
    const res = await fetch(attachment.url);

    expect(attachment.url.startsWith(`${f.cdnBase}/attachments/${f.guild.channelId}/${attachment.id}/quotes.txt?`)).toBe(true);
    expect([res.status, await res.text()]).toEqual([200, 'quotes\n']);
  });
});

/** The URL of an injected interaction's (first) attachment. */
function attachmentUrl(interaction: InjectedInteraction): string {
  const data = interaction.payload.data as { resolved?: { attachments?: Record<string, { url: string }> } };
  return Object.values(data.resolved?.attachments ?? {})[0]!.url;
}

/** A GET that reads only the headers (fetch refuses a body longer than its Content-Length). */
function rawGet(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      res.destroy();
    });
    req.on('error', reject);
  });
}

describe('message context-menu commands', () => {
  const findSources: ApplicationCommandDataResolvable = { name: 'Find sources', type: ApplicationCommandType.Message };

  it('registers MESSAGE commands, which take no description or options', async () => {
    const f = await start();
    const client = await loggedIn(f);

    await client.application.commands.set([ask, findSources]);
    const bad = await client.application.commands
      .set([
        {
          name: 'Find sources',
          type: ApplicationCommandType.Message,
          description: 'Quotes',
          options: [],
        } as ApplicationCommandDataResolvable,
      ])
      .catch((e: unknown) => e);

    expect(f.commands().map((c) => [c.name, c.type])).toEqual([
      ['ask', ApplicationCommandType.ChatInput],
      ['Find sources', ApplicationCommandType.Message],
    ]);
    expect(f.commands()[1]).toMatchObject({ description: '' });
    expect((bad as Error).message).toContain('0.description[APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID]');
  });

  it('delivers the command with data.target_id and the message in data.resolved.messages, content included without the MessageContent intent', async () => {
    const f = await start();
    const client = await loggedIn(f);
    await client.application.commands.set([findSources]);
    const seen = onNextInteraction(client, async (i) => {
      if (!i.isMessageContextMenuCommand()) throw new Error(`expected a message command, got ${i.type}`);
      await i.reply({ content: `sources for ${i.targetId}`, flags: MessageFlags.Ephemeral });
      return {
        name: i.commandName,
        targetId: i.targetId,
        content: i.targetMessage.content,
        author: i.targetMessage.author.id,
        channel: i.channelId,
      };
    });

    const interaction = f.messageCommand({
      name: 'Find sources',
      message: { content: 'Did Canada send Leopard 2 tanks?', author: { id: '1300000000000000777' } },
    });
    const got = await seen;
    const reply = await interaction.nextResponse();

    const data = interaction.payload.data as { type: number; target_id: string; resolved: { messages: Record<string, APIMessage> } };
    expect(data.type).toBe(ApplicationCommandType.Message);
    expect(got).toEqual({
      name: 'Find sources',
      targetId: data.target_id,
      content: 'Did Canada send Leopard 2 tanks?',
      author: '1300000000000000777',
      channel: f.guild.channelId,
    });
    expect(data.resolved.messages[data.target_id]).toMatchObject({
      id: data.target_id,
      content: 'Did Canada send Leopard 2 tanks?',
      channel_id: f.guild.channelId,
    });
    expect(f.identifies[0]?.intents).toBe(GatewayIntentBits.Guilds);
    expect(reply).toMatchObject({ ok: true, ephemeral: true });
    expect(reply.message?.type).toBe(MessageType.ContextMenuCommand);
  });

  it("can be used on a message the bot sent, and in another guild's channel", async () => {
    const f = await start({ extraGuilds: [{ id: '1300000000000009000', channelId: '1300000000000009001' }] });
    const client = await loggedIn(f);
    await client.application.commands.set([findSources]);
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand()) await i.reply('the answer is 42');
      else if (i.isMessageContextMenuCommand()) await i.reply({ content: `on: ${i.targetMessage.content}`, flags: MessageFlags.Ephemeral });
    });

    const answer = await f.slashCommand({ name: 'ask', guildId: '1300000000000009000' }).nextResponse();
    const reply = await f.messageCommand({ name: 'Find sources', message: answer.message!, guildId: '1300000000000009000' }).nextResponse();

    expect(reply.data?.content).toBe('on: the answer is 42');
    expect(() => f.messageCommand({ name: 'Find sources', message: answer.messageId! })).toThrow('not where the command is used');
    expect(() => f.messageCommand({ name: 'Find sources', message: '1' })).toThrow('holds no message 1');
  });

  it('refuses what Discord would refuse, and names a command that is not a message command', async () => {
    const f = await start();
    const client = await loggedIn(f);
    await client.application.commands.set([
      ask,
      { name: 'Mod sources', type: ApplicationCommandType.Message, defaultMemberPermissions: PermissionFlagsBits.ManageGuild },
      { name: 'Guild sources', type: ApplicationCommandType.Message, contexts: [InteractionContextType.Guild] },
    ]);

    expect(f.messageCommand({ name: 'Mod sources', message: { content: 'x' } }).refused).toMatchObject({ reason: 'missing-permissions' });
    expect(f.messageCommand({ name: 'Guild sources', dm: true, message: { content: 'x' } }).refused).toMatchObject({
      reason: 'unavailable-here',
    });
    expect(() => f.messageCommand({ name: 'ask', message: { content: 'x' } })).toThrow('not as a message command');
  });
});

describe('sharding', () => {
  // Two extra guilds on shard 0 and 1 of 2, next to the default guild (whose shard depends on its id).
  const ON_0 = guildIdOnShard(0, 2);
  const ON_1 = guildIdOnShard(1, 2);

  it("places a test guild on the shard asked for, by Discord's formula", () => {
    for (const [shard, count] of [
      [0, 1],
      [1, 2],
      [2, 3],
      [15, 16],
    ] as const) {
      for (const n of [0, 1, 2]) expect(shardOf(guildIdOnShard(shard, count, n), count)).toBe(shard);
    }
    expect(new Set([0, 1, 2].map((n) => guildIdOnShard(1, 2, n))).size).toBe(3);
    expect(shardOf('41771983423143937', 1)).toBe(0);
  });

  it('recommends the configured shard count and session start limit in GET /gateway/bot, one session start per IDENTIFY', async () => {
    const f = await start({ shards: 4, maxConcurrency: 2, sessionStartLimit: { total: 1000, remaining: 10, resetAfterMs: 60_000 } });
    const gatewayBot = async (): Promise<unknown> =>
      (await fetch(`${f.restBase}/v10/gateway/bot`, { headers: { Authorization: `Bot ${f.token}` } })).json();

    expect(await gatewayBot()).toEqual({
      url: f.gatewayUrl,
      shards: 4,
      session_start_limit: { total: 1000, remaining: 10, reset_after: 60_000, max_concurrency: 2 },
    });
    const gateway = await rawGateway(f);
    gateway.identify({ shard: [0, 4] });
    await gateway.next(0, 'READY');
    gateway.close();
    expect(await gatewayBot()).toMatchObject({ session_start_limit: { remaining: 9 } });
  });

  it("runs every shard discord.js starts with shards: 'auto', each getting READY and GUILD_CREATE for its own guilds only", async () => {
    const f = await start({
      shards: 2,
      extraGuilds: [
        { id: ON_0, name: 'Zero' },
        { id: ON_1, name: 'One' },
      ],
    });
    const client = new Client({ intents: [GatewayIntentBits.Guilds], shards: 'auto', rest: { api: f.restBase } });
    clients.push(client);
    const delivered: Array<[string, number]> = [];
    client.on(Events.Raw, (packet: { t?: string; d?: { id?: string } }, shardId: number) => {
      if (packet.t === 'GUILD_CREATE' && packet.d?.id) delivered.push([packet.d.id, shardId]);
    });
    const ready = once(client, Events.ClientReady);
    await client.login(f.token);
    await ready;
    await f.waitForSession({ shards: 2 });

    expect(client.ws.shards.size).toBe(2);
    expect(f.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(f.sessions().map((s) => [s.shard, s.connected])).toEqual(
      expect.arrayContaining([
        [[0, 2], true],
        [[1, 2], true],
      ]),
    );
    const expected = f.guilds.map((g) => [g.id, shardOf(g.id, 2)]);
    expect(delivered.sort()).toEqual(expected.sort());
    expect(f.guildIdsOnShard(0, 2)).toContain(ON_0);
    expect(f.guildIdsOnShard(1, 2)).toContain(ON_1);
    for (const guild of f.guilds) expect(client.guilds.cache.get(guild.id)?.shardId).toBe(shardOf(guild.id, 2));
  });

  it("delivers a guild's interaction on that guild's shard, and a DM's on shard 0", async () => {
    const f = await start({ shards: 2, extraGuilds: [{ id: ON_0 }, { id: ON_1 }] });
    const client = new Client({ intents: [GatewayIntentBits.Guilds], shards: 'auto', rest: { api: f.restBase } });
    clients.push(client);
    const seen: Array<{ guildId: string | null; shard: number }> = [];
    onInteraction(client, async (i) => {
      seen.push({ guildId: i.guildId, shard: i.guild?.shardId ?? 0 });
      if (i.isChatInputCommand()) await i.reply({ content: `from shard ${i.client.ws.shards.size}`, flags: MessageFlags.Ephemeral });
    });
    const ready = once(client, Events.ClientReady);
    await client.login(f.token);
    await ready;
    await f.waitForSession({ shards: 2 });
    const rawShards: number[] = [];
    client.on(Events.Raw, (packet: { t?: string }, shardId: number) => {
      if (packet.t === 'INTERACTION_CREATE') rawShards.push(shardId);
    });

    const on1 = f.slashCommand({ name: 'where', guildId: ON_1 });
    const on0 = f.slashCommand({ name: 'where', guildId: ON_0 });
    const dm = f.slashCommand({ name: 'where', dm: true });
    for (const i of [on1, on0, dm]) expect((await i.nextResponse()).ok).toBe(true);

    expect([on1.shard, on0.shard, dm.shard]).toEqual([1, 0, 0]);
    expect(rawShards).toEqual([1, 0, 0]);
    expect(on1.payload.guild_id).toBe(ON_1);
    expect(seen.map((s) => s.guildId)).toEqual([ON_1, ON_0, null]);
  });

  it('cannot deliver to a shard no session holds, and says which', async () => {
    const f = await start({ shards: 2, extraGuilds: [{ id: ON_1 }] });
    const gateway = await rawGateway(f);
    gateway.identify({ shard: [0, 2] });
    await gateway.next(0, 'READY');

    expect(() => f.slashCommand({ name: 'where', guildId: ON_1 })).toThrow(/No bot session holds guild \d+ \(shard 1 of 2\)/);
    expect(() => f.slashCommand({ name: 'where', guildId: '1' })).toThrow('the bot is not in guild 1');
    gateway.close();
  });

  it.each([
    ['a shard id not below the shard count', [2, 2]],
    ['a negative shard id', [-1, 2]],
    ['zero shards', [0, 0]],
    ['a shard that is not a pair', [0]],
    ['a shard that is not numbers', ['0', '1']],
  ])('closes the gateway with 4010 Invalid shard on %s', async (_what, shard) => {
    const f = await start({ shards: 2 });
    const gateway = await rawGateway(f);
    gateway.identify({ shard });
    expect(await gateway.closed).toBe(4010);
  });

  it('closes the gateway with 4011 Sharding required when one shard would hold too many guilds', async () => {
    const f = await start({ maxGuildsPerShard: 2, extraGuilds: [{ id: ON_0 }, { id: ON_1 }] });
    const unsharded = await rawGateway(f);
    unsharded.identify();
    expect(await unsharded.closed).toBe(4011);

    const shard = await rawGateway(f);
    shard.identify({ shard: [1, 2] });
    const ready = (await shard.next(0, 'READY')).d as { guilds: { id: string }[]; shard: number[] };
    expect(ready.shard).toEqual([1, 2]);
    expect(ready.guilds.map((g) => g.id)).toEqual(f.guildIdsOnShard(1, 2));
    shard.close();
  });

  it('makes discord.js report "Sharding is required" when the bot does not shard', async () => {
    const f = await start({ maxGuildsPerShard: 1, extraGuilds: [{ id: ON_0 }] });
    const client = newClient(f);
    const error = new Promise<Error>((resolve) => client.once(Events.Error, resolve));

    const login = client.login(f.token).catch((e: unknown) => e);

    expect((await Promise.race([error, login])) as Error).toHaveProperty('message', 'Sharding is required');
  });

  it('answers a second IDENTIFY in the same bucket within the identify window with op 9 Invalid Session', async () => {
    const f = await start({ shards: 2, maxConcurrency: 1, identifyWindowMs: 1000 });
    const first = await rawGateway(f);
    first.identify({ shard: [0, 2] });
    await first.next(0, 'READY');
    const second = await rawGateway(f);
    second.identify({ shard: [1, 2] });

    expect((await second.next(9)).d).toBe(false);
    first.close();
    second.close();
  });

  it('lets shards of different buckets identify at once', async () => {
    const f = await start({ shards: 2, maxConcurrency: 2, identifyWindowMs: 1000 });
    const [a, b] = [await rawGateway(f), await rawGateway(f)];
    a.identify({ shard: [0, 2] });
    b.identify({ shard: [1, 2] });

    await a.next(0, 'READY');
    await b.next(0, 'READY');
    a.close();
    b.close();
  });
});

describe('channels, messages, threads and forums', () => {
  const HELP = '1300000000000000110';
  const FORUM = '1300000000000000111';
  const MEMBER = '1300000000000000301';
  const withChannels: FakeDiscordOptions = {
    guild: {
      channels: [
        { id: HELP, name: 'help' },
        { id: FORUM, name: 'help-forum', type: 'forum', tags: ['question', 'solved'] },
      ],
    },
    allowedPrivilegedIntents: GatewayIntentBits.MessageContent,
  };
  const allIntents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

  async function clientWith(f: FakeDiscord, intents: GatewayIntentBits[], partials: Partials[] = []): Promise<Client<true>> {
    const client = new Client({ intents, partials, rest: { api: f.restBase } });
    clients.push(client);
    const ready = once(client, Events.ClientReady);
    await client.login(f.token);
    await ready;
    return client as Client<true>;
  }

  /** The gateway events a client receives, by name. */
  function rawEvents(client: Client): Array<{ t: string; d: Record<string, unknown> }> {
    const events: Array<{ t: string; d: Record<string, unknown> }> = [];
    client.on(Events.Raw, (packet: { t?: string | null; d?: unknown }) => {
      if (packet.t) events.push({ t: packet.t, d: packet.d as Record<string, unknown> });
    });
    return events;
  }

  it('lists text channels and forums, with their tags, in GUILD_CREATE', async () => {
    const f = await start(withChannels);
    const client = await clientWith(f, [GatewayIntentBits.Guilds]);

    const forum = client.channels.cache.get(FORUM);
    expect(client.channels.cache.get(HELP)?.type).toBe(ChannelType.GuildText);
    expect(forum?.type).toBe(ChannelType.GuildForum);
    expect(forum?.type === ChannelType.GuildForum ? forum.availableTags.map((t) => t.name) : []).toEqual(['question', 'solved']);
    expect(f.channel(FORUM)).toMatchObject({ type: ChannelType.GuildForum, guild_id: f.guild.id });
  });

  it('sends a member message only to sessions with GUILD_MESSAGES, its content only with MESSAGE_CONTENT or a mention of the bot', async () => {
    const f = await start(withChannels);
    const guildsOnly = rawEvents(await clientWith(f, [GatewayIntentBits.Guilds]));
    const noContent = rawEvents(await clientWith(f, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]));
    const withContent = rawEvents(await clientWith(f, allIntents));

    const plain = f.postMessage({ channelId: HELP, content: 'How do I reset my password?', author: { id: MEMBER } });
    const mention = f.postMessage({ channelId: HELP, content: `<@${f.botUser.id}> can you help?`, author: { id: MEMBER } });
    await vi.waitFor(() => expect(withContent.filter((e) => e.t === 'MESSAGE_CREATE')).toHaveLength(2));
    await vi.waitFor(() => expect(noContent.filter((e) => e.t === 'MESSAGE_CREATE')).toHaveLength(2));

    const created = (events: typeof withContent, id: string) => events.find((e) => e.t === 'MESSAGE_CREATE' && e.d['id'] === id)?.d;
    expect(guildsOnly.filter((e) => e.t === 'MESSAGE_CREATE')).toEqual([]);
    expect(created(withContent, plain.id)).toMatchObject({
      content: 'How do I reset my password?',
      guild_id: f.guild.id,
      channel_id: HELP,
      member: { roles: [] },
    });
    expect(created(noContent, plain.id)).toMatchObject({ content: '', embeds: [], attachments: [], components: [] });
    expect(created(noContent, mention.id)).toMatchObject({ content: `<@${f.botUser.id}> can you help?`, mentions: [{ id: f.botUser.id }] });
    expect(f.messagesIn(HELP).map((m) => m.id)).toEqual([plain.id, mention.id]);
  });

  it('reads member messages over REST without their content unless the portal enables MESSAGE_CONTENT', async () => {
    const f = await start({ ...withChannels, allowedPrivilegedIntents: 0 });
    const message = f.postMessage({ channelId: HELP, content: 'secret question?' });
    const get = async (path: string): Promise<unknown> =>
      (await fetch(`${f.restBase}/v10${path}`, { headers: { Authorization: `Bot ${f.token}` } })).json();

    expect(await get(`/channels/${HELP}/messages/${message.id}`)).toMatchObject({ id: message.id, content: '' });
    expect(await get(`/channels/${HELP}/messages?limit=5`)).toMatchObject([{ id: message.id, content: '' }]);
    expect(f.message(message.id)?.content).toBe('secret question?');
  });

  it("delivers DMs with DIRECT_MESSAGES, content included, and other bots' and webhooks' messages as theirs", async () => {
    const f = await start(withChannels);
    const client = await clientWith(
      f,
      [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
      [Partials.Channel],
    );
    const seen: Array<{ content: string; dm: boolean; bot: boolean; webhook: string | null }> = [];
    client.on(Events.MessageCreate, (m) => seen.push({ content: m.content, dm: !m.inGuild(), bot: m.author.bot, webhook: m.webhookId }));

    f.postMessage({ dm: true, content: 'hello bot', author: { id: MEMBER } });
    f.postMessage({ channelId: HELP, content: 'beep', kind: 'bot' });
    const hook = f.postMessage({ channelId: HELP, content: 'news', kind: 'webhook' });

    await vi.waitFor(() => expect(seen).toHaveLength(3));
    expect(seen).toEqual([
      { content: 'hello bot', dm: true, bot: false, webhook: null },
      // Without MESSAGE_CONTENT, guild messages arrive empty.
      { content: '', dm: false, bot: true, webhook: null },
      { content: '', dm: false, bot: true, webhook: hook.author.id },
    ]);
  });

  it('opens a forum post with THREAD_CREATE, then the MESSAGE_CREATE of its first message in the thread', async () => {
    const f = await start(withChannels);
    const client = await clientWith(f, allIntents);
    const events = rawEvents(client);
    const starter = new Promise<{ inThread: boolean; parent: string | null; id: string; content: string; tags: string[] }>((resolve) =>
      client.on(Events.MessageCreate, (m) => {
        if (m.channel.isThread())
          resolve({ inThread: true, parent: m.channel.parentId, id: m.id, content: m.content, tags: m.channel.appliedTags });
      }),
    );

    const post = f.createForumPost({
      channelId: FORUM,
      title: 'Password reset',
      content: 'How do I reset my password?',
      tags: ['question'],
      author: { id: MEMBER },
    });
    const got = await starter;

    expect(events.filter((e) => e.t.startsWith('THREAD_') || e.t === 'MESSAGE_CREATE').map((e) => e.t)).toEqual([
      'THREAD_CREATE',
      'MESSAGE_CREATE',
    ]);
    expect(events[0]!.d).toMatchObject({
      id: post.thread.id,
      type: ChannelType.PublicThread,
      parent_id: FORUM,
      name: 'Password reset',
      newly_created: true,
    });
    expect(got).toEqual({
      inThread: true,
      parent: FORUM,
      id: post.thread.id,
      content: 'How do I reset my password?',
      tags: [post.thread.applied_tags![0]],
    });
    expect(post.message.id).toBe(post.thread.id);
    expect(f.threads(FORUM).map((t) => t.id)).toEqual([post.thread.id]);
  });

  it('lets the bot start a thread on a question and answer there; the thread has the message id and opens with a starter message', async () => {
    const f = await start(withChannels);
    const client = await clientWith(f, allIntents);
    client.on(Events.MessageCreate, (m) => {
      if (m.author.bot || m.channel.isThread() || !m.content.endsWith('?')) return;
      void (async () => {
        const thread = await m.startThread({ name: 'Answer' });
        await thread.send({ content: 'Here is a quote.', allowedMentions: { parse: [] } });
      })();
    });

    const question = f.postMessage({ channelId: HELP, content: 'Why is the sky blue?', author: { id: MEMBER } });
    f.postMessage({ channelId: HELP, content: 'Thanks.', author: { id: MEMBER } });
    const answer = await f.waitForMessage({ from: 'bot' });

    expect(answer).toMatchObject({ channel_id: question.id, content: 'Here is a quote.', position: 0 });
    expect(f.threads(HELP)).toMatchObject([{ id: question.id, name: 'Answer', owner_id: f.botUser.id, message_count: 1 }]);
    expect(f.messagesIn(question.id).map((m) => m.type)).toEqual([MessageType.ThreadStarterMessage, MessageType.Default]);
    expect(f.message(question.id)!.flags! & MessageFlags.HasThread).toBe(MessageFlags.HasThread);
    expect(f.botMessages()).toMatchObject([{ via: 'channel', message: { id: answer.id }, allowedMentions: { parse: [] }, deleted: false }]);
    expect(f.botMessages(HELP)).toEqual([]);

    const again = await fetch(`${f.restBase}/v10/channels/${HELP}/messages/${question.id}/threads`, {
      method: 'POST',
      headers: { Authorization: `Bot ${f.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Again' }),
    });
    expect([again.status, await again.json()]).toEqual([
      400,
      { message: 'A thread has already been created for this message', code: 160004 },
    ]);
  });

  it("lets the bot post in a forum post's thread, edit and delete its message: MESSAGE_UPDATE, MESSAGE_DELETE", async () => {
    const f = await start(withChannels);
    const bot = await clientWith(f, allIntents);
    const watcher = rawEvents(await clientWith(f, allIntents));
    bot.on(Events.ThreadCreate, (thread) => {
      void (async () => {
        const reply = await thread.send('first draft');
        await reply.edit('final answer');
        await reply.delete();
      })();
    });

    const post = f.createForumPost({ channelId: FORUM, title: 'Help', content: 'Question?' });
    await vi.waitFor(() => expect(watcher.some((e) => e.t === 'MESSAGE_DELETE')).toBe(true));

    const mine = watcher.filter((e) => e.d['channel_id'] === post.thread.id && e.d['id'] !== post.thread.id);
    expect(mine.map((e) => [e.t, e.d['content']])).toEqual([
      ['MESSAGE_CREATE', 'first draft'],
      ['MESSAGE_UPDATE', 'final answer'],
      ['MESSAGE_DELETE', undefined],
    ]);
    expect(f.botMessages(post.thread.id)).toMatchObject([{ deleted: true, message: { content: 'final answer' } }]);
    expect(f.messagesIn(post.thread.id).map((m) => m.id)).toEqual([post.thread.id]);
    expect(f.threads(FORUM)[0]).toMatchObject({ message_count: 0, total_message_sent: 1 });
  });

  it('lets the bot open a forum post with tags', async () => {
    const f = await start(withChannels);
    const client = await clientWith(f, allIntents);
    const forum = client.channels.cache.get(FORUM);
    if (forum?.type !== ChannelType.GuildForum) throw new Error('no forum');

    const thread = await forum.threads.create({
      name: 'FAQ',
      message: { content: 'Frequently asked', allowedMentions: { parse: [] } },
      appliedTags: [forum.availableTags.find((t) => t.name === 'solved')!.id],
    });

    expect(thread.parentId).toBe(FORUM);
    expect(f.threads(FORUM)).toMatchObject([{ id: thread.id, name: 'FAQ', owner_id: f.botUser.id }]);
    expect(f.botMessages(thread.id)).toMatchObject([
      { message: { id: thread.id, content: 'Frequently asked' }, allowedMentions: { parse: [] } },
    ]);
  });

  it("sends a member's edits and deletions as MESSAGE_UPDATE and MESSAGE_DELETE", async () => {
    const f = await start(withChannels);
    const client = await clientWith(f, allIntents);
    const updated = once(client, Events.MessageUpdate);
    const deleted = once(client, Events.MessageDelete);

    const message = f.postMessage({ channelId: HELP, content: 'typo?' });
    await vi.waitFor(() => {
      const help = client.channels.cache.get(HELP);
      expect(help?.isTextBased() ? help.messages.cache.size : 0).toBe(1);
    });
    f.editMessage(message.id, { content: 'fixed?' });
    const [, after] = (await updated) as [unknown, { content: string; editedTimestamp: number | null }];
    f.deleteMessage(message.id);
    const [gone] = (await deleted) as [{ id: string }];

    expect(after.content).toBe('fixed?');
    expect(after.editedTimestamp).not.toBeNull();
    expect(gone.id).toBe(message.id);
    expect(f.messagesIn(HELP)).toEqual([]);
  });

  it('makes interaction replies that others can see messages of their channel, and takes commands in threads', async () => {
    const f = await start(withChannels);
    const client = await clientWith(f, allIntents);
    const fromBot: string[] = [];
    client.on(Events.MessageCreate, (m) => {
      if (m.author.id === f.botUser.id) fromBot.push(m.content);
    });
    onInteraction(client, async (i) => {
      if (!i.isChatInputCommand()) return;
      const where = i.channel?.isThread() ? `thread ${i.channelId}` : `channel ${i.channelId}`;
      await i.reply({ content: `public in ${where}`, allowedMentions: { parse: [] } });
      await i.followUp({ content: 'private', flags: MessageFlags.Ephemeral });
    });
    const post = f.createForumPost({ channelId: FORUM, title: 'Q', content: 'Q?' });

    await f.slashCommand({ name: 'ask' }).waitFor((r) => r.kind === 'followup');
    const inThread = await f.slashCommand({ name: 'ask', channelId: post.thread.id }).waitFor((r) => r.kind === 'followup');

    await vi.waitFor(() => expect(fromBot).toEqual([`public in channel ${f.guild.channelId}`, `public in thread ${post.thread.id}`]));
    expect(inThread.message?.channel_id).toBe(post.thread.id);
    expect(f.messagesIn(post.thread.id).map((m) => m.content)).toEqual(['Q?', `public in thread ${post.thread.id}`]);
    expect(f.botMessages().map((p) => [p.via, p.message.content])).toEqual([
      ['interaction', `public in channel ${f.guild.channelId}`],
      ['interaction', `public in thread ${post.thread.id}`],
    ]);
  });

  it('answers a button on a message the bot posted in a thread', async () => {
    const f = await start(withChannels);
    const client = await clientWith(f, allIntents);
    client.on(Events.ThreadCreate, (thread) => {
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId('not-helpful').setLabel('Not helpful').setStyle(ButtonStyle.Secondary),
      );
      void thread.send({ content: 'An answer', components: [row] });
    });
    onInteraction(client, async (i) => {
      if (i.isButton()) await i.message.delete().then(() => i.reply({ content: 'Removed.', flags: MessageFlags.Ephemeral }));
    });
    const post = f.createForumPost({ channelId: FORUM, title: 'Q', content: 'Q?' });
    const answer = await f.waitForMessage({ channelId: post.thread.id, from: 'bot' });

    const click = f.button({ customId: 'not-helpful', message: answer, user: { id: MEMBER } });
    const reply = await click.nextResponse();

    expect(click.payload).toMatchObject({ channel_id: post.thread.id, channel: { type: ChannelType.PublicThread } });
    expect(reply).toMatchObject({ ok: true, ephemeral: true });
    expect(f.botMessages(post.thread.id)).toMatchObject([{ deleted: true }]);
  });

  it.each<[string, string, string, unknown, number, number]>([
    ['a message in a forum', 'POST', `/channels/${FORUM}/messages`, { content: 'x' }, 400, 50008],
    ['a message with an invalid embed url', 'POST', `/channels/${HELP}/messages`, { embeds: [{ url: 'not a url' }] }, 400, 50035],
    ['an empty message', 'POST', `/channels/${HELP}/messages`, { content: '' }, 400, 50006],
    ['a message in a channel that does not exist', 'POST', '/channels/1/messages', { content: 'x' }, 404, 10003],
    ['a thread without a name', 'POST', `/channels/${HELP}/threads`, { type: 11 }, 400, 50035],
    ['a forum post without a message', 'POST', `/channels/${FORUM}/threads`, { name: 'x' }, 400, 50035],
    [
      'a forum post with an unknown tag',
      'POST',
      `/channels/${FORUM}/threads`,
      { name: 'x', message: { content: 'y' }, applied_tags: ['1'] },
      400,
      50035,
    ],
    ['deleting a message that does not exist', 'DELETE', `/channels/${HELP}/messages/1`, undefined, 404, 10008],
  ])('refuses %s as Discord does', async (_what, method, path, body, status, code) => {
    const f = await start(withChannels);

    const res = await fetch(`${f.restBase}/v10${path}`, {
      method,
      headers: { Authorization: `Bot ${f.token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

    expect([res.status, ((await res.json()) as { code: number }).code]).toEqual([status, code]);
    expect(f.violations).toHaveLength(1);
  });

  it("refuses an edit of someone else's message with 50005", async () => {
    const f = await start(withChannels);
    const message = f.postMessage({ channelId: HELP, content: 'mine' });

    const res = await fetch(`${f.restBase}/v10/channels/${HELP}/messages/${message.id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bot ${f.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: 'yours' }),
    });

    expect([res.status, await res.json()]).toEqual([403, { message: 'Cannot edit a message authored by another user', code: 50005 }]);
  });

  it.each([
    ['GuildMembers', GatewayIntentBits.GuildMembers, 0, 4014],
    ['GuildPresences', GatewayIntentBits.GuildPresences, 0, 4014],
    ['MessageContent', GatewayIntentBits.MessageContent, 0, 4014],
    ['MessageContent, enabled in the portal', GatewayIntentBits.MessageContent, GatewayIntentBits.MessageContent, 0],
    ['GuildMembers, when only MessageContent is enabled', GatewayIntentBits.GuildMembers, GatewayIntentBits.MessageContent, 4014],
    ['GuildMessages (not privileged)', GatewayIntentBits.GuildMessages, 0, 0],
    ['DirectMessages (not privileged)', GatewayIntentBits.DirectMessages, 0, 0],
  ])('answers an IDENTIFY asking for %s as Discord does (4014 Disallowed intents, or READY)', async (_what, intent, allowed, code) => {
    const f = await start({ allowedPrivilegedIntents: allowed });
    const gateway = await rawGateway(f);

    gateway.identify({ intents: GatewayIntentBits.Guilds | intent });

    if (code === 0) {
      await gateway.next(0, 'READY');
      gateway.close();
    } else {
      expect(await gateway.closed).toBe(code);
      expect(f.sessions()).toEqual([]);
    }
  });
});

describe('the HTTP and gateway surface', () => {
  it('answers unknown routes, bad JSON and unknown interactions with Discord error bodies', async () => {
    const f = await start();
    const auth = { Authorization: `Bot ${f.token}`, 'Content-Type': 'application/json' };

    const unknown = await fetch(`${f.restBase}/v10/nope`, { headers: auth });
    expect([unknown.status, await unknown.json()]).toEqual([404, { message: '404: Not Found', code: 0 }]);
    const badJson = await fetch(`${f.restBase}/v10/applications/${f.applicationId}/commands`, { method: 'PUT', headers: auth, body: '{' });
    expect([badJson.status, await badJson.json()]).toMatchObject([400, { code: 50109 }]);
    const ghost = await fetch(`${f.restBase}/v10/interactions/1/abc/callback`, {
      method: 'POST',
      headers: auth,
      body: '{"type":4,"data":{"content":"x"}}',
    });
    expect([ghost.status, await ghost.json()]).toEqual([404, { message: 'Unknown interaction', code: 10062 }]);
  });

  it("answers every route it serves the way Discord's API description says Discord answers", async () => {
    const f = await start();
    const client = await loggedIn(f);
    const v10 = `${f.restBase}/v10`;
    const call = async (method: string, path: string, body?: unknown, auth = true): Promise<unknown> => {
      const res = await fetch(`${v10}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bot ${f.token}` } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return res.status === 204 ? undefined : res.json();
    };
    for (const path of ['/gateway', '/gateway/bot', '/users/@me', '/applications/@me', '/oauth2/applications/@me']) await call('GET', path);
    await call('GET', `/guilds/${f.guild.id}`);
    await call('GET', `/guilds/1`);
    await call('GET', `/channels/${f.guild.channelId}`);
    await call('GET', `/channels/1`);
    for (const scope of [`/applications/${f.applicationId}`, `/applications/${f.applicationId}/guilds/${f.guild.id}`]) {
      const created = (await call('POST', `${scope}/commands`, {
        name: 'cite',
        description: 'Cite an article',
        default_member_permissions: 32,
        options: [
          { type: 3, name: 'article', description: 'Which', required: true, autocomplete: true, max_length: 100 },
          { type: 4, name: 'count', description: 'How many', min_value: 1, max_value: 5, choices: [{ name: 'one', value: 1 }] },
          { type: 7, name: 'where', description: 'Channel', channel_types: [0] },
        ],
      })) as { id: string; default_member_permissions: unknown };
      // Discord answers a permission bit set as a string, however it was sent.
      expect.soft(created.default_member_permissions).toBe('32');
      await call('GET', `${scope}/commands`);
      await call('GET', `${scope}/commands/${created.id}`);
      await call('PATCH', `${scope}/commands/${created.id}`, { description: 'Cite one article' });
      await call('DELETE', `${scope}/commands/${created.id}`);
      await call('GET', `${scope}/commands/${created.id}`);
    }
    onInteraction(client, async (i) => {
      if (i.isChatInputCommand() && i.commandName === 'page') {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('next').setLabel('Next').setStyle(ButtonStyle.Primary),
        );
        await i.reply({ content: 'page 1', components: [row], withResponse: true });
        await i.followUp({
          content: 'more',
          embeds: [{ title: 'Embed', url: 'https://example.org', timestamp: new Date(0).toISOString() }],
        });
        await i.fetchReply();
      } else if (i.isChatInputCommand()) {
        await i.deferReply({ withResponse: true });
        await i.editReply('done');
        await i.deleteReply();
      } else if (i.isButton()) {
        await i.update({ content: 'page 2', withResponse: true });
      } else if (i.isAutocomplete()) {
        await i.respond([{ name: 'a', value: 'a' }]);
      }
    });
    const page = f.slashCommand({ name: 'page' });
    await page.waitFor((r) => r.kind === 'followup');
    await f.button({ customId: 'next', message: page.original()! }).nextResponse();
    const deferred = f.slashCommand({ name: 'defer' });
    await deferred.waitFor((r) => r.kind === 'delete');
    await f.autocomplete({ name: 'page', options: [{ name: 'q', value: '', focused: true }] }).nextResponse();
    await call('GET', `/webhooks/${f.applicationId}/${page.token}/messages/@original`, undefined, false);

    expect(f.requests.length).toBeGreaterThan(25);
    expect(responseSchemaProblems(f)).toEqual([]);
  });

  it('speaks zlib-stream compression when the client asks for it', async () => {
    const f = await start();
    const ws = new WebSocket(`${f.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    const inflate = zlib.createInflate();
    const payloads: { op: number; t?: string | null }[] = [];
    let text = '';
    inflate.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    const got = (n: number): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (payloads.length >= n) resolve();
          else setTimeout(check, 5);
        };
        check();
      });
    // One message at a time: the next is written only after the previous one's
    // flush has delivered all its output, so two payloads arriving back to back
    // are never read as one.
    let inflating = Promise.resolve();
    ws.on('message', (data: Buffer) => {
      inflating = inflating.then(
        () =>
          new Promise<void>((resolve) => {
            inflate.write(data, () => {
              inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
                if (text) payloads.push(JSON.parse(text) as { op: number });
                text = '';
                resolve();
              });
            });
          }),
      );
    });

    await got(1);
    ws.send(JSON.stringify({ op: 2, d: { token: f.token, intents: 1, properties: { os: 'linux', browser: 'test', device: 'test' } } }));
    await got(3);
    ws.close();

    expect(payloads.map((p) => p.t ?? p.op)).toEqual([10, 'READY', 'GUILD_CREATE']);
  });
});
