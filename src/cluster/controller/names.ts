// Names only the controller writes and reads back: its marks on Nodes, Jobs and ControllerRevisions,
// the apply Job names of retries and uninstalls, and its identity in Events.
import { createHash } from 'node:crypto';
import { GROUP } from '../api/group.js';
import { applyJobName } from '../api/meta.js';

export const CONTROLLER_ANNOTATIONS = {
  /** On a Node the controller cordoned for a restart (value: the revision); only such nodes are
   *  uncordoned again, never one an administrator cordoned. */
  cordoned: `${GROUP}/cordoned`,
  /** Label on apply Jobs: restart or reload (a reload never counts against maxUnavailable). */
  action: `${GROUP}/action`,
} as const;

/** events.k8s.io reportingController. */
export const REPORTING_CONTROLLER = `${GROUP}/controller`;

export type JobMode = 'apply' | 'uninstall';
export type RuntimeActionKind = 'restart' | 'reload';

export interface JobKey {
  mode: JobMode;
  action: RuntimeActionKind;
  attempt: number;
}

/**
 * The apply Job of a permit, naming what the permit is for so it survives in MirrorNode.spec.permit.job:
 * the first restart of an apply keeps the contract's name (`mirrorctl-apply-<node>-<revision>`); any
 * other adds `-[u][r]<attempt>` (u: uninstall, r: reload). Each retry gets a new name, so a failed
 * attempt's Job (and its pod's log) stays for `kubectl logs` until its TTL while the next one runs.
 */
export function jobNameFor(node: string, revision: string, k: JobKey): string {
  if (k.mode === 'apply' && k.action === 'restart' && k.attempt <= 1) return applyJobName(node, revision);
  const flags = `${k.mode === 'uninstall' ? 'u' : ''}${k.action === 'reload' ? 'r' : ''}`;
  return applyJobName(node, `${revision}-${flags}${k.attempt}`);
}

const JOB_SUFFIX = /-([0-9a-f]{12})(?:-(u?)(r?)(\d+))?$/;

/** What a Job name made by jobNameFor encodes; undefined for any other name. */
export function parseJobName(name: string): JobKey | undefined {
  const m = JOB_SUFFIX.exec(name);
  if (!m) return undefined;
  return {
    mode: m[2] === 'u' ? 'uninstall' : 'apply',
    action: m[3] === 'r' ? 'reload' : 'restart',
    attempt: m[4] ? Number(m[4]) : 1,
  };
}

/** Delay before retry `attempt` (≥ 2) of a failed node: 10 s, 20 s, 40 s … capped at 5 minutes. */
export function retryDelayMs(attempt: number): number {
  if (attempt <= 1) return 0;
  return Math.min(10_000 * 2 ** (attempt - 2), 300_000);
}

/** A MirrorSet's name as a label value (≤ 63 characters; longer names keep a hash of the rest). */
export function mirrorSetLabel(name: string): string {
  if (name.length <= 63) return name;
  return `${name.slice(0, 54).replace(/[-.]+$/, '')}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
