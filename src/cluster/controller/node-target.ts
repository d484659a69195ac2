// Which agent serves a node: the value of its mirrorctl.io/target label, from what kubelet reports in
// status.nodeInfo (src/cluster/node-runtime.ts reads it with src/detect's rules). The agent
// DaemonSets select on this label, so a node gets exactly the agent that mounts its runtime's files.
import type { V1Node } from '@kubernetes/client-node';
import type { NodeTarget } from '../api/meta.js';
import { nodeRuntime } from '../node-runtime.js';

/** Distributions whose registry configuration mirrorctl's agents do not write in cluster mode:
 *  OpenShift's Machine Config Operator owns registries.conf (use ImageDigestMirrorSets), Talos and
 *  Bottlerocket have immutable root filesystems configured through their own APIs (`convert`). */
const NOT_IN_CLUSTER_MODE = new Set(['openshift', 'talos', 'bottlerocket']);

export function nodeTarget(node: V1Node): NodeTarget {
  if ((node.status?.nodeInfo?.operatingSystem ?? 'linux') !== 'linux') return 'unsupported';
  // RKE2 ships k3s's containerd build (containerd://1.7.11-k3s2), so its kubelet version decides.
  if (/\+rke2/.test(node.status?.nodeInfo?.kubeletVersion ?? '')) return 'rke2';
  const rt = nodeRuntime(node);
  if (rt.distribution === 'k3s' || rt.distribution === 'rke2') return rt.distribution;
  if (rt.distribution && NOT_IN_CLUSTER_MODE.has(rt.distribution)) return 'unsupported';
  switch (rt.target) {
    case 'containerd':
    case 'containerd-legacy':
      return 'containerd';
    case 'crio':
      return 'crio';
    case 'docker':
      return 'docker';
    default:
      return 'unsupported';
  }
}
