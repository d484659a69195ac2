// Child process of bench/controller.ts: the API server stand-in with mirrorctl's CRDs and N simulated
// Nodes, plus the simulated agents and apply Jobs (cluster-agents.ts). Its CPU is not the
// controller's. IPC: { nodes, reactMs, jobMs } → { kubeconfig }; { mode } sets what the next revision
// needs on every node; 'stats' → the stand-in's request counts and the agents' status writes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCrds } from '../src/cluster/api/crds.js';
import { FakeApiServer } from '../test/cluster/apiserver/server.js';
import type { Obj } from '../test/cluster/apiserver/types.js';
import { Nodes } from '../test/cluster/sim/nodes.js';
import { BenchAgents } from './cluster-agents.js';

let server: FakeApiServer | undefined;
let agents: BenchAgents | undefined;

process.on(
  'message',
  async (
    m:
      | { nodes?: number; reactMs?: [number, number]; jobMs?: [number, number]; mode?: 'hot' | 'restart' }
      | 'stats',
  ) => {
    if (m === 'stats') {
      const s = server as FakeApiServer;
      const agentWrites = s.accounting.writes.filter(
        (w) => w.user === 'system:serviceaccount:mirrorctl:mirrorctl-agent',
      ).length;
      process.send?.({ byVerb: s.accounting.byVerbAndResource(), http: s.accounting.count(), agentWrites });
      return;
    }
    if (m.mode && agents) {
      agents.mode = m.mode;
      process.send?.({ ok: true });
      return;
    }
    if (m.nodes === undefined) return;
    server = new FakeApiServer({ keepRequestLog: false, bookmarkIntervalMs: 60_000 });
    await server.start();
    for (const crd of buildCrds())
      server.api.create('customresourcedefinitions', structuredClone(crd) as unknown as Obj);
    server.api.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mirrorctl' } });
    const nodes = new Nodes(server);
    for (let i = 0; i < m.nodes; i++)
      nodes.add({ name: `node-${String(i).padStart(5, '0')}`, runtime: 'containerd://1.7.13' });
    agents = new BenchAgents(server, { reactMs: m.reactMs ?? [200, 2000], jobMs: m.jobMs ?? [2000, 4000] });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'mirrorctl-bench-kube-')), 'config');
    writeFileSync(kubeconfig, server.kubeconfig());
    process.send?.({ kubeconfig });
  },
);
