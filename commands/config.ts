/**
 * /config autoanswer channel:<text channel or forum> enabled:<bool> [min_confidence:<0–1>]
 * /config show
 *
 * Moderators choose the help channels and forums where the bot answers new
 * questions by itself, when it is confident (issue 15; src/autoanswer). Who
 * may run it: as /reload (Manage Server by default, or whoever an admin
 * grants it to in Integrations); guild only; every reply is ephemeral.
 *
 * Its buttons, on auto-answers: `config:dismiss:<author id>[:<answer id>]`
 * ("Not helpful": the member who asked removes the reply; anyone's click is a
 * vote when recording is on) and `config:reask` ("Ask again with /ask").
 */
import { ChannelType, InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { AUTO_ANSWER_PERMISSIONS } from '../src/bot/invite.ts';
import type { ButtonContext, CommandContext } from '../src/interaction/types.ts';
import { recordVote } from '../src/interaction/answering.ts';
import { autoAnswerProblem, renderChannelList } from '../src/render/autoAnswer.ts';
import { escapeMarkdown, questionFromContent, renderError, renderNotice, truncate } from '../src/render/discord.ts';

export const data = new SlashCommandBuilder()
  .setName('config')
  .setDescription('Bot settings for this server (moderators)')
  .addSubcommand((s) =>
    s
      .setName('autoanswer')
      .setDescription('Answer new questions in a help channel or forum by itself, when confident')
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('A text channel (answers in a thread on the question) or a forum (answers new posts)')
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildForum)
          .setRequired(true),
      )
      .addBooleanOption((o) => o.setName('enabled').setDescription('Answer there (true) or stop (false)').setRequired(true))
      .addNumberOption((o) =>
        o
          .setName('min_confidence')
          .setDescription('Least confidence to post, 0–1 (default: any clear answer)')
          .setMinValue(0)
          .setMaxValue(1),
      ),
  )
  .addSubcommand((s) => s.setName('show').setDescription('Show where auto-answers are on, and whether they run'))
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild);

export async function execute(ctx: CommandContext): Promise<void> {
  if (!ctx.invoker.inGuild || !ctx.invoker.guildId) return ctx.reply(renderError('/config works only in a server.'));
  if (!ctx.invoker.isModerator) return ctx.reply(renderError('Only moderators can change the bot’s settings.'));
  const control = ctx.autoAnswer;
  if (!control) return ctx.reply(renderError('Auto-answers are not available here.'));
  if (ctx.options.getSubcommand() === 'show') return show(ctx, ctx.invoker.guildId);

  const channel = ctx.options.getChannel('channel');
  const enabled = ctx.options.getBoolean('enabled');
  const minConfidence = ctx.options.getNumber('min_confidence');
  if (!channel || enabled === null) return ctx.reply(renderError('Pick a channel, and whether auto-answers are on there.'));
  const kind = channel.type === ChannelType.GuildForum ? 'forum' : channel.type === ChannelType.GuildText ? 'text' : undefined;
  if (!kind) return ctx.reply(renderError('Auto-answers work in text channels and forums only.'));
  if (minConfidence !== null && !(minConfidence >= 0 && minConfidence <= 1))
    return ctx.reply(renderError('min_confidence is a number from 0 to 1.'));
  const status = control.status();
  if (status.mode === 'off' || !status.settingsAvailable) return ctx.reply(renderError(autoAnswerProblem(status)!));

  // Turning on the first channel reconnects to Discord with the message intents, which takes a few seconds.
  await ctx.defer({ ephemeral: true });
  let setting;
  try {
    setting = await control.configure({
      guildId: ctx.invoker.guildId,
      channelId: channel.id,
      kind,
      enabled,
      ...(minConfidence !== null && { minConfidence }),
    });
  } catch (err) {
    ctx.log(`/config autoanswer failed: ${(err as Error).message}`);
    return ctx.reply(renderError(`The setting could not be saved: ${(err as Error).message}.`));
  }
  ctx.log(`auto-answers ${enabled ? 'enabled' : 'disabled'} in ${channel.id} by ${ctx.invoker.name}`);
  const where = `<#${channel.id}>`;
  const lines = enabled
    ? [
        kind === 'forum'
          ? `New posts in ${where} get an answer in their thread when the bot is confident.`
          : `Questions in ${where} get an answer in a thread started on them when the bot is confident.`,
        setting.minConfidence === undefined
          ? 'Any clear answer is posted.'
          : `Only answers with a confidence of at least ${setting.minConfidence}.`,
      ]
    : [`Auto-answers are off in ${where}.`];
  const problem = enabled ? autoAnswerProblem(control.status()) : undefined;
  if (problem) lines.push('', `⚠️ ${problem}`);
  const missing = enabled ? missingPermissions(kind, channel.botPermissions) : [];
  if (missing.length)
    lines.push(
      '',
      `⚠️ I am missing ${missing.join(', ')} in ${where}: a server admin can grant them to my role there (or to me in the channel’s permissions).`,
    );
  await ctx.reply({ ...renderNotice('Auto-answers', lines.join('\n')), ephemeral: true });
}

