/**
 * /help — what the bot does and how to use it.
 */
import { SlashCommandBuilder } from 'discord.js';
import type { CommandContext } from '../src/interaction/types.ts';

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
          '**/reload** — moderators: re-read the corpus folder after editing it. Answers keep flowing meanwhile.',
          '**/corpus** `add` `list` `remove` — moderators: add a document (a file, or a link to a web page, PDF or text), list what was added, remove it.',
          '**/help** — this message.',
          '',
          'Tips: name the thing you want ("Operation Unifier", "sanctions"); small typos are forgiven; if nothing fits, I say so rather than guess.',
        ].join('\n'),
      },
    ],
  });
}
