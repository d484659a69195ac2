// What every step of a transaction shares: the host, the options, the state dir, the step log.
import { randomBytes } from 'node:crypto';
import type { Diagnostic } from '../diagnostics.js';
import { fsErrorToDiagnostic } from '../host/fs-error.js';
import type { Host } from '../host/ports.js';
import type { HeldLock } from './lock.js';
import { DEFAULT_STATE_DIR } from './state-files.js';
import {
  type RecoveryReport,
  type StepReport,
  TxError,
  type TxKind,
  type TxOptions,
  type TxResult,
} from './types.js';

export interface TxContext {
  host: Host;
  opts: TxOptions;
  stateDir: string;
  lock: HeldLock;
  steps: StepReport[];
  /** state.json existed when the transaction started (a failed first commit must remove it). */
  hadState: boolean;
  /** What this session's recovery of an interrupted transaction did, if there was one. */
  recovered?: RecoveryReport;
}

export const stateDirOf = (opts: TxOptions): string => opts.stateDir ?? DEFAULT_STATE_DIR;
export const healthTimeout = (opts: TxOptions): number => opts.healthTimeoutMs ?? 30_000;
export const actionTimeout = (opts: TxOptions): number => opts.actionTimeoutMs ?? 90_000;

/** Records a step (✓/✗ on stderr) and, when it succeeded, gives the test hook its chance. */
export async function report(
  ctx: Pick<TxContext, 'host' | 'opts' | 'steps'>,
  step: string,
  ok: boolean,
  message: string,
) {
  ctx.steps.push({ step, ok, message });
  ctx.host.log.step(ok, `${step}: ${message}`);
  if (ok) await ctx.opts.onStep?.(step);
}

/** Sortable and unique: 20261125T170000123Z-9f3a1c. */
export const newTxid = (now: Date): string =>
  `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;

export function toDiagnostic(err: unknown, fallbackPath?: string): Diagnostic {
  if (err instanceof TxError)
    return {
      severity: 'error',
      code: err.code,
      file: err.file,
      message: err.message,
      ...(err.hint ? { hint: err.hint } : {}),
    };
  return fsErrorToDiagnostic(err, fallbackPath);
}

export const resultOf = (
  kind: TxKind,
  status: TxResult['status'],
  steps: StepReport[],
  diagnostics: Diagnostic[],
  extra: Partial<TxResult> = {},
): TxResult => ({ kind, status, changed: [], steps, diagnostics, ...extra });
