// Cordon and drain around a node's runtime restart, as `kubectl drain --ignore-daemonsets` does it:
// cordon (spec.unschedulable, with our marker so only our cordons are undone), then evict every pod
// bound to the node through the Eviction API (PodDisruptionBudgets are respected: a 429 means "not
// now", and the next pass tries again until drain.timeoutSeconds). DaemonSet pods (they would come
// straight back), mirror pods (kubelet's static pods: the API cannot delete them) and finished pods
// stay. Upstream: k8s.io/kubectl/pkg/drain/filters.go (daemonSetFilter, mirrorPodFilter,
// skipDeletedFilter).
import type { Kube, KubernetesObject } from '../../host/kube-port.js';
import { KubeError } from '../../host/kube-port.js';
import { CONTROLLER_ANNOTATIONS } from './names.js';
import type { NodeFacts } from './types.js';

const MIRROR_POD = 'kubernetes.io/config.mirror';

type Pod = KubernetesObject & {
  metadata?: {
    ownerReferences?: Array<{ kind?: string; controller?: boolean }>;
    deletionTimestamp?: unknown;
  };
  status?: { phase?: string };
};

/** Pods a drain waits for (the rest of the node's pods stay): terminating ones included, as
 *  kubectl drain waits for the pods it evicted to be gone. */
export function mustGo(pod: Pod): boolean {
  const m = pod.metadata ?? {};
  if (m.annotations?.[MIRROR_POD] !== undefined) return false;
  if ((m.ownerReferences ?? []).some((o) => o.controller && o.kind === 'DaemonSet')) return false;
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

export const cordonPatch = (revision: string) => ({
  metadata: { annotations: { [CONTROLLER_ANNOTATIONS.cordoned]: revision } },
  spec: { unschedulable: true },
});
export const uncordonPatch = () => ({
  metadata: { annotations: { [CONTROLLER_ANNOTATIONS.cordoned]: null } },
  spec: { unschedulable: false },
});

export interface DrainOutcome {
  drained: boolean;
  /** Pods still there (`namespace/name`), for the status message. */
  remaining: string[];
  /** Evictions a PodDisruptionBudget refused this pass. */
  blocked: string[];
}

/** One pass: cordon if needed, evict what can go now. Drained when no evictable pod is left. */
export async function drainPass(kube: Kube, node: NodeFacts, revision: string): Promise<DrainOutcome> {
  if (!node.unschedulable)
    await kube.patch({ apiVersion: 'v1', kind: 'Node', name: node.name }, cordonPatch(revision), 'merge');
  const pods = (await kube.list('v1', 'Pod', '', { fieldSelector: `spec.nodeName=${node.name}` })) as Pod[];
  const left = pods.filter(mustGo);
  const blocked: string[] = [];
  const remaining: string[] = [];
  for (const p of left) {
    const ns = p.metadata?.namespace ?? 'default';
    const name = p.metadata?.name ?? '';
    const id = `${ns}/${name}`;
    if (p.metadata?.deletionTimestamp) {
      remaining.push(id); // evicted already: waiting for it to end
      continue;
    }
    try {
      await kube.evictPod(ns, name);
      remaining.push(id); // evicted: gone once its grace period ends
    } catch (err) {
      if (err instanceof KubeError && err.status === 404) continue;
      if (err instanceof KubeError && err.status === 429) blocked.push(id);
      remaining.push(id);
    }
  }
  return { drained: left.length === 0, remaining, blocked };
}
