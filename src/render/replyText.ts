/**
 * Renders a Discord reply (content, embeds, buttons) as terminal text, so the
 * local console shows exactly what the bot would send.
 */
import type { Reply } from '../interaction/types.ts';

/** Options of {@link renderReplyText}. */
export interface ReplyTextOptions {
  /** ANSI bold, underline and dim. Default false: markers are dropped. */
  color?: boolean;
}

const ANSI = { bold: ['\x1b[1m', '\x1b[22m'], underline: ['\x1b[4m', '\x1b[24m'], dim: ['\x1b[2m', '\x1b[22m'] } as const;

/** Discord markdown → terminal text: escapes resolved, bold/underline as ANSI (or dropped), `<url>` unwrapped. */
export function markdownToText(markdown: string, color = false): string {
  return markdown
    .split('\n')
    .map((line) => {
      const sub = line.startsWith('-# ');
      const text = inline(sub ? line.slice(3) : line, color);
      return sub && color ? ANSI.dim[0] + text + ANSI.dim[1] : text;
    })
    .join('\n');
}

function inline(line: string, color: boolean): string {
  let out = '';
  let bold = false;
  let underline = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      out += line[++i];
    } else if (line.startsWith('**', i)) {
      bold = !bold;
      if (color) out += bold ? ANSI.bold[0] : ANSI.bold[1];
      i++;
    } else if (line.startsWith('__', i)) {
      underline = !underline;
      if (color) out += underline ? ANSI.underline[0] : ANSI.underline[1];
      i++;
    } else if (c === '*') {
      // italics: no terminal equivalent worth the noise
    } else if (c === '<' && /^<https?:\/\/[^>\s]+>/.test(line.slice(i))) {
      const end = line.indexOf('>', i);
      out += line.slice(i + 1, end);
      i = end;
    } else {
      out += c;
    }
  }
  return out;
}

/** The whole reply as text: content, each embed, then the buttons as `[label]`. */
export function renderReplyText(reply: Reply, options: ReplyTextOptions = {}): string {
  const color = options.color ?? false;
  const dim = (s: string) => (color ? ANSI.dim[0] + s + ANSI.dim[1] : s);
  const bold = (s: string) => (color ? ANSI.bold[0] + s + ANSI.bold[1] : s);
  const parts: string[] = [];
  if (reply.ephemeral) parts.push(dim('(only you can see this)'));
  if (reply.content) parts.push(markdownToText(reply.content, color));
  for (const embed of reply.embeds ?? []) {
    if (embed.title) parts.push(bold(markdownToText(embed.title, false)) + (embed.url ? ` ${dim(embed.url)}` : ''));
    if (embed.description) parts.push(markdownToText(embed.description, color));
    for (const f of embed.fields ?? []) parts.push(`${bold(markdownToText(f.name, false))}\n${markdownToText(f.value, color)}`);
    if (embed.footer?.text) parts.push(dim(embed.footer.text));
  }
  const buttons = (reply.components ?? []).flatMap((row) => row.components).filter((b) => !b.disabled && 'label' in b && b.label);
  if (buttons.length) parts.push(dim(buttons.map((b) => `[${'label' in b ? b.label : ''}]`).join(' ')));
  return parts.join('\n\n');
}
