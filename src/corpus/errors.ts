/** Error helpers: turn Node's fs errors into reasons a corpus editor can act on. */

/**
 * Thrown by {@link listCorpusFiles} / {@link loadCorpus} when the corpus root
 * itself is unusable (missing, not a directory, unreadable). This is the only
 * error the corpus stage throws: problems below the root become `skipped`
 * items, but without a root there is nothing to load and a bot answering from
 * an empty corpus would silently look broken.
 */
export class CorpusRootError extends Error {
  override name = 'CorpusRootError';
}

/** The `code` of a Node system error (`ENOENT`, `EACCES`…), if any. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = err.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** Short, human-readable description of an fs error, without the absolute path. */
export function describeFsError(err: unknown): string {
  switch (errorCode(err)) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'not found (removed while loading?)';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EIO':
      return 'I/O error';
    default: {
      const code = errorCode(err);
      const message = err instanceof Error ? err.message : String(err);
      return code && !message.startsWith(code) ? `${code}: ${message}` : message;
    }
  }
}
