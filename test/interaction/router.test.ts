/**
 * The router: commands by name, autocomplete by command, buttons by the
 * first part of their custom id; a handler that fails is logged and the user
 * gets a short ephemeral error, and nothing propagates to crash the bot.
 */
import { ApplicationCommandType, ContextMenuCommandBuilder, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { AnswerEngine } from '../../src/engine/types.ts';
import { CommandRouter } from '../../src/interaction/router.ts';
import type {
  AnyCommandModule,
  AutocompleteContext,
  ButtonContext,
  Choice,
  CommandContext,
  CommandModule,
  MessageCommandContext,
  MessageCommandModule,
  Reply,
} from '../../src/interaction/types.ts';

/** A command that records what reached it, and fails when told to. */
function command(name: string, calls: string[], fail = false): CommandModule {
  return {
    data: new SlashCommandBuilder().setName(name).setDescription(`the ${name} command`),
    execute: async () => {
      calls.push(`${name}:execute`);
      if (fail) throw new Error(`${name} broke`);
    },
    autocomplete: async (ctx) => {
      calls.push(`${name}:autocomplete:${ctx.focused.value}`);
      if (fail) throw new Error(`${name} autocomplete broke`);
      await ctx.respond([{ name: 'one', value: '1' }]);
    },
    button: async (ctx) => {
      calls.push(`${name}:button:${ctx.args.join('/')}`);
      if (fail) throw new Error(`${name} button broke`);
    },
  };
}

/** Unit-test contexts: they record replies and log lines (the engine is never reached by these commands). */
function contexts() {
  const replies: Reply[] = [];
  const logs: string[] = [];
  const choices: Choice[][] = [];
  const base = {
    engine: {} as AnswerEngine,
    invoker: { id: '1', name: 'member', inGuild: true, isModerator: false },
    log: (m: string) => logs.push(m),
  };
  const commandCtx: CommandContext = {
    ...base,
    options: {
      getString: () => null,
      getInteger: () => null,
      getNumber: () => null,
      getBoolean: () => null,
      getAttachment: () => null,
      getSubcommand: () => null,
      getChannel: () => null,
    },
    defer: async () => undefined,
    reply: async (r) => void replies.push(r),
    edit: async (r) => void replies.push(r),
  };
  const buttonCtx = (customId: string): ButtonContext => ({
    ...base,
    args: customId.split(':'),
    message: { content: '', embeds: [] },
    update: async (r) => void replies.push(r),
    reply: async (r) => void replies.push(r),
  });
  const autocompleteCtx = (value: string): AutocompleteContext => ({
    ...base,
    focused: { name: 'q', value },
    respond: async (c) => void choices.push(c),
  });
  return { replies, logs, choices, commandCtx, buttonCtx, autocompleteCtx };
}

describe('CommandRouter', () => {
  it('runs the command of that name, and its autocomplete and buttons', async () => {
    const calls: string[] = [];
    const router = new CommandRouter(
      new Map([
        ['ask', command('ask', calls)],
        ['source', command('source', calls)],
      ]),
    );
    const c = contexts();
    await router.command('source', c.commandCtx);
    await router.autocomplete('source', c.autocompleteCtx('car'));
    await router.button('ask:more:3:3', c.buttonCtx('ask:more:3:3'));
    expect(calls).toEqual(['source:execute', 'source:autocomplete:car', 'ask:button:ask/more/3/3']);
    expect(c.choices).toEqual([[{ name: 'one', value: '1' }]]);
    expect(c.replies).toEqual([]);
  });

  it('answers an unknown command or button with an ephemeral error that points to /help or to running it again', async () => {
    const router = new CommandRouter(new Map());
    const c = contexts();
    await router.command('nope', c.commandCtx);
    await router.button('gone:open:1', c.buttonCtx('gone:open:1'));
    expect(c.replies.map((r) => r.ephemeral)).toEqual([true, true]);
    expect(c.replies[0]!.embeds![0]!.description).toMatch(/I don't know the command \/nope\. Try \/help\./);
    expect(c.replies[1]!.embeds![0]!.description).toMatch(/This button no longer works/);
  });

  it('turns a failing handler into a logged stack trace and a short apology, never an exception', async () => {
    const calls: string[] = [];
    const router = new CommandRouter(new Map([['ask', command('ask', calls, true)]]));
    const c = contexts();
    await expect(router.command('ask', c.commandCtx)).resolves.toBeUndefined();
    await expect(router.button('ask:more', c.buttonCtx('ask:more'))).resolves.toBeUndefined();
    await expect(router.autocomplete('ask', c.autocompleteCtx('x'))).resolves.toBeUndefined();
    expect(c.logs.join('\n')).toMatch(/\/ask failed: Error: ask broke\n\s+at /);
    expect(c.logs.join('\n')).toMatch(/button "ask:more" failed/);
    expect(c.logs.join('\n')).toMatch(/autocomplete of \/ask failed/);
    expect(c.replies.map((r) => r.embeds![0]!.description)).toEqual([
      'Sorry, something went wrong while answering. The error has been logged.',
      'Sorry, something went wrong with that button. The error has been logged.',
    ]);
    expect(c.choices).toEqual([[]]); // a failed autocomplete still answers, with no choices
  });

  it('lists every command definition for registration', () => {
    const router = new CommandRouter(new Map([['ask', command('ask', [])]]));
    expect(router.definitions()).toEqual([expect.objectContaining({ name: 'ask', description: 'the ask command' })]);
  });

  it('takes Discord at its word for a moderator command it delivered in a server, and only there', async () => {
    const seen: boolean[] = [];
    const gated: CommandModule = {
      data: new SlashCommandBuilder()
        .setName('reload')
        .setDescription('moderators')
        .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild),
      execute: async (ctx) => void seen.push(ctx.invoker.isModerator),
    };
    const open: CommandModule = { ...command('ask', []), execute: async (ctx) => void seen.push(ctx.invoker.isModerator) };
    const router = new CommandRouter(
      new Map([
        ['reload', gated],
        ['ask', open],
      ]),
    );
    const c = contexts();
    await router.command('reload', c.commandCtx);
    await router.command('reload', { ...c.commandCtx, invoker: { ...c.commandCtx.invoker, inGuild: false } });
    await router.command('ask', c.commandCtx);
    expect(seen).toEqual([true, false, false]);
  });

  it('takes Discord at its word for the autocomplete of a moderator command too', async () => {
    const seen: boolean[] = [];
    const gated: CommandModule = {
      data: new SlashCommandBuilder()
        .setName('corpus')
        .setDescription('moderators')
        .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild),
      execute: async () => undefined,
      autocomplete: async (ctx) => void seen.push(ctx.invoker.isModerator),
    };
    const router = new CommandRouter(new Map([['corpus', gated]]));
    const c = contexts();
    await router.autocomplete('corpus', c.autocompleteCtx('ferry'));
    await router.autocomplete('corpus', { ...c.autocompleteCtx('ferry'), invoker: { ...c.autocompleteCtx('').invoker, inGuild: false } });
    expect(seen).toEqual([true, false]);
  });

  it('runs a message command on its message, and keeps it apart from slash commands of the same router', async () => {
    const calls: string[] = [];
    const findSources: MessageCommandModule = {
      data: new ContextMenuCommandBuilder().setName('Find sources').setType(ApplicationCommandType.Message),
      execute: async (ctx) => void calls.push(`find:${ctx.target.content}`),
    };
    const router = new CommandRouter(
      new Map<string, AnyCommandModule>([
        ['ask', command('ask', calls)],
        ['Find sources', findSources],
      ]),
    );
    const c = contexts();
    const { options: _options, ...rest } = c.commandCtx;
    const messageCtx: MessageCommandContext = { ...rest, target: { id: '1', content: 'Leopard tanks' } };
    await router.messageCommand('Find sources', messageCtx);
    await router.messageCommand('ask', messageCtx);
    await router.command('Find sources', c.commandCtx);
    expect(calls).toEqual(['find:Leopard tanks']);
    expect(c.replies.map((r) => r.embeds![0]!.description)).toEqual([
      'I don\'t know the command "ask". Try /help.',
      "I don't know the command /Find sources. Try /help.",
    ]);
    expect(router.definitions().map((d) => [d.name, d.type ?? 1])).toEqual([
      ['ask', 1],
      ['Find sources', 3],
    ]);
  });
});
