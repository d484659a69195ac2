// Waiting on the cluster, with the evidence a reader needs when the wait times out (the MirrorSet's
// status, every MirrorNode's state, the mirrorctl pods' logs), and the readings tests assert on.
import type { Obj } from '../../cluster/apiserver/types.js';
import type { RealCluster } from './real-cluster.js';

export async function until(
  ok: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms:\n${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export const conditionOf = (o: Obj | undefined, type: string): Condition | undefined =>
  ((o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === type);

export const statusOf = (o: Obj | undefined): Record<string, unknown> =>
  (o?.status ?? {}) as Record<string, unknown>;

/** The MirrorSet, every MirrorNode (state, revisions, message) and the recent pod logs. */
export function describeCluster(rc: RealCluster, set: string): string {
  const ms = rc.mirrorSet(set);
  const nodes = rc.server
    .list('mirrornodes')
    .map((n) => {
      const s = statusOf(n);
      const spec = (n.spec ?? {}) as Record<string, unknown>;
      return `${n.metadata.name}: ${String(s.state)} applied=${String(s.appliedRevision)} desired=${String(spec.revision)} mode=${String(spec.mode)} permit=${JSON.stringify(spec.permit)} ${String(s.message ?? '')}`;
    })
    .join('\n');
  return `MirrorSet ${set}: ${JSON.stringify(ms?.status)}\n${nodes}\n${rc.logs()}`;
}

/** Ready=True for the current generation, every selected node Applied at the status revision. */
export function isReady(rc: RealCluster, set: string): boolean {
  const ms = rc.mirrorSet(set);
  const s = statusOf(ms);
  return (
    conditionOf(ms, 'Ready')?.status === 'True' &&
    s.observedGeneration === ms?.metadata.generation &&
    typeof s.revision === 'string'
  );
}

export async function waitReady(rc: RealCluster, set: string, timeoutMs = 300_000): Promise<string> {
  await until(
    () => isReady(rc, set),
    timeoutMs,
    () => describeCluster(rc, set),
  );
  return String(statusOf(rc.mirrorSet(set)).revision);
}
