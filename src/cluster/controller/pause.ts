// Paused or not (pure). A pause is sticky: it is recorded in the MirrorSet's Paused condition and
// holds until the spec changes (a new revision resumes) or a new `mirrorctl.io/resume` token
// appears (status.observedResumeToken remembers the last one acted on, across restarts). Conflicts
// are not sticky: they pause while they last.
import { findCondition, MIRRORSET_CONDITIONS, PAUSE_REASONS } from '../api/conditions.js';
import type { MirrorSetStatus } from '../api/mirrorset.js';
import type { Conflict } from './selection.js';
import type { NodeView } from './types.js';

export type PauseReason = (typeof PAUSE_REASONS)[keyof typeof PAUSE_REASONS];

export interface PauseInput {
  previous?: MirrorSetStatus;
  /** The previous status describes this same rollout (revision and mode). */
  sameRollout: boolean;
  /** The MirrorSet's mirrorctl.io/resume annotation. */
  resumeToken?: string;
  failed: readonly NodeView[];
  notReadyInSoak: readonly string[];
  conflicts: readonly Conflict[];
  pauseOnFailure: boolean;
}

export interface PauseDecision {
  paused: boolean;
  reason?: PauseReason;
  message: string;
  /** A pause ended now by a resume token (failed nodes get new attempts). */
  resumed: boolean;
  /** The reason of the pause that was just resumed. */
  resumedFrom?: PauseReason;
  observedResumeToken?: string;
}

const list = (names: readonly string[], max = 5): string =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;

export function conflictMessage(conflicts: readonly Conflict[]): string {
  const others = [...new Set(conflicts.flatMap((c) => c.with))].sort();
  const one = conflicts.length === 1;
  return `node ${list(conflicts.map((c) => c.node))} ${one ? 'is' : 'are'} also claimed by MirrorSet ${others.join(', ')}: one node, one owner, so neither revision reaches ${one ? 'it' : 'them'}; narrow a nodeSelector`;
}

export function failureMessage(failed: readonly NodeView[]): string {
  const f = failed[0];
  const detail = f?.message ? ` (${f.name}: ${f.message})` : '';
  return `node ${list(failed.map((v) => v.name))} failed${detail}; fix it and resume: mirrorctl rollout --resume, or set a new mirrorctl.io/resume annotation`;
}

export function decidePause(i: PauseInput): PauseDecision {
  const token = i.resumeToken;
  const tokenNew = token !== undefined && token !== i.previous?.observedResumeToken;
  const prevCond = findCondition(i.previous?.conditions, MIRRORSET_CONDITIONS.paused);
  const prevReason = prevCond?.status === 'True' ? (prevCond.reason as PauseReason) : undefined;
  const stickyBefore =
    i.sameRollout && (prevReason === PAUSE_REASONS.waveFailed || prevReason === PAUSE_REASONS.nodeNotReady);
  const base = {
    resumed: tokenNew && stickyBefore,
    ...(tokenNew && stickyBefore && prevReason ? { resumedFrom: prevReason } : {}),
    ...(tokenNew
      ? { observedResumeToken: token }
      : i.previous?.observedResumeToken !== undefined
        ? { observedResumeToken: i.previous.observedResumeToken }
        : {}),
  };
  if (i.conflicts.length > 0)
    return { ...base, paused: true, reason: PAUSE_REASONS.conflict, message: conflictMessage(i.conflicts) };
  if (stickyBefore && !tokenNew && prevReason)
    return {
      ...base,
      paused: true,
      reason: prevReason,
      message: i.failed.length > 0 ? failureMessage(i.failed) : (prevCond?.message ?? ''),
    };
  if (tokenNew || !i.pauseOnFailure) return { ...base, paused: false, message: '' };
  if (i.failed.length > 0)
    return { ...base, paused: true, reason: PAUSE_REASONS.waveFailed, message: failureMessage(i.failed) };
  if (i.notReadyInSoak.length > 0)
    return {
      ...base,
      paused: true,
      reason: PAUSE_REASONS.nodeNotReady,
      message: `node ${list(i.notReadyInSoak)} went NotReady while its wave soaked; check the node, then resume (the wave counts as done)`,
    };
  return { ...base, paused: false, message: '' };
}
