// --gate-new-nodes: the agent removes its node's startup taint once apply + verify succeeded, so
// no workload pod is scheduled before pulls go through the mirror, over the pod's tiny in-cluster
// client (a KubeCall; src/host/in-cluster-https.ts). The patch `test`s the taint list it read, so a
// concurrent change of the node's taints makes it fail (422) and retry instead of overwriting someone
// else's taint.
import type { KubeCall } from '../host/kube-port.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

/** JSON patch removing every taint with `key`, or undefined when there is none (pure). */
export function removeTaintPatch(taints: readonly Taint[] | undefined, key: string): unknown[] | undefined {
  const current = taints ?? [];
  const kept = current.filter((t) => t.key !== key);
  if (kept.length === current.length) return undefined;
  return [
    { op: 'test', path: '/spec/taints', value: current },
    { op: 'replace', path: '/spec/taints', value: kept },
  ];
}

/** Returns undefined on success (or when the taint is already gone), else what went wrong. */
export async function removeGateTaint(
  call: KubeCall,
  node: string,
  key: string,
): Promise<string | undefined> {
  const path = `/api/v1/nodes/${encodeURIComponent(node)}`;
  try {
    const got = await call('GET', path);
    if (got.status !== 200) return `GET node ${node}: HTTP ${got.status}`;
    const taints = (JSON.parse(got.text) as { spec?: { taints?: Taint[] } }).spec?.taints;
    const patch = removeTaintPatch(taints, key);
    if (!patch) return undefined;
    const res = await call('PATCH', path, patch);
    return res.status === 200 ? undefined : `PATCH node ${node}: HTTP ${res.status}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
