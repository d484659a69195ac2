// The MirrorSet status (pure): node counts, the wave, conditions Ready/Progressing/Degraded/Paused
// with reasons (Ready's reason is the STATUS column), up to 20 nodes that are not done for
// `kubectl describe`, and the revision history. Deterministic, so an unchanged cluster yields an
// identical status and the controller writes nothing.
import { type Condition, MIRRORSET_CONDITIONS, READY_REASONS, setCondition } from '../api/conditions.js';
import { type MirrorSetStatus, NOT_READY_LIMIT } from '../api/mirrorset.js';
import type { PauseDecision } from './pause.js';
import type { Conflict } from './selection.js';
import type { NodeView, WaveState } from './types.js';

export interface StatusInput {
  generation: number;
  previous?: MirrorSetStatus;
  now: number;
  revision?: string;
  /** Why the spec is refused (Ready=False InvalidSpec); nothing is rolled out. */
  invalid?: string;
  deleting: boolean;
  views: readonly NodeView[];
  /** Nodes the MirrorSet selects (conflicts and unsupported nodes included). */
  total: number;
  wave?: WaveState;
  pause: PauseDecision;
  conflicts: readonly Conflict[];
  notReadyInSoak: readonly string[];
  /** status.history as revisions.ts keeps it. */
  history: NonNullable<MirrorSetStatus['history']>;
  /** Why no more permits go out right now (maxUnavailable reached …), for Progressing's message. */
  waiting?: string;
}

const PHASE_STATE: Record<NodeView['phase'], string> = {
  done: 'Applied',
  waiting: 'Waiting',
  pendingRestart: 'PendingRestart',
  pendingReload: 'PendingReload',
  draining: 'Draining',
  jobPending: 'Restarting',
  inflight: 'Restarting',
  failed: 'Failed',
  unsupported: 'Unsupported',
};

const stateOf = (v: NodeView): string => {
  if (v.phase === 'failed' && v.state === 'RolledBack') return 'RolledBack';
  if (!v.ready && v.phase !== 'unsupported') return 'NotReady';
  if (v.phase === 'waiting' && v.state) return v.state;
  return PHASE_STATE[v.phase];
};

const rank = (v: NodeView): number =>
  v.phase === 'failed' ? 0 : !v.ready ? 1 : v.phase === 'unsupported' ? 3 : 2;

