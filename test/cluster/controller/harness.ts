// The controller's integration harness: the API server stand-in with mirrorctl's CRDs (as deploy/
// ships them), simulated Nodes (test/cluster/sim/nodes.ts), simulated agents and Jobs
// (sim-agents.ts), and real controllers (src/cluster/controller) on the real client adapter.
import { buildCrds } from '../../../src/cluster/api/crds.js';
import { Controller, type ControllerOptions } from '../../../src/cluster/controller/controller.js';
import { createKubeClient } from '../../../src/cluster/kube-client.js';
import { realSleep } from '../../../src/cluster/retry.js';
import type { Kube } from '../../../src/host/kube-port.js';
import { loadKubeConfig } from '../../../src/host/pooled-kubeconfig.js';
import type { Obj } from '../apiserver/types.js';
import { type SimClusterHandle, startCluster } from '../sim/cluster.js';
import type { SimNodeSpec } from '../sim/nodes.js';
import { type AgentBehavior, SimAgents } from './sim-agents.js';

export const MS = { group: 'mirrorctl.io', plural: 'mirrorsets' };
export const MN = { group: 'mirrorctl.io', plural: 'mirrornodes' };
export const EVENTS = { group: 'events.k8s.io', plural: 'events' };

export interface Harness {
  cluster: SimClusterHandle;
  agents: SimAgents;
  controllers: Controller[];
  logs: string[];
  kube(onRequest?: (verb: string, code: number) => void): Kube;
  startController(identity: string, o?: Partial<ControllerOptions>): Promise<Controller>;
  close(): Promise<void>;
}

export const FAST_LEASE = {
  leaseName: 'mirrorctl-controller',
  leaseDurationMs: 2_000,
  renewDeadlineMs: 1_500,
  retryPeriodMs: 200,
};

export async function startHarness(
  nodes: Array<SimNodeSpec & { behavior?: AgentBehavior }>,
): Promise<Harness> {
  const cluster = await startCluster({ jobs: false, daemonSets: false, scheduler: false, kubelets: false });
  for (const crd of buildCrds())
    cluster.server.api.create('customresourcedefinitions', structuredClone(crd) as unknown as Obj);
  cluster.server.api.create('namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'mirrorctl' },
  });
  for (const n of nodes) cluster.nodes.add(n);
  const agents = new SimAgents(
    cluster.server,
    Object.fromEntries(nodes.map((n) => [n.name, n.behavior ?? 'hot'])),
  );
  const controllers: Controller[] = [];
  const logs: string[] = [];
  const kube = (onRequest?: (verb: string, code: number) => void) =>
    createKubeClient(loadKubeConfig({ kubeconfig: cluster.kubeconfig }), {
      retry: { retries: 6, baseMs: 5, maxMs: 50, sleep: realSleep },
      ...(onRequest ? { onRequest } : {}),
    });
  return {
    cluster,
    agents,
    controllers,
    logs,
    kube,
    async startController(identity, o = {}) {
      const c = new Controller(kube(), {
        namespace: 'mirrorctl',
        identity,
        image: 'ghcr.io/mirrorctl/mirrorctl:test',
        leaderElection: FAST_LEASE,
        workers: 2,
        resyncMs: 2_000,
        log: (m) => logs.push(`${identity}: ${m}`),
        ...o,
      });
      await c.start();
      controllers.push(c);
      return c;
    },
    async close() {
      for (const c of controllers) c.crash();
      agents.stop();
      await cluster.close();
    },
  };
}

export function mirrorSetObject(
  name: string,
  mirror: string,
  rollout: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Obj {
  return {
    apiVersion: 'mirrorctl.io/v1alpha1',
    kind: 'MirrorSet',
    metadata: { name },
    spec: { registries: [{ source: 'docker.io', mirrors: [{ url: mirror }] }], rollout, ...extra },
  };
}

export const cond = (o: Obj | undefined, type: string) =>
  ((o?.status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions ?? []).find(
    (c) => c.type === type,
  );
