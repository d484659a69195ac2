// A runtime action left to the operator (--no-runtime-action) is remembered in state.json until it is
// done: performed by a later transaction, or observed (containerd's CRI reports the config_path the
// deferred change set). Until then the runtime still runs the previous config (issue 15.3).
import type { Diagnostic } from '../diagnostics.js';
import type { HostFs } from '../host/ports.js';
import type { ProcessProbe } from '../host/runtime-port.js';
import type { RuntimeAction } from '../plan/types.js';
import { acquireLock, releaseLock } from './lock.js';
import { type PendingAction, readJsonDoc, statePaths, txStateSchema, writeJsonDoc } from './state-files.js';

const RANK = { none: 0, reload: 1, restart: 2 } as const;

/** A performed action covers a pending one on the same service when it is at least as strong. */
export const covers = (done: RuntimeAction, pending: RuntimeAction): boolean =>
  done.service === pending.service && RANK[done.kind] >= RANK[pending.kind];

export const describePending = (p: PendingAction): string =>
  `${p.action.kind} of ${p.action.service} deferred by --no-runtime-action at ${p.since} (transaction ${p.txid})`;

/** What a transaction must do: its own action, or the pending one when that is stronger. */
export function effectiveAction(planned: RuntimeAction, pending: PendingAction | undefined): RuntimeAction {
  if (!pending || covers(planned, pending.action)) return planned;
  if (planned.kind !== 'none' && planned.service !== pending.action.service) return planned;
  return { ...pending.action, reason: `${describePending(pending)}, not performed yet` };
}

/** The pending action after a transaction that performed (or deferred) `action`. */
export function pendingAfter(
  pending: PendingAction | undefined,
  action: RuntimeAction,
  outcome: 'performed' | 'deferred',
  tx: { txid: string; at: string; evidence?: PendingAction['evidence'] },
): PendingAction | undefined {
  if (action.kind === 'none') return pending;
  if (outcome === 'performed') return pending && covers(action, pending.action) ? undefined : pending;
  // The earlier record stands when it is at least as strong (this may be it, re-stated).
  const stronger = pending && covers(pending.action, action) ? pending.action : action;
  // A restart loads every change so far, so the newest deferral's evidence speaks for all of them;
  // without one (e.g. a change that left config_path as it was) nothing can be observed.
  return {
    action: stronger,
    txid: pending?.txid ?? tx.txid,
    since: pending?.since ?? tx.at,
    ...(tx.evidence ? { evidence: tx.evidence } : {}),
  };
}

/**
 * verify saw the deferred action done (its evidence, e.g. the CRI's config_path): drop it from
 * state.json under the lock. 'gone' when another run already changed it; a Diagnostic when the lock
 * is held or a transaction is pending (left as is: the next apply settles it).
 */
export async function clearObservedAction(
  fs: HostFs,
  stateDir: string,
  probe: Pick<ProcessProbe, 'self'>,
  now: Date,
  txid: string,
): Promise<'cleared' | 'gone' | Diagnostic> {
  const l = await acquireLock(fs, stateDir, probe, now);
  if (!l.ok) return l.diagnostic;
  try {
    const p = statePaths(stateDir);
    if ((await fs.stat(p.journal)) !== null)
      return {
        severity: 'warning',
        code: 'agent.runtime-action.not-cleared',
        file: p.journal,
        message:
          'an interrupted transaction is pending: the deferred action stays recorded until the next apply',
      };
    const read = await readJsonDoc(fs, p.state, txStateSchema);
    if (!read.ok) return read.diagnostic;
    const state = read.value;
    if (!state?.pendingAction || state.pendingAction.txid !== txid) return 'gone';
    const { pendingAction: _done, ...rest } = state;
    await writeJsonDoc(fs, p.state, rest);
    return 'cleared';
  } finally {
    await releaseLock(fs, l.lock);
  }
}
