/**
 * Byte → text helpers shared by the .txt/.md and .jsonl readers.
 *
 * Normalization is deliberately minimal (BOM, line endings): later stages
 * clean the text, and sentence offsets must point into exactly the string the
 * loader returns.
 */

/** 1 MiB in bytes. */
export const MiB = 1024 * 1024;

// `fatal` makes invalid UTF-8 throw instead of becoming U+FFFD, so a Latin-1
// or Windows-1252 file is reported rather than quoted with garbled characters.
// `ignoreBOM` keeps the BOM in the output so `normalizeText` is the one place
// that strips it (also for text coming from JSON strings).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes strict UTF-8; `undefined` if the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Removes a leading BOM and turns `\r\n` and lone `\r` into `\n`. Nothing else. */
export function normalizeText(text: string): string {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.includes('\r') ? withoutBom.replace(/\r\n?/g, '\n') : withoutBom;
}

/**
 * Why `bytes` (the start of a file, or all of it) is not text, or `undefined`.
 * UTF-16 gets its own message because "binary file" would puzzle someone who
 * just saved a text file from Notepad.
 */
export function sniffNonText(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return 'UTF-16 text (only UTF-8 is supported)';
  }
  if (bytes.indexOf(0) !== -1) return 'binary file (contains NUL bytes)';
  return undefined;
}

/** True if `text` is empty or only whitespace. */
export function isBlank(text: string): boolean {
  return text.trim() === '';
}

/**
 * Formats a byte count for messages: `20.0 MiB`, `3.5 KiB`, `200 B`.
 * With `trimZero`, a whole number drops its `.0` (`16 MiB`), which reads
 * better for configured limits.
 */
export function formatBytes(bytes: number, trimZero = false): string {
  const format = (value: number, unit: string): string => {
    const fixed = value.toFixed(1);
    return `${trimZero && fixed.endsWith('.0') ? fixed.slice(0, -2) : fixed} ${unit}`;
  };
  if (bytes >= MiB) return format(bytes / MiB, 'MiB');
  if (bytes >= 1024) return format(bytes / 1024, 'KiB');
  return `${bytes} B`;
}

/** `"file too large (20.0 MiB > 16 MiB limit)"`-style message body. */
export function tooLarge(what: string, bytes: number, limit: number): string {
  return `${what} too large (${formatBytes(bytes)} > ${formatBytes(limit, true)} limit)`;
}

/** Shortens `text` for quoting in a message. */
export function excerpt(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
