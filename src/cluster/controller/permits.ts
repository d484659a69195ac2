// Who may restart or reload now (pure): pause decision, retries of failed nodes, reload permits (all
// at once), the next restart wave, and which permits get their drain or Job now. A Job for a restart
// starts only while fewer than maxUnavailable other nodes are unavailable, whatever the waves say.

import type { RolloutInput } from '../../spec/cluster-fields.js';
import type { Permit } from '../api/mirrornode.js';
import { resolveMaxUnavailable, unavailableNodes } from './budget.js';
import { type JobMode, jobNameFor, type RuntimeActionKind } from './names.js';
import { decidePause, type PauseDecision, type PauseInput } from './pause.js';
import type { JobCreate, JobFacts, NodeFacts, NodeView, WaveState } from './types.js';
import { currentWave, nextWave, startAt } from './waves.js';

export interface PermitInput {
  /** The nodes of the rollout (waves, canary, soak). */
  views: readonly NodeView[];
  /** Nodes leaving the selection: uninstalled one by one within the budget, no waves. */
  leaving: readonly NodeView[];
  mode: JobMode;
  /** The revision a node's permit is for (apply: the current one; uninstall: its MirrorNode's). */
  revisionFor: (node: string) => string;
  rollout: RolloutInput;
  /** Selected nodes (the base of a percentage maxUnavailable). */
  total: number;
  jobs: readonly JobFacts[];
  nodes: ReadonlyMap<string, NodeFacts>;
  previousWave?: WaveState;
  pause: Omit<PauseInput, 'failed' | 'notReadyInSoak' | 'pauseOnFailure'>;
  now: number;
}

