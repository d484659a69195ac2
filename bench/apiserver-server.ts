// Child process of bench/apiserver-load.ts: the API server stand-in alone (its CPU is this process's),
// with N Nodes and N MirrorNodes; on request it also runs the DaemonSet controller with N status-only
// kubelets and reports how long N agent pods take to be Ready. IPC: { nodes } → { url, setupMs };
// 'daemonset' → { podsReadyMs } (and a bare node:http server as the floor); 'stats' → { cpuMs, rssBytes, requests, byVerb }.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MIRRORCTL_CRDS } from '../test/cluster/apiserver/custom-resources.js';
import { FakeApiServer } from '../test/cluster/apiserver/server.js';
import { DaemonSetController } from '../test/cluster/sim/daemonset-controller.js';
import { Kubelet } from '../test/cluster/sim/kubelet/kubelet.js';
import { Nodes } from '../test/cluster/sim/nodes.js';
import { isPodReady } from '../test/cluster/sim/scheduling.js';

let server: FakeApiServer | undefined;
let count = 0;
const cpu0 = process.cpuUsage();

async function setup(nodes: number): Promise<void> {
  const t0 = performance.now();
  server = new FakeApiServer({
    resources: MIRRORCTL_CRDS,
    keepRequestLog: false,
    bookmarkIntervalMs: 60_000,
  });
  await server.start();
  count = nodes;
  const sim = new Nodes(server);
  for (let i = 0; i < nodes; i++) {
    const name = `node-${String(i).padStart(5, '0')}`;
    const node = sim.add({ name, runtime: 'containerd://1.7.13' });
    server.api.create(
      { group: 'mirrorctl.io', plural: 'mirrornodes' },
      {
        apiVersion: 'mirrorctl.io/v1alpha1',
        kind: 'MirrorNode',
        metadata: {
          name,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? '' }],
        },
        spec: { revision: 'aaaaaaaaaaaa', mode: 'apply' },
      },
    );
  }
  // The floor to compare with: a bare node:http server answering a constant JSON body.
  const bare = createServer((_q, r) => {
    r.writeHead(200, { 'content-type': 'application/json' });
    r.end('{"kind":"Status"}');
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const port = (bare.address() as AddressInfo).port;
  process.send?.({ url: server.url, bareUrl: `http://127.0.0.1:${port}`, setupMs: performance.now() - t0 });
}

async function daemonSet(): Promise<void> {
  const s = server as FakeApiServer;
  const t0 = performance.now();
  new DaemonSetController(s, { delayMs: 20 });
  for (const n of s.list('nodes')) await new Kubelet(s, { node: n.metadata.name }).start();
  s.api.create('namespaces', { metadata: { name: 'mirrorctl' } });
  await new Promise((r) => setTimeout(r, 10));
  s.api.create(
    { group: 'apps', plural: 'daemonsets' },
    {
      metadata: { name: 'mirrorctl-agent', namespace: 'mirrorctl' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: {
          metadata: { labels: { app: 'agent' } },
          spec: {
            automountServiceAccountToken: false,
            containers: [{ name: 'agent', image: 'mirrorctl:0' }],
          },
        },
      },
    },
  );
  while (s.list('pods', 'mirrorctl').filter(isPodReady).length < count)
    await new Promise((r) => setTimeout(r, 20));
  process.send?.({ podsReadyMs: performance.now() - t0 });
}

process.on('message', (msg: unknown) => {
  if (msg === 'daemonset') void daemonSet();
  else if (msg === 'stats') {
    const u = process.cpuUsage(cpu0);
    process.send?.({
      cpuMs: (u.user + u.system) / 1000,
      rssBytes: process.memoryUsage().rss,
      requests: server?.accounting.count() ?? 0,
      byVerb: server?.accounting.byVerbAndResource() ?? {},
    });
  } else void setup((msg as { nodes: number }).nodes);
});
