// Inputs and results of the transactions (apply, rollback, uninstall). Results are values:
// nothing here throws for an expected failure; exitCodeFor maps a result to the CLI exit code.
import type { Diagnostic } from '../diagnostics.js';
import { ExitCode } from '../exit-codes.js';
import type { ProcessProbe, RuntimeControl, RuntimeHealth } from '../host/runtime-port.js';
import type { RuntimeAction } from '../plan/types.js';

export type TxKind = 'apply' | 'rollback' | 'uninstall';

export type TxStatus =
  /** Nothing to do: the host already matches. */
  | 'unchanged'
  | 'applied'
  /** Refused before anything was written (drift since the plan, lock held, unreadable file). */
  | 'refused'
  /** Failed before any file changed. */
  | 'failed'
  /** Failed after changing files; every file was restored and the runtime brought back. */
  | 'rolled-back'
  /** Restoring failed too: the journal is kept, the next run retries; a human should look. */
  | 'rollback-failed';

export interface StepReport {
  step: string;
  ok: boolean;
  message: string;
}

export interface RecoveryReport {
  txid: string;
  kind: TxKind;
  /** committed: it had finished; rolled-back: its files were restored; discarded: nothing had changed. */
  outcome: 'committed' | 'rolled-back' | 'discarded' | 'rollback-failed';
  /** Node paths the recovery changed back (rolled-back only): a plan made before it is stale there. */
  restored?: string[];
}

export interface TxResult {
  kind: TxKind;
  status: TxStatus;
  txid?: string;
  /** Paths whose content changed (and stayed changed, unless rolled back). */
  changed: string[];
  /** The runtime action performed, if any. */
  action?: RuntimeAction;
  /** The runtime's own error when the action or the health check failed. */
  runtimeError?: string;
  recovered?: RecoveryReport;
  steps: StepReport[];
  diagnostics: Diagnostic[];
}

export interface TxOptions {
  control: RuntimeControl;
  health: RuntimeHealth;
  probe: ProcessProbe;
  /** Node path of the state dir (journal, lock, backups, state.json). Default /var/lib/mirrorctl. */
  stateDir?: string;
  /** How long the runtime may take to answer after a restart/reload. Default 30 s. */
  healthTimeoutMs?: number;
  /** How long a restart/reload command may run. Default 90 s (systemd's default stop timeout). */
  actionTimeoutMs?: number;
  /** Write the files but leave the restart/reload to the operator: recorded as pending in state.json. */
  deferAction?: boolean;
  /** Roll back / uninstall even when files changed since mirrorctl wrote them. */
  force?: boolean;
  /** Called after each step completes (tests pause or crash here). */
  onStep?: (step: string) => void | Promise<void>;
}

const EXIT: Record<TxStatus, ExitCode> = {
  unchanged: ExitCode.OK,
  applied: ExitCode.OK,
  refused: ExitCode.CONFLICT,
  failed: ExitCode.FAILED_RESTORED,
  'rolled-back': ExitCode.FAILED_RESTORED,
  'rollback-failed': ExitCode.ROLLBACK_FAILED,
};

/** 0 applied/unchanged, 3 failed but host restored, 4 rollback failed, 5 refused before writing. */
export const exitCodeFor = (r: Pick<TxResult, 'status'>): number => EXIT[r.status];

/** An expected transaction failure raised deep in a step (damaged backup …); caught into a Diagnostic. */
export class TxError extends Error {
  constructor(
    readonly code: string,
    readonly file: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'TxError';
  }
}
