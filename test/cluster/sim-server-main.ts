// Child process for simulateRollout: runs the fake API server and the simulated cluster, so the
// parent's CPU time is the CLI's alone. Protocol (IPC): parent sends { nodes, restartEvery }, child
// answers { url }; parent sends 'count', child answers { requests }.
import { FakeApiServer } from './fake-apiserver.js';
import { SimCluster, type SimNode } from './sim-cluster.js';

const RUNTIMES = [
  'containerd://1.7.13',
  'containerd://2.1.4',
  'cri-o://1.29.1',
  'docker://24.0.7',
  'containerd://1.6.20',
];

let server: FakeApiServer | undefined;
process.on('message', async (msg: unknown) => {
  if (msg === 'count') {
    process.send?.({ requests: server?.countRequests() ?? 0 });
    return;
  }
  const { nodes, restartEvery } = msg as { nodes: number; restartEvery: number };
  server = new FakeApiServer();
  await server.start();
  const list: SimNode[] = Array.from({ length: nodes }, (_, i) => ({
    name: `node-${String(i).padStart(5, '0')}`,
    runtime: RUNTIMES[i % RUNTIMES.length] ?? 'containerd://1.7.13',
    behavior: { action: i % restartEvery === 0 ? 'restart' : i % 3 === 0 ? 'reload' : 'none' },
  }));
  new SimCluster(server, list);
  process.send?.({ url: server.url, kubeconfig: server.kubeconfig() });
});
