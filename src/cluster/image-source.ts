// The live cluster as an image source, over the Kube port (src/host/kube-port.ts): every pod's
// spec images (init, regular, ephemeral) in every namespace, each node's sandbox (pause) image as
// listed in node.status.images, and the target each node's runtime takes
// (status.nodeInfo.containerRuntimeVersion → selectTarget).

import { type FoundImage, imagesOfPodSpec } from '../checks/collect.js';
import type { TargetRuntime } from '../checks/run.js';
import { selectTarget } from '../detect/targets.js';
import { parseRuntimeVersion } from '../detect/version.js';
import type { Kube, V1Node, V1Pod } from '../host/kube-port.js';
import type { Target } from '../spec/types.js';

export type ClusterReader = Pick<Kube, 'listNodes' | 'listPods' | 'list'>;

/** Images a pod runs: spec containers (init, regular, ephemeral). */
export function imagesOfPod(pod: V1Pod): FoundImage[] {
  const id = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? '?'}`;
  return imagesOfPodSpec(pod.spec, `cluster: Pod ${id}`);
}

// kubelet pins the sandbox image and it is listed under every name it was pulled by; the
// kubelet never reports which image is the sandbox, so recognise the well-known pause repos.
const PAUSE_IMAGE = /(^|\/)pause(:|@|$)/;

/** Sandbox (pause) images present on a node, by their tagged names. */
export function sandboxImagesOfNode(node: V1Node): FoundImage[] {
  const found: FoundImage[] = [];
  for (const image of node.status?.images ?? []) {
    for (const name of image.names ?? []) {
      if (PAUSE_IMAGE.test(name) && !name.includes('@'))
        found.push({ image: name, origin: `cluster: Node ${node.metadata?.name ?? '?'} sandbox image` });
    }
  }
  return found;
}

/** Distinct (target, runtime version) pairs of the nodes, from status.nodeInfo.containerRuntimeVersion. */
export function targetsOfNodes(nodes: V1Node[]): TargetRuntime[] {
  const seen = new Map<string, TargetRuntime>();
  for (const node of nodes) {
    const info = parseRuntimeVersion(node.status?.nodeInfo?.containerRuntimeVersion ?? '');
    const target: Target | undefined = selectTarget(info.runtime, info.version).target;
    if (!target) continue;
    const version = info.version
      ? `${info.version.major}.${info.version.minor}.${info.version.patch}`
      : undefined;
    const key = `${target}@${version ?? ''}`;
    if (!seen.has(key)) seen.set(key, version ? { target, runtimeVersion: version } : { target });
  }
  return [...seen.values()].sort((a, b) =>
    a.target === b.target
      ? (a.runtimeVersion ?? '').localeCompare(b.runtimeVersion ?? '')
      : a.target < b.target
        ? -1
        : 1,
  );
}

export async function readCluster(
  kube: ClusterReader,
): Promise<{ found: FoundImage[]; targets: TargetRuntime[] }> {
  const nodes = (await kube.listNodes()).items;
  const namespaces = await kube.list('v1', 'Namespace', '');
  const found: FoundImage[] = [];
  for (const ns of namespaces) {
    const name = ns.metadata?.name;
    if (!name) continue;
    for (const pod of (await kube.listPods(name)).items) found.push(...imagesOfPod(pod));
  }
  for (const node of nodes) found.push(...sandboxImagesOfNode(node));
  return { found, targets: targetsOfNodes(nodes) };
}
