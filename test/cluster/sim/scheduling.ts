// Which pod may run on which node, as the scheduler's filters and the DaemonSet controller decide it
// (k8s.io/component-helpers/scheduling/corev1/nodeaffinity: nodeSelector, required node affinity with
// matchExpressions In/NotIn/Exists/DoesNotExist/Gt/Lt and matchFields; k8s.io/api/core/v1/toleration.go
// ToleratesTaint; pkg/controller/daemon/util/daemonset_util.go: the tolerations DaemonSet pods get).
import { isRecord, type Obj } from '../apiserver/types.js';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

interface NodeSelectorTerm {
  matchExpressions?: Requirement[];
  matchFields?: Requirement[];
}

export type PodSpec = Record<string, unknown> & {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
    };
  };
  hostNetwork?: boolean;
};

export const nodeLabels = (node: Obj): Record<string, string> => node.metadata.labels ?? {};
export const nodeTaints = (node: Obj): Taint[] =>
  ((isRecord(node.spec) ? node.spec.taints : undefined) as Taint[] | undefined) ?? [];

function requirementMatches(r: Requirement, get: (k: string) => string | undefined): boolean {
  const v = get(r.key);
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return v !== undefined && values.includes(v);
    case 'NotIn':
      return v === undefined || !values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
      return v !== undefined && Number(v) > Number(values[0]);
    case 'Lt':
      return v !== undefined && Number(v) < Number(values[0]);
    default:
      return false;
  }
}

/** One term: every expression and field requirement holds (an empty term matches nothing). */
function termMatches(t: NodeSelectorTerm, node: Obj): boolean {
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = nodeLabels(node);
  return (
    exprs.every((r) => requirementMatches(r, (k) => (Object.hasOwn(labels, k) ? labels[k] : undefined))) &&
    fields.every((r) =>
      requirementMatches(r, (k) => (k === 'metadata.name' ? node.metadata.name : undefined)),
    )
  );
}

/** nodeSelector and required node affinity (terms are OR'ed). */
export function nodeMatches(spec: PodSpec, node: Obj): boolean {
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return false;
  const labels = nodeLabels(node);
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return terms === undefined || terms.some((t) => termMatches(t, node));
}

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/** Every taint with one of `effects` is tolerated. */
export function toleratesAll(
  tolerations: Toleration[],
  taints: Taint[],
  effects: Taint['effect'][],
): boolean {
  return taints
    .filter((t) => effects.includes(t.effect))
    .every((taint) => tolerations.some((t) => tolerates(t, taint)));
}

/** AddOrUpdateDaemonPodTolerations: DaemonSet pods survive node conditions other pods are evicted for. */
export function daemonTolerations(spec: PodSpec): Toleration[] {
  const add: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ...(spec.hostNetwork
      ? [{ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists' as const, effect: 'NoSchedule' }]
      : []),
  ];
  const own = spec.tolerations ?? [];
  return [...own, ...add.filter((a) => !own.some((o) => o.key === a.key && o.effect === a.effect))];
}

export function isNodeReady(node: Obj): boolean {
  const conds = isRecord(node.status) && Array.isArray(node.status.conditions) ? node.status.conditions : [];
  return conds.some((c) => isRecord(c) && c.type === 'Ready' && c.status === 'True');
}

export function isPodReady(pod: Obj): boolean {
  const conds = isRecord(pod.status) && Array.isArray(pod.status.conditions) ? pod.status.conditions : [];
  return conds.some((c) => isRecord(c) && c.type === 'Ready' && c.status === 'True');
}

/** The scheduler's filter for a pod without nodeName: selector/affinity and taints (cordon and NotReady
 *  are taints too: node.kubernetes.io/unschedulable, node.kubernetes.io/not-ready — sim/nodes.ts sets them). */
export function schedulable(spec: PodSpec, node: Obj): boolean {
  return (
    nodeMatches(spec, node) &&
    toleratesAll(spec.tolerations ?? [], nodeTaints(node), ['NoSchedule', 'NoExecute'])
  );
}
