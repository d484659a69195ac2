// Test harness: the API server stand-in with simulated Nodes (no controllers, no kubelets) and the
// real client adapter (startHarness), or a whole simulated cluster with mirrorctl's own Kube client
// (startClusterHarness; the issue-16 simulators, see test/cluster/README.md).
import { createKubeClient } from '../../src/cluster/kube-client.js';
import { realSleep } from '../../src/cluster/retry.js';
import type { Kube } from '../../src/host/kube-port.js';
import { loadKubeConfig } from '../../src/host/pooled-kubeconfig.js';
import type { FakeApiServer } from './fake-apiserver.js';
import { type ClusterOptions, type SimClusterHandle, startCluster } from './sim/cluster.js';
import type { SimNodeSpec } from './sim/nodes.js';

export { type ClusterOptions, type SimClusterHandle, startCluster };

export interface Harness {
  server: FakeApiServer;
  kube: Kube;
  kubeconfig: string;
  close(): Promise<void>;
}

/** Tiny backoff: the tests assert retries happen, not how long they wait. */
const kubeFor = (kubeconfig: string): Kube =>
  createKubeClient(loadKubeConfig({ kubeconfig }), {
    retry: { retries: 8, baseMs: 1, maxMs: 5, sleep: realSleep },
  });

export async function startHarness(nodes: SimNodeSpec[]): Promise<Harness> {
  const cluster = await startCluster({
    nodes,
    daemonSets: false,
    jobs: false,
    disruption: false,
    scheduler: false,
    kubelets: false,
  });
  return {
    server: cluster.server,
    kube: kubeFor(cluster.kubeconfig),
    kubeconfig: cluster.kubeconfig,
    close: () => cluster.close(),
  };
}

export const SPEC = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: lab }
spec:
  registries:
    - source: docker.io
      mirrors: [{ url: "https://mirror.example.com" }]
`;

/** A simulated cluster (test/cluster/sim/cluster.ts) and mirrorctl's own Kube client for it. */
export async function startClusterHarness(
  o: ClusterOptions = {},
): Promise<{ cluster: SimClusterHandle; kube: Kube; close(): Promise<void> }> {
  const cluster = await startCluster(o);
  return { cluster, kube: kubeFor(cluster.kubeconfig), close: () => cluster.close() };
}