async function show(ctx: CommandContext, guildId: string): Promise<void> {
  const control = ctx.autoAnswer!;
  const status = control.status();
  const channels = control.enabledIn(guildId);
  const lines =
    channels.length > 0
      ? ['Auto-answers are on in:', ...renderChannelList(channels)]
      : ['Auto-answers are not on in any channel. Turn them on with `/config autoanswer`.'];
  lines.push(
    '',
    `At most ${status.rate.limit} auto-answer${status.rate.limit === 1 ? '' : 's'} per channel in any ${describeMs(status.rate.windowMs)} (AUTOANSWER_RATE).`,
  );
  const problem = autoAnswerProblem(status);
  if (problem && (channels.length > 0 || status.mode !== 'auto')) lines.push('', `⚠️ ${problem}`);
  await ctx.reply({ ...renderNotice('Settings', lines.join('\n')), ephemeral: true });
}

/**
 * What the bot lacks in a channel to post auto-answers there: in a forum,
 * to reply in posts; in a text channel, also to start threads. Nothing when
 * its permissions are unknown.
 */
function missingPermissions(kind: 'text' | 'forum', permissions: bigint | undefined): string[] {
  if (permissions === undefined || permissions & PermissionFlagsBits.Administrator) return [];
  const needed = [{ flag: PermissionFlagsBits.ViewChannel, name: 'View Channel' }, ...AUTO_ANSWER_PERMISSIONS].filter(
    (p) => kind === 'text' || p.flag !== PermissionFlagsBits.CreatePublicThreads,
  );
  return needed.filter((p) => (permissions & p.flag) === 0n).map((p) => `**${p.name}**`);
}

function describeMs(ms: number): string {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return ms === 60_000 ? 'minute' : `${ms / 60_000} minutes`;
  return ms % 1000 === 0 ? `${ms / 1000} seconds` : `${ms} ms`;
}

/** The buttons of auto-answers. */
export async function button(ctx: ButtonContext): Promise<void> {
  const [, action, authorId, answerId] = ctx.args;
  if (action === 'reask') {
    const question = questionFromContent(ctx.message.content);
    const example = question ? ` For example: \`/ask question: ${escapeMarkdown(truncate(question, 200)).replace(/`/g, "'")}\`` : '';
    return ctx.reply({
      ...renderNotice(
        'Ask again',
        `Type \`/ask\` with your question in your own words; add \`private: true\` to see the answer alone.${example}`,
      ),
      ephemeral: true,
    });
  }
  if (action !== 'dismiss' || !authorId) return ctx.reply(renderError('This button does nothing.'));
  if (ctx.invoker.id !== authorId) {
    if (answerId && ctx.record) return recordVote(ctx, answerId, false);
    return ctx.reply(renderError('Only the member who asked can remove this answer.'));
  }
  if (answerId && ctx.record) {
    try {
      ctx.record.vote(answerId, ctx.invoker.id, false);
    } catch (err) {
      ctx.log(`could not record a vote: ${(err as Error).message}`);
    }
  }
  await ctx.reply({ ...renderNotice('Removed', 'Thanks — the answer is removed. Try `/ask` in your own words.'), ephemeral: true });
  const removed = (await ctx.removeMessage?.()) ?? false;
  if (!removed) ctx.log(`could not remove the auto-answer that ${ctx.invoker.name} marked not helpful`);
}
