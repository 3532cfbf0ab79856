/**
 * Everything the program writes to a terminal goes through here: operator
 * logs (one line each, on stderr, with a timestamp), fatal errors, and the
 * CLI's own output. Secrets registered with {@link redactSecret} (the bot
 * token) are masked in every line, whatever wrote it, and so is anything
 * shaped like a Discord token, wherever it came from (a REST error echoing
 * headers, a token pasted into the wrong setting, a stack trace).
 */
const secrets = new Set<string>();

/**
 * The shape of a Discord bot token: three base64url parts, the user id, a
 * timestamp and an HMAC (https://discord.com/developers/docs/reference#authentication).
 */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{18,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$/;
const TOKEN_ANYWHERE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{18,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}/g;

/** Whether `text` contains something shaped like a bot token. */
export function containsToken(text: string): boolean {
  return new RegExp(TOKEN_ANYWHERE.source).test(text);
}

/** Masks `secret` (and its lower-case form, as a host name shows it) in everything written from now on. */
export function redactSecret(secret: string | undefined): void {
  if (!secret || secret.length < 8) return;
  secrets.add(secret);
  secrets.add(secret.toLowerCase());
}

/** Replaces every registered secret, and anything shaped like a token, in `text` with `[redacted]`. */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
  return out.replace(TOKEN_ANYWHERE, '[redacted]');
}

/**
 * Masks only the registered secrets: for text quoted from the corpus, which
 * must reach users as written unless it holds the bot's own token.
 */
export function redactRegistered(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

export type LogLevel = 'info' | 'warn' | 'error';

/** Said before every log line of this process, e.g. `[shard 1] ` (several shards write to one terminal). */
let tag = '';

/** Marks every later log line of this process with `name` (a shard process calls it with `shard N`). */
export function setLogTag(name: string): void {
  tag = `[${name}] `;
}

/** Writes one log line to stderr. */
export function log(level: LogLevel, message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${tag}${redact(message)}\n`);
}

/** Writes text to stderr as it is (CLI messages, progress), secrets masked. */
export function writeStderr(text: string): void {
  process.stderr.write(redact(text));
}

/** Writes text to stdout (answers, JSON), with the registered secrets masked. */
export function writeStdout(text: string): void {
  process.stdout.write(redactRegistered(text));
}

/** The message of an error, or the value as text, for one line of output. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
