// The MirrorNode status the agent and the apply Job write (pure): from what one reconcile observed
// or did (an Outcome) and the status on the object, the next status — revision fields, state,
// action, message, warning codes, drift count, and the Ready/Drifted conditions.
import { maskUrlPasswords } from '../../plan/secret-values.js';
import { canonicalJson } from '../../spec/hash.js';
import { type Condition, MIRRORNODE_CONDITIONS, setCondition } from '../api/conditions.js';
import type { MirrorNodeObject, MirrorNodeStatus, NodeState, RuntimeAction } from '../api/mirrornode.js';

export interface Outcome {
  /** The revision this outcome is about (what was planned). */
  revision: string;
  state: NodeState;
  action: RuntimeAction;
  message: string;
  /** Codes of the plan's and the transaction's warnings. */
  warnings: readonly string[];
  /** `containerd://1.7.24`, when detected. */
  runtime?: string;
  /** The target detected on the node (`containerd`, `k3s` …). */
  target?: string;
  /** What the node's files hold afterwards: this revision, whatever they held before, or nothing
   *  of mirrorctl's (uninstalled), or unknown (a rollback failed). Only what was observed: a plan in
   *  sync, a transaction's result. */
  holds: 'revision' | 'previous' | 'nothing' | 'unknown';
  /** A transaction changed files just now (lastApplied). */
  changedFiles: boolean;
  /** On-disk drift: repaired just now, or waiting for a runtime action (a permit). */
  drift?: 'repaired' | 'pending';
}

const MESSAGE_LIMIT = 4096;
const WARNING_LIMIT = 32;

/** Bounded, and a URL's password quoted from a node file stays on the node (issue 15.14). */
const clip = (text: string): string => {
  const s = maskUrlPasswords(text);
  return s.length <= MESSAGE_LIMIT ? s : `${s.slice(0, MESSAGE_LIMIT - 1)}…`;
};

/** The status after `o`; `now` stamps lastApplied and condition transitions. */
export function nextStatus(node: MirrorNodeObject, o: Outcome, now: Date): MirrorNodeStatus {
  const cur = node.status ?? {};
  const applied =
    o.holds === 'revision' ? o.revision : o.holds === 'previous' ? cur.appliedRevision : undefined;
  const ready = (o.state === 'Applied' && o.holds === 'revision') || o.state === 'Uninstalled';
  let conditions: Condition[] = [...(cur.conditions ?? [])];
  conditions = setCondition(
    conditions,
    {
      type: MIRRORNODE_CONDITIONS.ready,
      status: ready ? 'True' : 'False',
      reason: o.state,
      message: clip(o.message),
      ...(node.metadata.generation !== undefined ? { observedGeneration: node.metadata.generation } : {}),
    },
    now,
  );
  conditions = setCondition(
    conditions,
    {
      type: MIRRORNODE_CONDITIONS.drifted,
      status: o.drift === 'pending' ? 'True' : 'False',
      reason: o.drift === 'pending' ? 'NeedsRuntimeAction' : o.drift === 'repaired' ? 'Repaired' : 'NoDrift',
      message:
        o.drift === 'pending'
          ? 'files on disk differ from what mirrorctl wrote; restoring them needs a runtime action (permit)'
          : o.drift === 'repaired'
            ? 'files on disk differed from what mirrorctl wrote; rewritten'
            : '',
      ...(node.metadata.generation !== undefined ? { observedGeneration: node.metadata.generation } : {}),
    },
    now,
  );
  const lastApplied = o.changedFiles ? now.toISOString().replace(/\.\d{3}Z$/, 'Z') : cur.lastApplied;
  return {
    ...(node.metadata.generation !== undefined ? { observedGeneration: node.metadata.generation } : {}),
    observedRevision: o.revision,
    ...(applied ? { appliedRevision: applied } : {}),
    state: o.state,
    action: o.action,
    ...(o.runtime ? { runtime: o.runtime } : cur.runtime ? { runtime: cur.runtime } : {}),
    ...(o.target ? { target: o.target } : cur.target ? { target: cur.target } : {}),
    message: clip(o.message),
    driftRepairs: (cur.driftRepairs ?? 0) + (o.drift === 'repaired' ? 1 : 0),
    ...(lastApplied ? { lastApplied } : {}),
    conditions,
    warnings: [...new Set(o.warnings)].slice(0, WARNING_LIMIT),
  };
}

/** Whether writing `next` would change what the object says (no write, no request, when not). */
export const statusDiffers = (cur: MirrorNodeStatus | undefined, next: MirrorNodeStatus): boolean =>
  canonicalJson(cur ?? {}) !== canonicalJson(next);
