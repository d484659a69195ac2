// Typed failures of a HostFs adapter. Adapters throw these (never bare Node errors) so callers can
// turn them into Diagnostics that name the path and the fix; errno is kept for ENOSPC/EROFS handling.
import type { Diagnostic } from '../diagnostics.js';

export type HostFsErrorCode =
  | 'host.fs.escape'
  | 'host.fs.symlink-loop'
  | 'host.fs.too-large'
  | 'host.fs.not-regular'
  | 'host.fs.not-dir'
  | 'host.fs.not-utf8'
  | 'host.fs.io'
  | 'host.fs.lock-tool';

export class HostFsError extends Error {
  constructor(
    readonly code: HostFsErrorCode,
    /** Node path (as the caller wrote it) the operation was about. */
    readonly path: string,
    message: string,
    /** Errno name for I/O failures (ENOSPC, EROFS, EACCES …). */
    readonly errno?: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'HostFsError';
  }
}

/** Largest file mirrorctl reads: config files are small; anything bigger is not ours to parse. */
export const MAX_READ_BYTES = 4 * 1024 * 1024;

const HINTS: Record<HostFsErrorCode, string> = {
  'host.fs.escape': 'replace the symlink with a regular file or a link that stays inside the root',
  'host.fs.symlink-loop': 'remove the symlink loop',
  'host.fs.too-large': 'this is not a runtime config file mirrorctl can manage; move it away',
  'host.fs.not-regular': 'replace it with a regular file, or move it away',
  'host.fs.not-dir': 'a file is in the way of a directory mirrorctl needs; move it away',
  'host.fs.not-utf8':
    'the file is binary or not UTF-8 (runtimes read UTF-8 configs); restore it from a backup',
  'host.fs.io': 'check free space, mount options (read-only?) and permissions, then re-run',
  'host.fs.lock-tool':
    'install util-linux (its `flock`): mirrorctl holds its lock with flock(2) through it; an agent image must ship it',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Host config bytes → text. Strict: a lenient decoder turns invalid bytes into U+FFFD, and a later
 * patch would write those back, silently changing bytes mirrorctl never meant to touch.
 */
export function decodeHostText(bytes: Uint8Array, path: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HostFsError('host.fs.not-utf8', path, 'is not valid UTF-8 text');
  }
}

/** Any thrown value from a HostFs call → a Diagnostic (unknown errors keep their message). */
export function fsErrorToDiagnostic(err: unknown, fallbackPath?: string): Diagnostic {
  if (err instanceof HostFsError) {
    return {
      severity: 'error',
      code: err.code,
      file: err.path,
      message: err.errno ? `${err.message} (${err.errno})` : err.message,
      hint: HINTS[err.code],
    };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    severity: 'error',
    code: 'host.fs.io',
    ...(fallbackPath ? { file: fallbackPath } : {}),
    message: e.message,
    hint: HINTS['host.fs.io'],
  };
}
