// Where one node stands in the current rollout (types.ts NodePhase), from its MirrorNode (spec as
// the controller wrote it, status as the agent and the apply Job wrote it), its Node and its Jobs.
// Only API objects are read, so a restarted controller classifies every node exactly as before.

import type { RolloutInput } from '../../spec/cluster-fields.js';
import { FAILED_STATES, type MirrorNodeObject } from '../api/mirrornode.js';
import { parseJobName, retryDelayMs } from './names.js';
import type { JobFacts, NodeFacts, NodeView } from './types.js';

/** How long after its Job succeeded a node may take to report Applied before it counts as failed. */
export const REPORT_GRACE_MS = 120_000;

export interface ClassifyInput {
  name: string;
  mirrorNode?: MirrorNodeObject;
  node?: NodeFacts;
  jobs: ReadonlyMap<string, JobFacts>;
  /** The revision this node should reach (uninstall: the revision its MirrorNode names). */
  revision: string;
  mode: 'apply' | 'uninstall';
  rollout: RolloutInput;
  now: number;
}

type State = NonNullable<NonNullable<MirrorNodeObject['status']>['state']>;

function isDone(mode: 'apply' | 'uninstall', revision: string, mn: MirrorNodeObject): boolean {
  const st = mn.status;
  if (mode === 'uninstall') return st?.state === 'Uninstalled';
  return st?.state === 'Applied' && st.appliedRevision === revision;
}

/** Nothing was ever applied there (no agent reported a revision): an uninstall has nothing to undo. */
const neverApplied = (mn: MirrorNodeObject | undefined): boolean =>
  !mn?.status?.appliedRevision && !mn?.status?.lastApplied;

export function classify(i: ClassifyInput): NodeView {
  const mn = i.mirrorNode;
  const st = mn?.status;
  const base = {
    name: i.name,
    ready: i.node?.ready ?? false,
    mode: i.mode,
    ...(st?.state ? { state: st.state } : {}),
    message: st?.message ?? '',
    attempt: 1,
  };
  const unsupported = i.node?.target === 'unsupported' || st?.state === 'Unsupported';
  if (unsupported && i.mode === 'uninstall' && neverApplied(mn)) return { ...base, phase: 'done' };
  if (unsupported)
    return {
      ...base,
      phase: 'unsupported',
      message: base.message || 'no mirrorctl agent serves this runtime (mirrorctl.io/target=unsupported)',
    };
  if (!mn || mn.spec.revision !== i.revision || mn.spec.mode !== i.mode)
    return { ...base, phase: 'waiting', message: 'the agent has not seen the current spec yet' };
  // The permit of this rollout (revision and mode), if the node holds one.
  const p = mn.spec.permit;
  const parsed = p?.job ? parseJobName(p.job) : undefined;
  const forThis = p && parsed && p.revision === i.revision && parsed.mode === i.mode ? p : undefined;
  const job = forThis ? i.jobs.get(forThis.job ?? '') : undefined;
  const view = { ...base, ...(forThis && parsed ? { permit: forThis, attempt: parsed.attempt } : {}) };
  if (isDone(i.mode, i.revision, mn)) return { ...view, phase: 'done' };

  // A permit is used up once the node applied its revision (the agent writes nothing for a pending
  // restart, so appliedRevision moves only through the Job): later drift is judged afresh below and
  // needs a new permit, never a second run of the old one.
  const consumed = i.mode === 'apply' && st?.appliedRevision === i.revision && job?.phase !== 'Active';
  if (forThis && parsed && !consumed) {
    const action = parsed.action;
    const held = { ...view, action } as const;
    const granted = Date.parse(forThis.grantedAt);
    const timeoutMs = i.rollout.restartTimeoutSeconds * 1000;
    if (job?.phase === 'Active') {
      if (i.now > job.createdAt + timeoutMs)
        return {
          ...held,
          phase: 'failed',
          failedAt: job.createdAt + timeoutMs,
          message: `apply Job ${job.name} ran longer than restartTimeoutSeconds (${i.rollout.restartTimeoutSeconds} s)`,
        };
      return { ...held, phase: 'inflight' };
    }
    if (job?.phase === 'Failed')
      return {
        ...held,
        phase: 'failed',
        failedAt: job.finishedAt ?? job.createdAt,
        message: `apply Job ${job.name} failed${job.reason ? ` (${job.reason})` : ''}${st?.message ? `: ${st.message}` : ''}`,
      };
    if (job?.phase === 'Succeeded') {
      if (st?.state && FAILED_STATES.has(st.state as State))
        return { ...held, phase: 'failed', failedAt: job.finishedAt ?? job.createdAt };
      const finished = job.finishedAt ?? job.createdAt;
      if (i.now > finished + REPORT_GRACE_MS)
        return {
          ...held,
          phase: 'failed',
          failedAt: finished + REPORT_GRACE_MS,
          message: `apply Job ${job.name} succeeded but the node reports ${st?.state ?? 'nothing'}`,
        };
      return { ...held, phase: 'inflight' };
    }
    // No Job yet: being drained, waiting for its retry backoff, or about to be created.
    if (action === 'restart' && i.rollout.drain.enabled) {
      const deadline = granted + retryDelayMs(parsed.attempt) + i.rollout.drain.timeoutSeconds * 1000;
      if (i.now > deadline)
        return {
          ...held,
          phase: 'failed',
          failedAt: deadline,
          message: `drain did not finish within drain.timeoutSeconds (${i.rollout.drain.timeoutSeconds} s)`,
        };
      return { ...held, phase: 'draining' };
    }
    return { ...held, phase: 'jobPending' };
  }

  // No permit in force for this rollout: what the agent reports.
  const state = st?.state;
  const current =
    i.mode === 'apply'
      ? st?.observedRevision === i.revision
      : st?.observedGeneration === undefined || st.observedGeneration >= (mn.metadata.generation ?? 0);
  if (!current || !state)
    return { ...view, phase: 'waiting', message: base.message || 'the agent is working' };
  if (FAILED_STATES.has(state)) return { ...view, phase: 'failed' };
  const pendingAction =
    state === 'PendingRestart' || (state === 'Drifted' && st?.action === 'restart')
      ? 'restart'
      : state === 'PendingReload' || (state === 'Drifted' && st?.action === 'reload')
        ? 'reload'
        : undefined;
  if (pendingAction === 'restart') return { ...view, phase: 'pendingRestart', action: 'restart' };
  if (pendingAction === 'reload') return { ...view, phase: 'pendingReload', action: 'reload' };
  return { ...view, phase: 'waiting', message: base.message || `the agent reports ${state}` };
}