function notReadyNodes(
  views: readonly NodeView[],
  conflicts: readonly Conflict[],
): MirrorSetStatus['notReadyNodes'] {
  const conflicted = conflicts.map((c) => ({
    name: c.node,
    state: 'Conflict',
    message: `also selected by MirrorSet ${c.with.join(', ')}`,
  }));
  const pending = views
    .filter((v) => !(v.phase === 'done' && v.ready))
    .sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((v) => ({
      name: v.name,
      state: stateOf(v),
      message: (v.ready || v.phase === 'unsupported'
        ? v.message
        : `the Node is NotReady${v.state ? ` (last report: ${v.state}${v.message ? `, ${v.message}` : ''})` : ''}`
      ).slice(0, 1024),
    }));
  return [...conflicted, ...pending].slice(0, NOT_READY_LIMIT);
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function buildStatus(i: StatusInput): MirrorSetStatus {
  const done = i.views.filter((v) => v.phase === 'done');
  const failed = i.views.filter((v) => v.phase === 'failed');
  const supported = i.views.filter((v) => v.phase !== 'unsupported');
  const unsupported = i.views.filter((v) => v.phase === 'unsupported').map((v) => v.name);
  const pending = i.views.filter((v) =>
    ['pendingRestart', 'pendingReload', 'draining', 'jobPending', 'inflight'].includes(v.phase),
  );
  const readyCount = done.filter((v) => v.ready).length;
  // Complete once every node applied and is Ready, and the last wave has soaked.
  const complete =
    !i.invalid &&
    i.conflicts.length === 0 &&
    supported.every((v) => v.phase === 'done' && v.ready) &&
    (!i.wave || i.wave.phase === 'Done' || i.deleting);
  const now = new Date(i.now);
  const g = i.generation;
  let conditions: Condition[] = [...(i.previous?.conditions ?? [])];
  const set = (type: string, status: 'True' | 'False', reason: string, message: string) => {
    conditions = setCondition(conditions, { type, status, reason, message, observedGeneration: g }, now);
  };
  const unsupportedNote =
    unsupported.length > 0
      ? `; ${unsupported.length} node(s) unsupported, not configured: ${unsupported.slice(0, 5).join(', ')}`
      : '';
  const what = i.deleting ? "removed mirrorctl's configuration" : `run revision ${i.revision ?? '?'}`;
  const progress = `${done.length} of ${supported.length} node(s) ${what}${unsupportedNote}`;
  // A node being retried after a failed attempt counts as failed until an attempt succeeds.
  const retrying = i.views.filter((v) => v.phase !== 'done' && v.phase !== 'failed' && v.attempt > 1);
  const failing = [...failed, ...retrying];
  const degraded = failing.length > 0 || i.notReadyInSoak.length > 0;

  // Ready (its reason is the STATUS column).
  if (i.invalid) set(MIRRORSET_CONDITIONS.ready, 'False', READY_REASONS.invalidSpec, i.invalid);
  else if (i.deleting && !complete)
    set(MIRRORSET_CONDITIONS.ready, 'False', READY_REASONS.uninstalling, `uninstalling: ${progress}`);
  else if (i.pause.paused) set(MIRRORSET_CONDITIONS.ready, 'False', READY_REASONS.paused, i.pause.message);
  else if (degraded) set(MIRRORSET_CONDITIONS.ready, 'False', READY_REASONS.degraded, progress);
  else if (complete) set(MIRRORSET_CONDITIONS.ready, 'True', READY_REASONS.ready, progress);
  else set(MIRRORSET_CONDITIONS.ready, 'False', READY_REASONS.progressing, progress);

  // Progressing.
  if (i.invalid) set(MIRRORSET_CONDITIONS.progressing, 'False', 'InvalidSpec', 'nothing is rolled out');
  else if (complete) set(MIRRORSET_CONDITIONS.progressing, 'False', 'Complete', progress);
  else if (i.pause.paused) set(MIRRORSET_CONDITIONS.progressing, 'False', 'Paused', i.pause.message);
  else {
    const wave =
      i.wave && i.wave.phase !== 'Done' ? `; wave ${i.wave.number} ${i.wave.phase.toLowerCase()}` : '';
    const reason = i.deleting ? 'Uninstalling' : 'RollingOut';
    set(
      MIRRORSET_CONDITIONS.progressing,
      'True',
      reason,
      `${progress}${wave}${i.waiting ? `; ${i.waiting}` : ''}`,
    );
  }

  // Degraded.
  if (failing.length > 0) {
    const shown = failing.slice(0, 5).map((v) => {
      if (v.phase !== 'failed') return `${v.name} (attempt ${v.attempt} pending)`;
      return `${v.name}${v.message ? ` (${v.message})` : ''}`;
    });
    set(
      MIRRORSET_CONDITIONS.degraded,
      'True',
      'NodeFailed',
      `${failing.length} node(s) failed: ${shown.join('; ')}`.slice(0, 4096),
    );
  } else if (i.notReadyInSoak.length > 0)
    set(
      MIRRORSET_CONDITIONS.degraded,
      'True',
      'NodeNotReady',
      `NotReady during soak: ${i.notReadyInSoak.join(', ')}`,
    );
  else set(MIRRORSET_CONDITIONS.degraded, 'False', 'AsExpected', 'no node failed');

  // Paused.
  if (i.pause.paused && i.pause.reason)
    set(MIRRORSET_CONDITIONS.paused, 'True', i.pause.reason, i.pause.message);
  else set(MIRRORSET_CONDITIONS.paused, 'False', 'Running', 'permits are handed out');

  const order = Object.values(MIRRORSET_CONDITIONS) as string[];
  conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  const status: MirrorSetStatus = {
    observedGeneration: g,
    ...(i.revision
      ? { revision: i.revision }
      : i.previous?.revision
        ? { revision: i.previous.revision }
        : {}),
    nodes: {
      total: i.total,
      updated: done.length,
      ready: readyCount,
      pendingRestart: pending.length,
      failed: failed.length,
    },
    ...(i.wave
      ? {
          wave: {
            number: i.wave.number,
            nodes: i.wave.nodes.slice(0, 1000),
            phase: i.wave.phase,
            ...(i.wave.soakUntil !== undefined && i.wave.phase === 'Soaking'
              ? { soakUntil: iso(i.wave.soakUntil) }
              : {}),
          },
        }
      : {}),
    conditions,
    notReadyNodes: notReadyNodes(i.views, i.conflicts),
    ...(i.history.length > 0 ? { history: i.history } : {}),
    ...(i.pause.observedResumeToken !== undefined
      ? { observedResumeToken: i.pause.observedResumeToken }
      : {}),
  };
  return status;
}
