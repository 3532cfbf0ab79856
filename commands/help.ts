/**
 * /help — what the bot does and how to use it.
 */
import { SlashCommandBuilder } from 'discord.js';
import type { CommandContext } from '../src/interaction/types.ts';

/** What is recorded, for how long, and how to turn it off (README, "What Verbatim records"). */
function recordNote(retentionDays: number | undefined): string {
  if (retentionDays === undefined) return '**What I record:** nothing — recording of questions is off on this bot.';
  return (
    `**What I record:** each question (for Find sources, the words searched), whether it was answered, which sentences were quoted, ` +
    `the time taken and the Helpful / Not helpful votes, for ${retentionDays} days. Who asked is not recorded; ` +
    'votes are kept under a keyed hash of your id, never the id itself. Moderators see the totals and unanswered questions with /stats. ' +
    'The bot’s operator turns recording off with RECORD_QUESTIONS=false.'
  );
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`;
}

export const data = new SlashCommandBuilder().setName('help').setDescription('What this bot does and how to use it');

export async function execute(ctx: CommandContext): Promise<void> {
  const status = await ctx.engine.status();
  const n = (x: number) => x.toLocaleString('en');
  await ctx.reply({
    ephemeral: true,
    embeds: [
      {
        color: 0x6b7280,
        title: 'Verbatim',
        description: [
          `I answer questions by quoting the corpus: ${n(status.articles)} articles, ${n(status.sentences)} sentences. Every word of an answer is a quote, and every quote says where it came from. Nothing is generated.`,
          '',
          '**/ask** `question` — the best sentences, matched words in bold, each with its source. Options: `results` (1–5), `private` (only you see it). Buttons: **Source N** opens the article at that quote, **More** shows the next quotes.',
          '**/source** `article` — read an article; start typing a title and pick one.',
          '**Find sources** — on any message: Apps → Find sources quotes the sentences that match what it says (only you see them).',
          '**/reload** — moderators: re-read the corpus folder after editing it. Answers keep flowing meanwhile.',
          '**/stats** `days` — moderators: questions asked, answered and voted helpful, the unanswered ones grouped by their words, the most and least quoted articles.',
          '**/corpus** `add` `list` `remove` — moderators: add a document (a file, or a link to a web page, PDF or text), list what was added, remove it.',
          '**/config** `autoanswer` `show` — moderators: help channels and forums where I answer new questions by myself, only when the answer is clear, in a thread.',
          '**/help** — this message.',
          '',
          'Tips: name the thing you want ("Operation Unifier", "sanctions"); small typos are forgiven; if nothing fits, I say so rather than guess.',
          ...(ctx.cooldown
            ? [`Fair use: at most ${ctx.cooldown.limit} questions per ${seconds(ctx.cooldown.windowMs)} each (moderators are exempt).`]
            : []),
          '',
          recordNote(ctx.record?.retentionDays),
        ].join('\n'),
      },
    ],
  });
}
