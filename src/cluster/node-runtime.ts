// What a Node object says about its runtime: kubelet's `status.nodeInfo.containerRuntimeVersion`
// ("containerd://1.7.13", runtime-semantics.md §4) plus the hints that name a distribution. The one
// place that adapts src/detect/version.ts to cluster mode.
import type { V1Node } from '@kubernetes/client-node';
import { parseRuntimeVersion, type RuntimeKind } from '../detect/version.js';
import type { Target } from '../spec/types.js';
import { atLeast, formatVersion } from '../util/version.js';

export interface NodeRuntime {
  runtime: RuntimeKind;
  /** `1.6.20`, or undefined when kubelet reported `Unknown`. */
  version?: string;
  /** The format mirrorctl will write there; undefined for an unknown runtime. */
  target?: Target;
  /** k3s, rke2, openshift, talos, bottlerocket, kind — when recognisable from the Node object. */
  distribution?: string;
  raw: string;
}

function distributionOf(node: V1Node, hint: string | undefined): string | undefined {
  if (hint) return hint;
  const info = node.status?.nodeInfo;
  const kubelet = info?.kubeletVersion ?? '';
  const os = info?.osImage ?? '';
  if (/\+k3s/.test(kubelet)) return 'k3s';
  if (/\+rke2/.test(kubelet)) return 'rke2';
  if (/^Talos/i.test(os)) return 'talos';
  if (/^Bottlerocket/i.test(os)) return 'bottlerocket';
  if (/CoreOS|rhcos/i.test(os)) return 'openshift';
  if ((node.spec?.providerID ?? '').startsWith('kind://')) return 'kind';
  return undefined;
}

export function nodeRuntime(node: V1Node): NodeRuntime {
  const raw = node.status?.nodeInfo?.containerRuntimeVersion ?? '';
  const info = parseRuntimeVersion(raw);
  const out: NodeRuntime = { runtime: info.runtime, raw };
  if (info.version) out.version = formatVersion(info.version);
  if (info.runtime === 'containerd')
    // config_path (hosts.toml) exists from 1.5; older nodes only understand the legacy mirrors table.
    out.target = !info.version || atLeast(info.version, 1, 5) ? 'containerd' : 'containerd-legacy';
  else if (info.runtime === 'crio') out.target = 'crio';
  else if (info.runtime === 'docker') out.target = 'docker';
  const distribution = distributionOf(node, info.distributionHint);
  if (distribution) out.distribution = distribution;
  return out;
}

/** `control-plane,worker` from node-role.kubernetes.io/<role> labels; `<none>` like kubectl. */
export function nodeRoles(node: V1Node): string {
  const roles = Object.keys(node.metadata?.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter((r) => r !== '')
    .sort();
  return roles.length > 0 ? roles.join(',') : '<none>';
}

export const nodeReady = (node: V1Node): boolean =>
  node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
