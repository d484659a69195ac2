// Bench entry point: a simulated rollout over N nodes through the real client library. The API
// server and the simulated agents run in a child process, so `cliCpuMs` is this process's CPU time
// (the CLI's), and `requests` is counted by the server (every HTTP request, retries included).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKubeClient } from '../../src/cluster/kube-client.js';
import { runRollout } from '../../src/cluster/rollout.js';
import { loadKubeConfig } from '../../src/host/pooled-kubeconfig.js';

export interface SimulationResult {
  nodes: number;
  exitCode: number;
  waves: number;
  requests: number;
  requestsPerNode: number;
  cliCpuMs: number;
  wallMs: number;
}

export async function simulateRollout(o: {
  nodes: number;
  restartEvery?: number;
  maxUnavailable?: string;
}): Promise<SimulationResult> {
  const child = fork(fileURLToPath(new URL('./sim-server-main.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(): Promise<T> => new Promise((r) => child.once('message', (m) => r(m as T)));
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-sim-'));
  try {
    const ready = next<{ url: string; kubeconfig: string }>();
    child.send({ nodes: o.nodes, restartEvery: o.restartEvery ?? 10 });
    const { kubeconfig } = await ready;
    writeFileSync(join(dir, 'config'), kubeconfig);
    const kube = createKubeClient(loadKubeConfig({ kubeconfig: join(dir, 'config') }));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const report = await runRollout(
      kube,
      {
        specText: 'apiVersion: mirrorctl/v1\nkind: MirrorSet\n',
        bundle: 'console.log("agent")\n',
        image: 'node:20-alpine',
        mode: 'apply',
        includeControlPlane: false,
        maxUnavailable: o.maxUnavailable ?? '10%',
        timeoutMs: 600_000,
        gateNewNodes: false,
        dryRun: false,
      },
      () => {},
    );
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    const counted = next<{ requests: number }>();
    child.send('count');
    const { requests } = await counted;
    return {
      nodes: o.nodes,
      exitCode: report.exitCode,
      waves: report.waves.length,
      requests,
      requestsPerNode: requests / o.nodes,
      cliCpuMs: (cpu.user + cpu.system) / 1000,
      wallMs,
    };
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const nodes = Number(process.argv[2] ?? '5000');
  simulateRollout({ nodes }).then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
}