export interface PermitPlan {
  wave?: WaveState;
  pause: PauseDecision;
  notReadyInSoak: string[];
  /** New or refreshed permits, by node. */
  permits: Map<string, Permit>;
  jobs: JobCreate[];
  drains: Array<{ node: string; deadline: number; job: JobCreate }>;
  uncordon: string[];
  wakeAt?: number;
  waiting?: string;
  waveStarted: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function planPermits(i: PermitInput): PermitPlan {
  const all = [...i.views, ...i.leaving];
  const wake: number[] = [];
  const out: PermitPlan = {
    pause: { paused: false, message: '', resumed: false },
    notReadyInSoak: [],
    permits: new Map(),
    jobs: [],
    drains: [],
    uncordon: [],
    waveStarted: false,
  };
  const w = currentWave({
    views: i.views,
    rollout: i.rollout,
    ...(i.previousWave ? { previous: i.previousWave } : {}),
    now: i.now,
  });
  if (w.wakeAt) wake.push(w.wakeAt);
  const failed = all.filter((v) => v.phase === 'failed');
  out.pause = decidePause({
    ...i.pause,
    failed,
    notReadyInSoak: w.notReadyInSoak,
    pauseOnFailure: i.rollout.pauseOnFailure,
  });
  out.notReadyInSoak = w.notReadyInSoak;
  let wave = w.wave;
  // Resuming a soak failure accepts the wave as it is: it counts as done.
  if (wave && out.pause.resumed && out.pause.resumedFrom === 'NodeNotReady')
    wave = { ...wave, phase: 'Done' };
  const views = new Map(all.map((v) => [v.name, v]));
  const grant = (
    v: NodeView,
    action: RuntimeActionKind,
    attempt: number,
    waveNo: number,
    grantedAt = i.now,
  ) => {
    const revision = i.revisionFor(v.name);
    const mode: JobMode = i.leaving.includes(v) ? 'uninstall' : i.mode;
    const p: Permit = {
      revision,
      wave: waveNo,
      grantedAt: iso(grantedAt),
      // Reloads go everywhere at once; the Job must not turn such a permit into a restart.
      action: action === 'reload' ? 'reload' : 'restart',
      job: jobNameFor(v.name, revision, { mode, action, attempt }),
    };
    out.permits.set(v.name, p);
    // Held from now on: the Job (or drain) below is planned from the new permit.
    views.set(v.name, { ...v, permit: p, action, attempt, phase: 'jobPending' });
  };
  const nextAttempt = (v: NodeView) => (v.permit ? v.attempt + 1 : 1);
  const waveNo = wave?.number ?? (i.rollout.canary > 0 ? 0 : 1);

  if (!out.pause.paused) {
    // Failed nodes get another attempt: at once without pauseOnFailure, else when resumed.
    if (out.pause.resumed || !i.rollout.pauseOnFailure)
      for (const v of failed)
        grant(v, v.action === 'reload' ? 'reload' : 'restart', nextAttempt(v), v.permit?.wave ?? waveNo);
    // A resume restarts the clock of permits that had not started (their drain deadline).
    if (out.pause.resumed)
      for (const v of all)
        if ((v.phase === 'draining' || v.phase === 'jobPending') && v.permit)
          grant(v, v.action ?? 'restart', v.attempt, v.permit.wave);
    // Reloads disturb nothing: every node that needs one, at once.
    for (const v of all)
      if (v.phase === 'pendingReload' && v.ready) grant(v, 'reload', nextAttempt(v), waveNo);
  }

  const maxU = resolveMaxUnavailable(i.rollout.maxUnavailable, i.total);
  const unavailable = unavailableNodes([...views.values()], i.jobs);
  if (!out.pause.paused) {
    const next = nextWave(i.views, wave, i.rollout, maxU - unavailable.size);
    if (next) {
      for (const n of next.nodes) {
        const v = views.get(n);
        if (v) grant(v, 'restart', nextAttempt(v), next.number);
        unavailable.add(n);
      }
      wave = { number: next.number, nodes: next.nodes, phase: 'Restarting' };
      out.waveStarted = true;
    } else if ((!wave || wave.phase === 'Done') && i.views.some((v) => v.phase === 'pendingRestart')) {
      const readyPending = i.views.filter((v) => v.phase === 'pendingRestart' && v.ready).length;
      out.waiting =
        readyPending === 0
          ? 'nodes waiting for a restart are NotReady'
          : `maxUnavailable (${maxU}) reached: ${[...unavailable].sort().slice(0, 5).join(', ')} unavailable`;
    }
    // Leaving nodes restart one at a time within the same budget.
    for (const v of i.leaving)
      if (v.phase === 'pendingRestart' && v.ready && unavailable.size < maxU) {
        grant(v, 'restart', nextAttempt(v), 0);
        unavailable.add(v.name);
      }
  }
  out.wave = wave;

  // Jobs and drains for the permits that hold no running Job yet.
  for (const v of [...views.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (v.phase !== 'jobPending' && v.phase !== 'draining') continue;
    if (out.pause.paused || !v.permit?.job) continue;
    const at = startAt(v);
    if (i.now < at) {
      wake.push(at);
      continue;
    }
    const node = i.nodes.get(v.name);
    const action = v.action ?? 'restart';
    const others = [...unavailable].filter((n) => n !== v.name).length;
    if (action === 'restart' && others >= maxU) continue;
    const job: JobCreate = {
      node: v.name,
      name: v.permit.job,
      revision: v.permit.revision,
      action,
      target: node?.target ?? 'unsupported',
    };
    if (action === 'restart') unavailable.add(v.name);
    if (action === 'restart' && i.rollout.drain.enabled)
      out.drains.push({ node: v.name, deadline: at + i.rollout.drain.timeoutSeconds * 1000, job });
    else out.jobs.push(job);
  }

  // Uncordon what we cordoned once its restart is over (or cannot go on while paused).
  for (const v of views.values()) {
    const node = i.nodes.get(v.name);
    if (!node?.cordonedByUs) continue;
    const busy =
      v.phase === 'inflight' || ((v.phase === 'draining' || v.phase === 'jobPending') && !out.pause.paused);
    if (!busy) out.uncordon.push(v.name);
  }
  for (const v of all) if (v.phase === 'inflight' || v.phase === 'failed') wake.push(i.now + 30_000);
  if (out.drains.length > 0) wake.push(i.now + 5_000);
  const soonest = wake.filter((t) => t > i.now).sort((a, b) => a - b)[0];
  if (soonest !== undefined) out.wakeAt = soonest;
  return out;
}
