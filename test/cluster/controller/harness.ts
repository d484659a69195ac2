// The controller's integration harness: the API server stand-in with mirrorctl's CRDs (as deploy/
// ships them), simulated Nodes (test/cluster/sim/nodes.ts), simulated agents and Jobs
// (sim-agents.ts), and real controllers (src/cluster/controller) on the real client adapter.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCrds } from '../../../src/cluster/api/crds.js';
import { Controller, type ControllerOptions } from '../../../src/cluster/controller/controller.js';
import { createKubeClient } from '../../../src/cluster/kube-client.js';
import { buildRbac, buildServiceAccounts } from '../../../src/cluster/manifests-rbac.js';
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

export interface HarnessOptions {
  /** The API server authorizes with RBAC, and the controllers act as the controller ServiceAccount
   *  with deploy/'s grants (buildServiceAccounts, buildRbac). */
  rbac?: boolean;
}

const pluralOf = (m: { apiVersion?: unknown; kind?: unknown }) => {
  const apiVersion = String(m.apiVersion);
  const plural = `${String(m.kind).toLowerCase()}s`;
  return apiVersion.includes('/') ? { group: apiVersion.split('/')[0] ?? '', plural } : plural;
};

export async function startHarness(
  nodes: Array<SimNodeSpec & { behavior?: AgentBehavior }>,
  o: HarnessOptions = {},
): Promise<Harness> {
  const cluster = await startCluster({
    jobs: false,
    daemonSets: false,
    scheduler: false,
    kubelets: false,
    ...(o.rbac ? { server: { authorization: 'RBAC' as const } } : {}),
  });
  const api = cluster.server.api;
  for (const crd of buildCrds())
    api.create('customresourcedefinitions', structuredClone(crd) as unknown as Obj);
  api.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mirrorctl' } });
  let kubeconfig = cluster.kubeconfig;
  if (o.rbac) {
    for (const m of [...buildServiceAccounts(), ...buildRbac()])
      api.create(pluralOf(m), structuredClone(m) as Obj);
    const token = cluster.server.issueToken({
      username: 'system:serviceaccount:mirrorctl:mirrorctl-controller',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:mirrorctl', 'system:authenticated'],
    });
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'mirrorctl-sa-')), 'kubeconfig');
    writeFileSync(kubeconfig, cluster.server.kubeconfig('mirrorctl', token));
  }
  return harnessOn(cluster, kubeconfig, nodes);
}

/** The harness over a started cluster: `nodes` added with their simulated agents, controllers
 *  started on demand with a client for `kubeconfig` (also cli/harness.ts's startInstalled). */
export function harnessOn(
  cluster: SimClusterHandle,
  kubeconfig: string,
  nodes: Array<SimNodeSpec & { behavior?: AgentBehavior }>,
): Harness {
  for (const n of nodes) cluster.nodes.add(n);
  const agents = new SimAgents(
    cluster.server,
    Object.fromEntries(nodes.map((n) => [n.name, n.behavior ?? 'hot'])),
  );
  const controllers: Controller[] = [];
  const logs: string[] = [];
  const kube = (onRequest?: (verb: string, code: number) => void) =>
    createKubeClient(loadKubeConfig({ kubeconfig }), {
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
