// How many nodes may be unavailable at once (spec.rollout.maxUnavailable) and which already are:
// NotReady selected nodes count (as for a DaemonSet rollout), and so does every node whose restart
// is under way (being drained, or its Job running), whatever revision it is for. A permit whose Job
// is not created yet (a retry in its backoff) does not: the Job waits for a free slot instead.
import { PERCENT } from '../../spec/cluster-fields.js';
import type { JobFacts, NodeView } from './types.js';

/** A count, or a percentage of the selected nodes rounded down, never below 1 (docs/spec.md). */
export function resolveMaxUnavailable(value: number | string, total: number): number {
  if (typeof value === 'number') return Math.max(1, Math.floor(value));
  const m = PERCENT.exec(value);
  const pct = m ? Number(value.slice(0, -1)) : 100;
  return Math.max(1, Math.floor((total * pct) / 100));
}

const RESTARTING: ReadonlySet<NodeView['phase']> = new Set(['draining', 'inflight']);

/** Nodes unavailable now: NotReady, or restarting for this MirrorSet (its Jobs of any revision). */
export function unavailableNodes(views: readonly NodeView[], jobs: readonly JobFacts[]): Set<string> {
  const out = new Set<string>();
  for (const v of views) {
    if (!v.ready) out.add(v.name);
    if (RESTARTING.has(v.phase) && v.action === 'restart') out.add(v.name);
  }
  for (const j of jobs) if (j.phase === 'Active' && j.action === 'restart') out.add(j.node);
  return out;
}
