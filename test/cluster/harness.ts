// Test harness: a fake API server, a simulated cluster and the real client adapter wired together.
// startHarness: the legacy agent simulation (sim-cluster.ts) for the ConfigMap/DaemonSet rollout;
// startClusterHarness: the issue-16 simulators (test/cluster/sim/, see test/cluster/README.md).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKubeClient } from '../../src/cluster/kube-client.js';
import { realSleep } from '../../src/cluster/retry.js';
import type { Kube } from '../../src/host/kube-port.js';
import { loadKubeConfig } from '../../src/host/pooled-kubeconfig.js';
import { FakeApiServer } from './fake-apiserver.js';
import { type ClusterOptions, type SimClusterHandle, startCluster } from './sim/cluster.js';
import { SimCluster, type SimNode } from './sim-cluster.js';

export { type ClusterOptions, type SimClusterHandle, startCluster };

export interface Harness {
  server: FakeApiServer;
  sim: SimCluster;
  kube: Kube;
  kubeconfig: string;
  close(): Promise<void>;
}

export async function startHarness(nodes: SimNode[]): Promise<Harness> {
  const server = new FakeApiServer();
  await server.start();
  const sim = new SimCluster(server, nodes);
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'mirrorctl-kube-')), 'config');
  writeFileSync(kubeconfig, server.kubeconfig());
  // Tiny backoff: the tests assert retries happen, not how long they wait.
  const kube = createKubeClient(loadKubeConfig({ kubeconfig }), {
    retry: { retries: 8, baseMs: 1, maxMs: 5, sleep: realSleep },
  });
  return { server, sim, kube, kubeconfig, close: () => server.stop() };
}

export const MIXED: SimNode[] = [
  { name: 'cp-1', runtime: 'containerd://1.7.13', roles: ['control-plane'] },
  { name: 'ctrd-a', runtime: 'containerd://1.6.20' },
  { name: 'ctrd-b', runtime: 'containerd://2.1.4', behavior: { action: 'restart' } },
  { name: 'crio-a', runtime: 'cri-o://1.29.1', behavior: { action: 'reload' } },
  { name: 'docker-a', runtime: 'docker://24.0.7', behavior: { action: 'reload' } },
  { name: 'ctrd-c', runtime: 'containerd://1.7.13', behavior: { unchanged: true } },
];

export const SPEC = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: lab }
spec:
  registries:
    - source: docker.io
      mirrors: [{ url: "https://mirror.example.com" }]
`;

/** A simulated cluster (test/cluster/sim/cluster.ts) and mirrorctl's own Kube client for it, with the
 *  same tiny retry backoff as startHarness. */
export async function startClusterHarness(
  o: ClusterOptions = {},
): Promise<{ cluster: SimClusterHandle; kube: Kube; close(): Promise<void> }> {
  const cluster = await startCluster(o);
  const kube = createKubeClient(loadKubeConfig({ kubeconfig: cluster.kubeconfig }), {
    retry: { retries: 8, baseMs: 1, maxMs: 5, sleep: realSleep },
  });
  return { cluster, kube, close: () => cluster.close() };
}
