// Which nodes a MirrorSet selects (spec.nodeSelector, a Kubernetes LabelSelector; by default every
// node but the control plane) and which of them it owns: one node, one owner. A node two MirrorSets
// select, or whose MirrorNode another existing MirrorSet holds, is a conflict — it gets neither new
// revision and both sets say so (Paused/Conflict naming it).
import { CONTROL_PLANE_LABEL } from '../api/meta.js';
import type { MirrorNodeObject } from '../api/mirrornode.js';
import { type ClusterFields, clusterFieldsSchema, type MirrorSetObject } from '../api/mirrorset.js';
import type { NodeFacts } from './types.js';

/** The control-plane role label, and the one clusters before Kubernetes 1.24 set instead. */
const CONTROL_PLANE_LABELS = [CONTROL_PLANE_LABEL, 'node-role.kubernetes.io/master'];

type Selector = NonNullable<ClusterFields['nodeSelector']>;

/** metav1.LabelSelector semantics (k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go
 *  LabelSelectorAsSelector): every matchLabels pair and every expression must hold; empty = all. */
export function matchesSelector(labels: Record<string, string>, sel: Selector): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key] ?? '';
    const values = e.values ?? [];
    const ok =
      e.operator === 'In'
        ? has && values.includes(value)
        : e.operator === 'NotIn'
          ? !has || !values.includes(value)
          : e.operator === 'Exists'
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

export function selectsNode(fields: ClusterFields, node: NodeFacts): boolean {
  if (fields.nodeSelector) return matchesSelector(node.labels, fields.nodeSelector);
  if (fields.rollout.includeControlPlane) return true;
  return !CONTROL_PLANE_LABELS.some((l) => Object.hasOwn(node.labels, l));
}

/** The nodes a MirrorSet selects, by name; none when its spec does not parse (it rolls out nothing). */
export function selectedNodes(set: MirrorSetObject, nodes: readonly NodeFacts[]): string[] {
  const fields = clusterFieldsSchema.safeParse(set.spec);
  if (!fields.success) return [];
  return nodes.filter((n) => selectsNode(fields.data, n)).map((n) => n.name);
}

export interface Conflict {
  node: string;
  /** The other MirrorSets claiming the node. */
  with: string[];
}

export interface Ownership {
  /** Nodes this set selects (existing Nodes), sorted. */
  selected: string[];
  /** Selected and not in conflict: this set writes their MirrorNodes. */
  owned: string[];
  conflicts: Conflict[];
  /** This set's MirrorNodes on nodes it no longer selects: uninstalled, then deleted. */
  deselected: string[];
}

export function ownership(
  set: MirrorSetObject,
  others: readonly MirrorSetObject[],
  nodes: readonly NodeFacts[],
  mirrorNodes: readonly MirrorNodeObject[],
): Ownership {
  const name = set.metadata.name;
  const existing = new Set([name, ...others.map((o) => o.metadata.name)]);
  const selected = selectedNodes(set, nodes).sort();
  const selectedSet = new Set(selected);
  // Claims by other sets: their selection (unless they are being deleted), and the MirrorNodes they
  // hold (deleting sets keep theirs until uninstalled).
  const claims = new Map<string, Set<string>>();
  const claim = (node: string, by: string) => {
    const s = claims.get(node) ?? new Set<string>();
    s.add(by);
    claims.set(node, s);
  };
  for (const o of others)
    if (!o.metadata.deletionTimestamp) for (const n of selectedNodes(o, nodes)) claim(n, o.metadata.name);
  const nodeNames = new Set(nodes.map((n) => n.name));
  const mine: string[] = [];
  for (const mn of mirrorNodes) {
    const owner = mn.spec.mirrorSet;
    if (owner === name) mine.push(mn.metadata.name);
    else if (existing.has(owner)) claim(mn.metadata.name, owner);
  }
  const conflicts: Conflict[] = [];
  const owned: string[] = [];
  for (const n of selected) {
    const by = claims.get(n);
    if (by && by.size > 0) conflicts.push({ node: n, with: [...by].sort() });
    else owned.push(n);
  }
  const deselected = mine.filter((n) => nodeNames.has(n) && !selectedSet.has(n)).sort();
  return { selected, owned, conflicts, deselected };
}
