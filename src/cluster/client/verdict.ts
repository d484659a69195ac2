// When a followed MirrorSet is done (pure): `rollout` waits until the controller has observed the
// generation it wrote (and the resume token it set), then reads the Ready condition — Ready → 0,
// Paused, or Degraded with nothing progressing → 3, InvalidSpec → 2; `uninstall` waits until the
// object is gone. Everything else is progress. The nodes named in failures come from the status's
// bounded notReadyNodes, which the controller sorts failed first.

import { ExitCode } from '../../exit-codes.js';
import { MIRRORSET_CONDITIONS, READY_REASONS } from '../api/conditions.js';
import { conditionOf, type MirrorSetView } from './resources.js';

/** 3: the rollout stopped short of Ready (paused, degraded, deleted, timed out): docs/exit-codes.md. */
export const STOPPED = ExitCode.FAILED_RESTORED;

export interface Expectation {
  mode: 'apply' | 'delete';
  /** The generation our write produced (apply). */
  generation?: number;
  /** The mirrorctl.io/resume token we set (apply --resume). */
  resumeToken?: string;
}

export type Verdict = { done: false; waitingFor: string } | { done: true; exitCode: number; message: string };

/** `node-a (Failed: …), node-b (NotReady)`: the nodes that hold the rollout back. */
export function problemNodes(set: MirrorSetView | undefined, max = 5): string {
  const rows = set?.status?.notReadyNodes ?? [];
  const shown = rows.slice(0, max).map((r) => `${r.name} (${r.state}${r.message ? `: ${r.message}` : ''})`);
  return rows.length > max ? `${shown.join('; ')}; and ${rows.length - max} more` : shown.join('; ');
}

export function verdict(set: MirrorSetView | undefined, e: Expectation): Verdict {
  if (e.mode === 'delete') {
    if (!set)
      return {
        done: true,
        exitCode: ExitCode.OK,
        message: 'deleted: every node gave its configuration back',
      };
    const holders = problemNodes(set);
    return {
      done: false,
      waitingFor: `uninstalling${holders ? `; still holding mirrorctl's configuration: ${holders}` : ''}`,
    };
  }
  if (!set) return { done: true, exitCode: STOPPED, message: 'the MirrorSet was deleted meanwhile' };
  const st = set.status;
  const generation = e.generation ?? set.metadata.generation ?? 0;
  if (!st || (st.observedGeneration ?? 0) < generation)
    return { done: false, waitingFor: `the controller to observe generation ${generation}` };
  if (e.resumeToken !== undefined && st.observedResumeToken !== e.resumeToken)
    return { done: false, waitingFor: 'the controller to act on the resume token' };
  const ready = conditionOf(set, MIRRORSET_CONDITIONS.ready);
  const progressing = conditionOf(set, MIRRORSET_CONDITIONS.progressing);
  if (!ready) return { done: false, waitingFor: 'the first status' };
  if (ready.status === 'True') return { done: true, exitCode: ExitCode.OK, message: ready.message };
  switch (ready.reason) {
    case READY_REASONS.invalidSpec:
      return { done: true, exitCode: ExitCode.INVALID_INPUT, message: ready.message };
    case READY_REASONS.paused: {
      const paused = conditionOf(set, MIRRORSET_CONDITIONS.paused);
      const nodes = problemNodes(set);
      return {
        done: true,
        exitCode: STOPPED,
        message: `Paused (${paused?.reason ?? '?'}): ${paused?.message || ready.message}${nodes ? `; nodes: ${nodes}` : ''}`,
      };
    }
    case READY_REASONS.degraded:
      if (progressing?.status !== 'True') {
        const degraded = conditionOf(set, MIRRORSET_CONDITIONS.degraded);
        return { done: true, exitCode: STOPPED, message: `Degraded: ${degraded?.message || ready.message}` };
      }
  }
  return { done: false, waitingFor: progressing?.message || ready.message || ready.reason };
}
