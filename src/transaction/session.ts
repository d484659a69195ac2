// Runs one transaction command under the lock: acquire (taking over a dead holder's), recover an
// interrupted transaction, read state.json, run the body, release. Shared by apply, rollback and
// uninstall so all three are locked and recoverable the same way.
import type { Host } from '../host/ports.js';
import { report, resultOf, stateDirOf, type TxContext, toDiagnostic } from './context.js';
import { acquireLock, releaseLock } from './lock.js';
import { recoverInterrupted } from './recover.js';
import { emptyState, readJsonDoc, statePaths, type TxState, txStateSchema } from './state-files.js';
import type { StepReport, TxKind, TxOptions, TxResult } from './types.js';

export type SessionBody = (ctx: TxContext, state: TxState) => Promise<TxResult & { cleanupDirs?: string[] }>;

export async function runSession(
  host: Host,
  opts: TxOptions,
  kind: TxKind,
  body: SessionBody,
): Promise<TxResult> {
  const stateDir = stateDirOf(opts);
  const steps: StepReport[] = [];
  const pre = { host, opts, steps };
  let lockResult: Awaited<ReturnType<typeof acquireLock>>;
  try {
    lockResult = await acquireLock(host.fs, stateDir, opts.probe, host.now());
  } catch (e) {
    await report(pre, 'lock', false, toDiagnostic(e).message);
    return resultOf(kind, 'failed', steps, [toDiagnostic(e, statePaths(stateDir).lock)]);
  }
  if (!lockResult.ok) {
    await report(pre, 'lock', false, lockResult.diagnostic.message);
    return resultOf(kind, 'refused', steps, [lockResult.diagnostic]);
  }
  const lock = lockResult.lock;
  const taken = lock.tookOverFrom ? ` (taken over from dead pid ${lock.tookOverFrom.pid})` : '';
  await report(pre, 'lock', true, `${statePaths(stateDir).lock}${taken}`);

  let cleanupDirs: string[] = [];
  try {
    const read = await readJsonDoc(host.fs, statePaths(stateDir).state, txStateSchema);
    if (!read.ok) return resultOf(kind, 'refused', steps, [read.diagnostic]);
    const ctx: TxContext = { host, opts, stateDir, lock, steps, hadState: read.value !== null };
    const rec = await recoverInterrupted(ctx, read.value);
    const recovered = rec.report ? { recovered: rec.report } : {};
    if (!rec.ok) return resultOf(kind, 'rollback-failed', steps, [rec.diagnostic], recovered);
    ctx.hadState = rec.state !== null;
    if (rec.report) ctx.recovered = rec.report;
    const result = await body(ctx, rec.state ?? emptyState(lock.createdDirs));
    cleanupDirs = result.cleanupDirs ?? [];
    const { cleanupDirs: _omit, ...plain } = result;
    return { ...plain, ...recovered };
  } catch (e) {
    const d = toDiagnostic(e);
    await report(pre, kind, false, d.message);
    return resultOf(kind, 'failed', steps, [d]);
  } finally {
    try {
      await releaseLock(host.fs, lock, cleanupDirs);
    } catch (e) {
      // A stale lock is taken over by the next run (its owner is gone by then).
      host.log.warn(`could not release ${statePaths(stateDir).lock}: ${toDiagnostic(e).message}`);
    }
  }
}

/** Only recovery: take the lock, finish or undo an interrupted transaction, release. */
export const recoverHost = (host: Host, opts: TxOptions, kind: TxKind = 'apply'): Promise<TxResult> =>
  runSession(host, opts, kind, async (ctx) => resultOf(kind, 'unchanged', ctx.steps, []));
