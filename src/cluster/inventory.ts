// `mirrorctl nodes`: one row per node. mirrorctl's state comes from the agent pods' result lines (the
// agent has no API token, so it cannot annotate its node): the log line of each agent pod, compared
// with the revision published in the spec ConfigMap. Requests: nodes list, pods list, ConfigMap get,
// one log read per agent pod.

import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { Kube } from '../host/kube-port.js';
import { mapLimit } from '../util/map-limit.js';
import {
  type AgentResult,
  type Control,
  controlSchema,
  lastResultLine,
  SUCCEEDED,
} from './agent-protocol.js';
import { AGENT_SELECTOR, SPEC_CONFIGMAP, SPEC_KEYS } from './names.js';
import { nodeReady, nodeRoles, nodeRuntime } from './node-runtime.js';

export type MirrorState = 'not installed' | 'in sync' | 'drifted' | 'failed' | 'pending';

export interface NodeRow {
  name: string;
  roles: string;
  ready: boolean;
  runtime: string;
  runtimeVersion?: string;
  target?: string;
  distribution?: string;
  state: MirrorState;
  /** Revision (spec text hash) the node last applied, and the normalized spec hash it reported. */
  revision?: string;
  specHash?: string;
  message?: string;
}

export const selectorString = (sel: Record<string, string>): string =>
  Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

export function readControl(data: Record<string, string> | undefined): Control | undefined {
  const text = data?.[SPEC_KEYS.control];
  if (!text) return undefined;
  try {
    const r = controlSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** The state of one node (pure). */
export function stateOf(
  control: Control | undefined,
  pod: V1Pod | undefined,
  result: AgentResult | undefined,
): MirrorState {
  // No agent pod: the node is outside the DaemonSet's selection (control plane, -l) or not scheduled yet.
  if (!control || !pod) return 'not installed';
  if (!result) return 'pending';
  if (['failed', 'rolled-back', 'invalid'].includes(result.status)) return 'failed';
  if (result.revision === control.revision && result.mode === control.mode && SUCCEEDED.has(result.status))
    return control.mode === 'uninstall' ? 'not installed' : 'in sync';
  if (result.status === 'working') return 'pending';
  return 'drifted';
}

export function buildRow(
  node: V1Node,
  control: Control | undefined,
  pod: V1Pod | undefined,
  result: AgentResult | undefined,
): NodeRow {
  const rt = nodeRuntime(node);
  const row: NodeRow = {
    name: node.metadata?.name ?? '',
    roles: nodeRoles(node),
    ready: nodeReady(node),
    runtime: rt.runtime,
    state: stateOf(control, pod, result),
  };
  if (rt.version) row.runtimeVersion = rt.version;
  if (rt.target) row.target = rt.target;
  if (rt.distribution) row.distribution = rt.distribution;
  if (result) {
    row.revision = result.revision;
    if (result.specHash) row.specHash = result.specHash;
    row.message = result.message;
  }
  return row;
}

export async function collectInventory(
  kube: Kube,
  opts: { labelSelector?: string } = {},
): Promise<NodeRow[]> {
  const ns = kube.namespace;
  const [nodes, pods, cm] = await Promise.all([
    kube.listNodes(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
    kube.listPods(ns, { labelSelector: selectorString(AGENT_SELECTOR) }),
    kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: SPEC_CONFIGMAP, namespace: ns }),
  ]);
  const control = readControl((cm as { data?: Record<string, string> } | undefined)?.data);
  const podByNode = new Map(pods.items.map((p) => [p.spec?.nodeName ?? '', p]));
  const results = new Map<string, AgentResult | undefined>();
  await mapLimit([...podByNode], 16, async ([node, pod]) => {
    const log = await kube.readPodLog(ns, pod.metadata?.name ?? '', { tailLines: 50 }).catch(() => '');
    results.set(node, lastResultLine(log));
  });
  return nodes.items
    .map((n) => {
      const name = n.metadata?.name ?? '';
      return buildRow(n, control, podByNode.get(name), results.get(name));
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
