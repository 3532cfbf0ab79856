/**
 * Operator logs: one line each, on stderr, with a timestamp. Secrets
 * registered with {@link redactSecret} (the bot token) are masked in every
 * line, whatever wrote it, as a last guard against leaking them.
 */
const secrets = new Set<string>();

/** Masks `secret` in every later log line. */
export function redactSecret(secret: string | undefined): void {
  if (secret && secret.length >= 8) secrets.add(secret);
}

/** Replaces every registered secret in `text` with `[redacted]`. */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}

export type LogLevel = 'info' | 'warn' | 'error';

/** Writes one log line to stderr. */
export function log(level: LogLevel, message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${redact(message)}\n`);
}
