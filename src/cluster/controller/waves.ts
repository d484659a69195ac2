// The restart waves of one rollout (pure). Permits live on the MirrorNodes, so the waves are
// rebuilt from them on every reconcile — after a crash too: the current wave is the highest wave
// number among this rollout's restart permits, its nodes are the permits with that number. A wave
// finishes when all its nodes applied the revision and then stayed Ready for soakSeconds; only then
// does the next one start (canary first, as wave 0). Reloads need no wave: all at once.
import type { RolloutInput } from '../../spec/cluster-fields.js';
import { parseJobName, retryDelayMs } from './names.js';
import type { NodeView, WaveState } from './types.js';

export interface WaveInput {
  views: readonly NodeView[];
  rollout: RolloutInput;
  /** The wave as the last status recorded it (soak deadline, a Done that must stay Done). */
  previous?: WaveState;
  now: number;
}

export interface WaveOutcome {
  wave?: WaveState;
  /** Wave nodes NotReady while soaking (pauses the rollout when pauseOnFailure). */
  notReadyInSoak: string[];
  /** When the soak ends (requeue then). */
  wakeAt?: number;
}

const ACTIVE: ReadonlySet<NodeView['phase']> = new Set(['draining', 'jobPending', 'inflight']);

export const isRestartPermit = (v: NodeView): boolean =>
  v.permit?.job !== undefined && parseJobName(v.permit.job)?.action === 'restart';

/** The current wave: its number and nodes from the permits, its phase from the nodes. */
export function currentWave(i: WaveInput): WaveOutcome {
  const holders = i.views.filter(isRestartPermit);
  if (holders.length === 0) return { notReadyInSoak: [] };
  const number = Math.max(...holders.map((v) => v.permit?.wave ?? 0));
  const members = holders.filter((v) => v.permit?.wave === number);
  const nodes = members.map((v) => v.name).sort();
  const prev = i.previous?.number === number ? i.previous : undefined;
  if (prev?.phase === 'Done') return { wave: { number, nodes, phase: 'Done' }, notReadyInSoak: [] };
  // With pauseOnFailure off, a failed or retrying node does not hold its wave back.
  const tolerant = !i.rollout.pauseOnFailure;
  const settled = (v: NodeView) =>
    v.phase === 'done' || (tolerant && (v.phase === 'failed' || v.attempt > 1));
  const restarting = { wave: { number, nodes, phase: 'Restarting' as const }, notReadyInSoak: [] };
  if (members.some((v) => ACTIVE.has(v.phase) && !(tolerant && v.attempt > 1))) return restarting;
  if (!members.every(settled)) return restarting;
  const applied = members.filter((v) => v.phase === 'done');
  const notReady = applied.filter((v) => !v.ready).map((v) => v.name);
  const soaking = prev?.phase === 'Soaking' && prev.soakUntil !== undefined;
  if (notReady.length > 0) {
    // Not yet Ready after the restart: still part of restarting. Ready, then NotReady: a soak failure.
    if (!soaking) return restarting;
    return { wave: { number, nodes, phase: 'Soaking', soakUntil: prev.soakUntil }, notReadyInSoak: notReady };
  }
  // Whole seconds: the status stores soakUntil as an RFC 3339 time without fractions.
  const soakUntil =
    soaking && prev.soakUntil !== undefined
      ? prev.soakUntil
      : Math.ceil((i.now + i.rollout.soakSeconds * 1000) / 1000) * 1000;
  if (i.now >= soakUntil) return { wave: { number, nodes, phase: 'Done' }, notReadyInSoak: [] };
  return { wave: { number, nodes, phase: 'Soaking', soakUntil }, notReadyInSoak: [], wakeAt: soakUntil };
}

export interface NextWave {
  number: number;
  nodes: string[];
}

/** The next wave, when the current one is Done (or none began) and the budget allows one. */
export function nextWave(
  views: readonly NodeView[],
  current: WaveState | undefined,
  rollout: RolloutInput,
  budget: number,
): NextWave | undefined {
  if (current && current.phase !== 'Done') return undefined;
  if (budget <= 0) return undefined;
  const candidates = views
    .filter((v) => v.phase === 'pendingRestart' && v.ready)
    .map((v) => v.name)
    .sort();
  if (candidates.length === 0) return undefined;
  const number = current ? current.number + 1 : rollout.canary > 0 ? 0 : 1;
  const size = number === 0 ? Math.min(rollout.canary, budget) : budget;
  return { number, nodes: candidates.slice(0, size) };
}

/** When a permit's Job (or drain) may start: at once for attempt 1, after the backoff for retries. */
export const startAt = (v: NodeView): number =>
  v.permit ? Date.parse(v.permit.grantedAt) + retryDelayMs(v.attempt) : 0;
