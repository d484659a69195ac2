// `mirrorctl nodes`: one row per node — its runtime and version, the target mirrorctl writes there,
// the distribution — and mirrorctl's state on it from its MirrorNode (written by the node's agent
// through /status: no pod logs). Requests: one Node list, one MirrorNode list.
import type { V1Node } from '@kubernetes/client-node';
import type { Kube } from '../host/kube-port.js';
import { asMirrorNode, MIRRORNODES, type MirrorNodeView } from './client/resources.js';
import { nodeReady, nodeRoles, nodeRuntime } from './node-runtime.js';

/** What `nodes` shows as STATE when no MirrorSet selects the node. */
export const NOT_SELECTED = 'not selected';

export interface NodeRow {
  name: string;
  roles: string;
  ready: boolean;
  runtime: string;
  runtimeVersion?: string;
  target?: string;
  distribution?: string;
  /** The MirrorNode's state (Applied, PendingRestart, Failed …), `Waiting` before the agent's first
   *  report, or `not selected`. */
  state: string;
  mirrorSet?: string;
  /** Revision in force on the node, and the one the controller wants there. */
  revision?: string;
  desired?: string;
  message?: string;
}

/** In sync: Applied at the desired revision (or not selected at all). */
export const rowInSync = (r: NodeRow): boolean =>
  r.state === NOT_SELECTED || (r.state === 'Applied' && r.revision === r.desired);

export function buildRow(node: V1Node, mn: MirrorNodeView | undefined): NodeRow {
  const rt = nodeRuntime(node);
  const st = mn?.status;
  const row: NodeRow = {
    name: node.metadata?.name ?? '',
    roles: nodeRoles(node),
    ready: nodeReady(node),
    runtime: rt.runtime,
    state: mn ? (st?.state ?? 'Waiting') : NOT_SELECTED,
  };
  if (rt.version) row.runtimeVersion = rt.version;
  if (rt.target) row.target = rt.target;
  if (rt.distribution) row.distribution = rt.distribution;
  if (mn?.spec?.mirrorSet) row.mirrorSet = mn.spec.mirrorSet;
  if (st?.appliedRevision) row.revision = st.appliedRevision;
  if (mn?.spec?.revision) row.desired = mn.spec.revision;
  if (st?.message) row.message = st.message;
  return row;
}

export async function collectInventory(
  kube: Kube,
  opts: { labelSelector?: string } = {},
): Promise<NodeRow[]> {
  const [nodes, mns] = await Promise.all([
    kube.listNodes(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
    kube.list(MIRRORNODES.apiVersion, MIRRORNODES.kind, '').catch(() => []),
  ]);
  const byName = new Map(mns.map((m) => [m.metadata?.name ?? '', asMirrorNode(m)]));
  return nodes.items
    .map((n) => buildRow(n, byName.get(n.metadata?.name ?? '')))
    .sort((a, b) => a.name.localeCompare(b.name));
}
