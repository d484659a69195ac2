// Stable exit codes (docs/exit-codes.md), in one place for every layer: the transaction results, the
// node entry points and the CLI map to these. Expected failures come back as values with one of these.
export const ExitCode = {
  OK: 0,
  /** plan: changes pending; verify/preflight: a check failed. */
  PENDING_OR_CHECK_FAILED: 1,
  /** Invalid input, or an entry the target cannot express. */
  INVALID_INPUT: 2,
  /** apply failed but the host was restored. */
  FAILED_RESTORED: 3,
  /** Rollback failed: the host needs a human. */
  ROLLBACK_FAILED: 4,
  /** Conflict on the host refused before writing (legacy mirrors, foreign config_path, …). */
  CONFLICT: 5,
  /** A bug: an exception without a code. */
  INTERNAL: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure carrying its exit code; anything else thrown is a bug (exit 70). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code = 'cli.error',
  ) {
    super(message);
    this.name = 'CliError';
  }
}
