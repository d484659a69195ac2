// The controller's view of the cluster (plain data read from the informers) and what one reconcile
// of a MirrorSet decides: the snapshot in, the plan out. Everything here is data; the decisions are
// pure functions over it (plan.ts), the API I/O lives in execute.ts.
import type { NodeTarget } from '../api/meta.js';
import type { MirrorNodeObject, MirrorNodeSpec, Permit } from '../api/mirrornode.js';
import type { MirrorSetObject, MirrorSetStatus } from '../api/mirrorset.js';

/** What the controller reads from a Node object. */
export interface NodeFacts {
  name: string;
  uid: string;
  labels: Record<string, string>;
  /** The Ready condition is True. */
  ready: boolean;
  /** spec.unschedulable (cordoned). */
  unschedulable: boolean;
  /** The value its mirrorctl.io/target label should have (from status.nodeInfo). */
  target: NodeTarget;
  /** Our cordon marker (annotation mirrorctl.io/cordoned): only nodes we cordoned are uncordoned. */
  cordonedByUs: boolean;
}

export type JobPhase = 'Active' | 'Succeeded' | 'Failed';

/** What the controller reads from one of its apply Jobs. */
export interface JobFacts {
  name: string;
  node: string;
  mirrorSet: string;
  /** restart or reload (label mirrorctl.io/action, set at creation). */
  action: 'restart' | 'reload';
  createdAt: number;
  phase: JobPhase;
  finishedAt?: number;
  /** Why it failed (the Failed condition's reason: DeadlineExceeded, BackoffLimitExceeded …). */
  reason?: string;
}

/** A ControllerRevision of a MirrorSet. */
export interface RevisionFacts {
  name: string;
  revision: string;
  number: number;
  resourceVersion?: string;
}

/** Everything one reconcile of a MirrorSet reads: the informer caches at one instant. */
export interface Snapshot {
  now: number;
  set: MirrorSetObject;
  /** Every other MirrorSet (conflicts: one node, one owner). */
  others: MirrorSetObject[];
  nodes: NodeFacts[];
  mirrorNodes: MirrorNodeObject[];
  /** This MirrorSet's apply Jobs. */
  jobs: JobFacts[];
  /** This MirrorSet's ControllerRevisions. */
  revisions: RevisionFacts[];
}

/** Where one node stands in the rollout of the current revision (or in the uninstall). */
export type NodePhase =
  /** Applied the current revision (uninstall: Uninstalled). */
  | 'done'
  /** The agent has not reported on the current spec yet. */
  | 'waiting'
  | 'pendingRestart'
  | 'pendingReload'
  /** Holds a permit; cordoned, pods being evicted before its Job. */
  | 'draining'
  /** Holds a permit; its Job is to be created (now, or after a retry backoff). */
  | 'jobPending'
  /** Its Job runs. */
  | 'inflight'
  /** The latest attempt failed (Job failed or timed out, node Failed/RolledBack, drain timed out). */
  | 'failed'
  /** No agent can serve it (runtime mirrorctl does not configure in cluster mode). */
  | 'unsupported';

export interface NodeView {
  name: string;
  phase: NodePhase;
  /** The Node's Ready condition (a missing Node counts as not ready). */
  ready: boolean;
  mode: 'apply' | 'uninstall';
  /** The MirrorNode's status.state as the agent wrote it. */
  state?: string;
  message: string;
  /** The permit for the current rollout, if any. */
  permit?: Permit;
  /** restart or reload: what the permit (or the pending state) is for. */
  action?: 'restart' | 'reload';
  /** 1 for the first Job of a permit, then 2, 3 … for retries. */
  attempt: number;
  /** When the latest attempt failed (for the retry backoff). */
  failedAt?: number;
}

export type WavePhase = 'Restarting' | 'Soaking' | 'Done';

export interface WaveState {
  number: number;
  nodes: string[];
  phase: WavePhase;
  soakUntil?: number;
}

/** One MirrorNode write: create when `create`, else update of the spec (resourceVersion as read). */
export interface MirrorNodeWrite {
  name: string;
  create: boolean;
  spec: MirrorNodeSpec;
  /** The Node it belongs to (ownerReference, so it is garbage-collected with the Node). */
  nodeUid: string;
  resourceVersion?: string;
}

export interface JobCreate {
  node: string;
  name: string;
  revision: string;
  action: 'restart' | 'reload';
  target: NodeTarget;
}

export interface EventIntent {
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

/** What one reconcile decided; execute.ts carries it out in this order. */
export interface ReconcilePlan {
  addFinalizer: boolean;
  /** The ControllerRevision to create for the current revision. */
  revision?: { name: string; revision: string; number: number; data: unknown };
  mirrorNodes: MirrorNodeWrite[];
  /** Nodes to cordon and drain before their Job (deadline: ms since epoch). */
  drains: Array<{ node: string; deadline: number; job: JobCreate }>;
  jobs: JobCreate[];
  uncordon: string[];
  status: MirrorSetStatus;
  events: EventIntent[];
  /** ControllerRevisions to delete (pruned history, or all of them at the end of an uninstall). */
  deleteRevisions: string[];
  /** MirrorNodes to delete (uninstalled nodes that left the selection, or all at the end). */
  deleteMirrorNodes: string[];
  removeFinalizer: boolean;
  /** Come back after this long even if nothing changes (soak end, retry backoff, timeouts). */
  requeueAfterMs?: number;
  /** Counters for metrics: new waves started by this plan. */
  wavesStarted: number;
}
