// Events (events.k8s.io/v1, regarding the MirrorSet) for what an operator wants
// in `kubectl describe`/`kubectl get events`: a wave started or completed, the rollout paused or
// resumed, a node failed, the spec was refused, the uninstall finished. Derived from the change
// between the previous and the new status, so a reconcile that changes nothing says nothing.
import type { KubeEvent } from '../../host/kube-port.js';
import { EVENTS_NAMESPACE } from '../agent/events.js';
import { findCondition, MIRRORSET_CONDITIONS, READY_REASONS } from '../api/conditions.js';
import { API_VERSION, MIRRORSET } from '../api/group.js';
import type { MirrorSetObject, MirrorSetStatus } from '../api/mirrorset.js';
import { REPORTING_CONTROLLER } from './names.js';
import type { EventIntent } from './types.js';

/** Per reconcile, so a wave of many failing nodes does not flood the namespace. */
const MAX_NODE_EVENTS = 10;

const names = (ns: readonly string[]): string =>
  ns.length <= 10 ? ns.join(', ') : `${ns.slice(0, 10).join(', ')} and ${ns.length - 10} more`;

export function statusEvents(prev: MirrorSetStatus | undefined, next: MirrorSetStatus): EventIntent[] {
  const out: EventIntent[] = [];
  const cond = (s: MirrorSetStatus | undefined, t: string) => findCondition(s?.conditions, t);
  const readyPrev = cond(prev, MIRRORSET_CONDITIONS.ready);
  const readyNext = cond(next, MIRRORSET_CONDITIONS.ready);
  if (readyNext?.reason === READY_REASONS.invalidSpec && readyPrev?.message !== readyNext.message)
    out.push({ type: 'Warning', reason: 'InvalidSpec', action: 'Validate', note: readyNext.message });
  const pw = prev?.revision === next.revision ? prev?.wave : undefined;
  const nw = next.wave;
  // A wave that finished and was followed at once by the next never shows Done in a status.
  if (pw && nw && nw.number > pw.number && pw.phase !== 'Done')
    out.push({
      type: 'Normal',
      reason: 'WaveCompleted',
      action: 'Soak',
      note: `wave ${pw.number} of revision ${next.revision ?? '?'} completed: ${names(pw.nodes)}`,
    });
  if (nw && (!pw || pw.number !== nw.number))
    out.push({
      type: 'Normal',
      reason: 'WaveStarted',
      action: 'Restart',
      note: `wave ${nw.number}${nw.number === 0 ? ' (canary)' : ''} of revision ${next.revision ?? '?'}: ${names(nw.nodes)}`,
    });
  if (nw?.phase === 'Done' && !(pw?.number === nw.number && pw.phase === 'Done'))
    out.push({
      type: 'Normal',
      reason: 'WaveCompleted',
      action: 'Soak',
      note: `wave ${nw.number} of revision ${next.revision ?? '?'} completed: ${names(nw.nodes)}`,
    });
  const pausedPrev = cond(prev, MIRRORSET_CONDITIONS.paused);
  const pausedNext = cond(next, MIRRORSET_CONDITIONS.paused);
  if (
    pausedNext?.status === 'True' &&
    (pausedPrev?.status !== 'True' || pausedPrev.reason !== pausedNext.reason)
  )
    out.push({
      type: 'Warning',
      reason: 'Paused',
      action: 'Pause',
      note: `${pausedNext.reason}: ${pausedNext.message}`,
    });
  if (pausedNext?.status !== 'True' && pausedPrev?.status === 'True')
    out.push({
      type: 'Normal',
      reason: 'Resumed',
      action: 'Resume',
      note:
        prev?.observedResumeToken !== next.observedResumeToken
          ? `resumed by mirrorctl.io/resume=${next.observedResumeToken ?? ''}`
          : prev?.revision !== next.revision
            ? `resumed by the new revision ${next.revision ?? '?'}`
            : 'the pause condition cleared',
    });
  const failedBefore = new Set(
    (prev?.notReadyNodes ?? [])
      .filter((n) => n.state === 'Failed' || n.state === 'RolledBack')
      .map((n) => n.name),
  );
  const newlyFailed = (next.notReadyNodes ?? []).filter(
    (n) => (n.state === 'Failed' || n.state === 'RolledBack') && !failedBefore.has(n.name),
  );
  for (const n of newlyFailed.slice(0, MAX_NODE_EVENTS))
    out.push({
      type: 'Warning',
      reason: n.state === 'RolledBack' ? 'NodeRolledBack' : 'NodeFailed',
      action: 'Apply',
      note: `${n.name}: ${n.message || n.state}`,
    });
  return out;
}

/** RFC 3339 with microseconds, as metav1.MicroTime is written. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

/**
 * The Event object; `seq` keeps names unique within one millisecond (client-go: <name>.<unixnano hex>).
 * A MirrorSet is cluster-scoped, so its Events live in `default` (EVENTS_NAMESPACE: the API server
 * refuses any namespace but default and kube-system for them), where `kubectl describe` finds them.
 */
export function eventObject(
  set: Pick<MirrorSetObject, 'metadata'>,
  e: EventIntent,
  o: { now: number; seq: number; instance: string },
): KubeEvent {
  const nano = BigInt(o.now) * 1_000_000n + BigInt(o.seq % 1_000_000);
  const suffix = `.${nano.toString(16)}`;
  return {
    metadata: {
      name: `${set.metadata.name.slice(0, 253 - suffix.length)}${suffix}`,
      namespace: EVENTS_NAMESPACE,
    },
    eventTime: microTime(o.now),
    type: e.type,
    reason: e.reason,
    action: e.action,
    note: e.note.slice(0, 1024),
    regarding: {
      apiVersion: API_VERSION,
      kind: MIRRORSET.kind,
      name: set.metadata.name,
      ...(set.metadata.uid ? { uid: set.metadata.uid } : {}),
    },
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: o.instance,
  };
}
