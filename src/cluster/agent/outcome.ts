// From a decision or a transaction's result to what the agent reports (pure): the Outcome for the
// MirrorNode status, the Events, and the metric result. Success is only what the transaction (or a
// plan in sync) showed; a lock held by another transaction is "busy": report nothing, retry.
import type { TxResult } from '../../transaction/types.js';
import type { NodeState } from '../api/mirrornode.js';
import type { Decision } from './decide.js';
import { EVENT_REASONS, type EventReason } from './events.js';
import type { Outcome } from './node-status.js';
import { describeDiagnostic, type PlanView, warningCodes } from './plan-view.js';

export type ApplyResult = 'applied' | 'unchanged' | 'failed' | 'rolled-back' | 'pending';

export interface Report {
  outcome: Outcome;
  events: { reason: EventReason; note: string }[];
  /** mirrorctl_applies_total{result}. */
  result: ApplyResult;
  /** Runtime actions performed and rollbacks (metrics). */
  restarted?: 'restart' | 'reload';
  rolledBack?: boolean;
}

/** Another transaction holds the node's lock (the apply Job, an operator): try again shortly. */
export const LOCK_HELD = 'agent.lock.held';
export const isBusy = (tx: TxResult): boolean =>
  tx.status === 'refused' && tx.diagnostics.some((d) => d.code === LOCK_HELD);

const noneAction = 'none' as const;

/** Where the node stands before this reconcile, as far as drift is concerned. */
export interface Before {
  /** status.appliedRevision = the revision planned: a change now is drift, not a new revision. */
  holdsRevision: boolean;
}

/** A decision that ran no transaction: refused, waiting for a permit, or in sync. */
export function reportDecision(revision: string, view: PlanView, d: Decision, before: Before): Report {
  const base = {
    revision,
    warnings: view.warnings,
    ...(view.runtime ? { runtime: view.runtime } : {}),
    ...(view.detectedTarget ? { target: view.detectedTarget } : {}),
    changedFiles: false,
  };
  if (d.kind === 'refuse')
    return {
      outcome: { ...base, state: d.state, action: noneAction, message: d.message, holds: 'previous' },
      events: d.state === 'Failed' ? [{ reason: EVENT_REASONS.failed, note: d.message }] : [],
      result: 'failed',
    };
  if (d.kind === 'wait')
    return {
      outcome: {
        ...base,
        state: d.state,
        action: d.state === 'PendingRestart' ? 'restart' : 'reload',
        message: d.message,
        holds: 'previous',
        ...(before.holdsRevision ? { drift: 'pending' as const } : {}),
      },
      events: [],
      result: 'pending',
    };
  if (d.kind === 'in-sync')
    return {
      outcome: { ...base, state: 'Applied', action: noneAction, message: 'in sync', holds: 'revision' },
      events: [],
      result: 'unchanged',
    };
  throw new Error('bug: an apply decision is reported from its transaction');
}

const firstError = (tx: TxResult): string => {
  const e = tx.diagnostics.find((d) => d.severity === 'error');
  return e ? describeDiagnostic(e) : (tx.steps.at(-1)?.message ?? tx.status);
};

/** The report of an apply (kind 'apply') or uninstall (kind 'uninstall') transaction. */
export function reportTransaction(
  revision: string,
  view: Pick<PlanView, 'runtime' | 'detectedTarget' | 'warnings'>,
  tx: TxResult,
  before: Before,
): Report {
  const uninstall = tx.kind === 'uninstall';
  const performed = tx.action && tx.action.kind !== 'none' ? tx.action.kind : undefined;
  const base = {
    revision,
    warnings: [...new Set([...view.warnings, ...warningCodes(tx.diagnostics)])],
    ...(view.runtime ? { runtime: view.runtime } : {}),
    ...(view.detectedTarget ? { target: view.detectedTarget } : {}),
    action: tx.action?.kind ?? noneAction,
  };
  if (tx.status === 'applied' || tx.status === 'unchanged') {
    const changed = tx.status === 'applied' && tx.changed.length > 0;
    const drift = !uninstall && changed && before.holdsRevision;
    const events: Report['events'] = [];
    const steps = tx.steps.map((s) => s.message).filter((m) => m !== '');
    if (performed)
      events.push({
        reason: performed === 'restart' ? EVENT_REASONS.restarted : EVENT_REASONS.reloaded,
        note: `${tx.action?.service} ${performed === 'restart' ? 'restarted' : 'reloaded'} and healthy: ${steps.at(-2) ?? ''}`.trim(),
      });
    const files = `${tx.changed.length} file(s)`;
    if (uninstall && tx.status === 'applied')
      events.push({ reason: EVENT_REASONS.uninstalled, note: `${files} restored to their original bytes` });
    else if (drift)
      events.push({
        reason: EVENT_REASONS.driftRepaired,
        note: `${files} differed from revision ${revision} and were rewritten: ${tx.changed.join(', ')}`,
      });
    else if (changed)
      events.push({ reason: EVENT_REASONS.applied, note: `revision ${revision}: ${files} written` });
    const state: NodeState = uninstall ? 'Uninstalled' : 'Applied';
    return {
      outcome: {
        ...base,
        state,
        message: uninstall
          ? tx.status === 'applied'
            ? `${files} restored${performed ? `, ${tx.action?.service} ${performed}ed` : ''}`
            : 'nothing of mirrorctl left on this node'
          : changed
            ? `revision ${revision} applied (${files}${performed ? `, ${tx.action?.service} ${performed}ed` : ''})`
            : 'in sync',
        holds: uninstall ? 'nothing' : 'revision',
        changedFiles: changed,
        ...(drift ? { drift: 'repaired' as const } : {}),
      },
      events,
      result: tx.status === 'applied' ? 'applied' : 'unchanged',
      ...(performed ? { restarted: performed } : {}),
    };
  }
  if (tx.status === 'rolled-back') {
    const message = `rolled back: ${tx.runtimeError ?? firstError(tx)}; every file restored`;
    return {
      outcome: { ...base, state: 'RolledBack', message, holds: 'previous', changedFiles: false },
      events: [{ reason: EVENT_REASONS.rolledBack, note: message }],
      result: 'rolled-back',
      rolledBack: true,
    };
  }
  // refused (not the lock: see isBusy), failed before writing, or a rollback that failed too.
  const message =
    tx.status === 'rollback-failed'
      ? `the rollback failed too (a human should look; the next run retries it): ${tx.runtimeError ?? firstError(tx)}`
      : `${uninstall ? 'uninstall' : 'apply'} ${tx.status}: ${tx.runtimeError ?? firstError(tx)}`;
  return {
    outcome: {
      ...base,
      state: 'Failed',
      message,
      // After a failed rollback nobody can say what the files hold.
      holds: tx.status === 'rollback-failed' ? 'unknown' : 'previous',
      changedFiles: false,
    },
    events: [{ reason: EVENT_REASONS.failed, note: message }],
    result: 'failed',
  };
}
