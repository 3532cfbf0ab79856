/**
 * Reading a console line as a slash command, for any command, from its own
 * definition: `/name [subcommand] free text name:value name:"two words"`.
 *
 * - A first word that names one of the command's subcommands selects it.
 * - `name:value` sets the option of that name (a value with spaces in
 *   quotes), converted by the option's type: integers and numbers must parse,
 *   booleans are true/yes/1 or false/no/0.
 * - The remaining free text fills the first string option not set by name
 *   (a question, an article): `/ask how big is it results:2`.
 *
 * Pure: the console does the I/O.
 */
import { ApplicationCommandOptionType, type APIApplicationCommandOption, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';

/** Option values of one console command line. */
export type ConsoleValues = Record<string, string | number | boolean>;

/** A console line read against a command's definition. */
export type ParsedConsoleCommand =
  { ok: true; subcommand?: string; values: ConsoleValues; autocomplete: string[] } | { ok: false; error: string };

const NAMED = /(?:^|\s)([a-z0-9_-]+):(?:"([^"]*)"|(\S+))/gi;

/** Options that take values (not subcommands), with their types. */
type ValueOption = Exclude<
  APIApplicationCommandOption,
  { type: ApplicationCommandOptionType.Subcommand | ApplicationCommandOptionType.SubcommandGroup }
>;

/** Reads `argText` (the line after `/name`) as options of `definition`. */
export function parseConsoleCommand(definition: RESTPostAPIApplicationCommandsJSONBody, argText: string): ParsedConsoleCommand {
  let text = argText.trim();
  let options: readonly APIApplicationCommandOption[] = ('options' in definition && definition.options) || [];
  let subcommand: string | undefined;
  const subcommands = options.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
  if (subcommands.length > 0) {
    const [first = '', ...rest] = text.split(/\s+/);
    const chosen = subcommands.find((o) => o.name === first.toLowerCase());
    if (!chosen) return { ok: false, error: `/${definition.name} needs one of: ${subcommands.map((o) => o.name).join(', ')}` };
    subcommand = chosen.name;
    options = chosen.options ?? [];
    text = rest.join(' ');
  }
  const valueOptions = options.filter(
    (o): o is ValueOption => o.type !== ApplicationCommandOptionType.Subcommand && o.type !== ApplicationCommandOptionType.SubcommandGroup,
  );
  const values: ConsoleValues = {};
  let free = '';
  let at = 0;
  for (const m of text.matchAll(NAMED)) {
    const option = valueOptions.find((o) => o.name === m[1]!.toLowerCase());
    if (!option) continue; // "Note: this" is free text, not an option
    const converted = convert(option, m[2] ?? m[3] ?? '');
    if (typeof converted === 'object') return { ok: false, error: converted.error };
    values[option.name] = converted;
    free += text.slice(at, m.index);
    at = m.index + m[0].length;
  }
  free = (free + text.slice(at)).trim();
  if (free) {
    const target = valueOptions.find((o) => o.type === ApplicationCommandOptionType.String && !(o.name in values));
    if (!target)
      return { ok: false, error: `/${definition.name}${subcommand ? ` ${subcommand}` : ''} takes no free text ("${free.slice(0, 40)}")` };
    values[target.name] = free;
  }
  const missing = valueOptions.filter((o) => o.required && !(o.name in values)).map((o) => o.name);
  if (missing.length > 0)
    return { ok: false, error: `/${definition.name}${subcommand ? ` ${subcommand}` : ''} needs ${missing.map((n) => `${n}:`).join(', ')}` };
  const autocomplete = valueOptions.filter((o) => 'autocomplete' in o && o.autocomplete && o.name in values).map((o) => o.name);
  return { ok: true, ...(subcommand && { subcommand }), values, autocomplete };
}

function convert(option: ValueOption, raw: string): string | number | boolean | { error: string } {
  switch (option.type) {
    case ApplicationCommandOptionType.Integer:
    case ApplicationCommandOptionType.Number: {
      const n = Number(raw);
      const integer = option.type === ApplicationCommandOptionType.Integer;
      if (raw === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
        return { error: `${option.name}: must be ${integer ? 'a whole number' : 'a number'} (got "${raw.slice(0, 20)}")` };
      return n;
    }
    case ApplicationCommandOptionType.Boolean:
      if (/^(?:true|yes|1)$/i.test(raw)) return true;
      if (/^(?:false|no|0)$/i.test(raw)) return false;
      return { error: `${option.name}: must be true or false (got "${raw.slice(0, 20)}")` };
    default:
      return raw;
  }
}
