// The controller at scale (part of figure 3): N simulated nodes on the API server stand-in (child
// process), the REAL controller as the image runs it (controller-process.ts: its CPU and memory
// alone), simulated node
// agents and apply Jobs with a propagation delay. Two rollouts of one MirrorSet: a hot change (hosts.toml
// only: every node at once), then a change needing a runtime restart (waves: canary 1, then
// maxUnavailable 10%, soakSeconds each). Measured: the controller's API requests per node, its CPU and
// peak RSS, the time to converge, and each wave's time (status polled every 250 ms from here).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { applyObject } from '../src/cluster/client/apply-object.js';
import { createKubeClient } from '../src/cluster/kube-client.js';
import type { Kube } from '../src/host/kube-port.js';
import { loadKubeConfig } from '../src/host/pooled-kubeconfig.js';
import { agentBundle } from '../test/cluster/agent/harness.js';
import { type Stats, startController } from './controller-process.js';
import { sleep } from './measure.js';

export type { Stats };

export interface Wave {
  number: number;
  nodes: number;
  /** From the wave's first sight to its Soaking phase (the restarts), and to the next wave / Ready. */
  restartMs: number;
  totalMs: number;
}

export interface ControllerRun {
  nodes: number;
  soakSeconds: number;
  startup: Stats;
  hot: { ms: number; requests: number; cpuMs: number };
  restart: { ms: number; requests: number; cpuMs: number; waves: Wave[] };
  end: Stats;
  agentWrites: number;
}

const child = (file: string): ChildProcess =>
  fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
const ask = <T>(c: ChildProcess, m: unknown): Promise<T> =>
  new Promise((resolve) => {
    c.once('message', (r) => resolve(r as T));
    c.send(m as object);
  });
const total = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

const mirrorSet = (mirror: string, soakSeconds: number) => ({
  apiVersion: 'mirrorctl.io/v1alpha1',
  kind: 'MirrorSet',
  metadata: { name: 'bench' },
  spec: {
    registries: [{ source: 'docker.io', mirrors: [{ url: mirror }] }],
    rollout: { maxUnavailable: '10%', canary: 1, soakSeconds },
  },
});

type SetStatus = {
  observedGeneration?: number;
  wave?: { number: number; nodes: string[]; phase: string };
  conditions?: Array<{ type: string; status: string }>;
};

/** Polls the MirrorSet until it is Ready at `generation`; records each wave's phases as seen. */
async function converge(
  kube: Kube,
  generation: number,
  deadlineMs: number,
): Promise<{ ms: number; waves: Wave[] }> {
  const t0 = performance.now();
  const seen = new Map<number, { nodes: number; start: number; soak?: number }>();
  for (;;) {
    const set = (await kube.get({ apiVersion: 'mirrorctl.io/v1alpha1', kind: 'MirrorSet', name: 'bench' })) as
      | { status?: SetStatus }
      | undefined;
    const st = set?.status;
    const now = performance.now() - t0;
    const w = st?.wave;
    if (w && (st?.observedGeneration ?? 0) >= generation) {
      const s = seen.get(w.number) ?? { nodes: w.nodes.length, start: now };
      if (w.phase !== 'Restarting' && s.soak === undefined) s.soak = now;
      seen.set(w.number, s);
    }
    const ready = st?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (ready && (st?.observedGeneration ?? 0) >= generation) {
      const numbers = [...seen.keys()].sort((a, b) => a - b);
      const waves = numbers.map((n, i) => {
        const s = seen.get(n) as { nodes: number; start: number; soak?: number };
        const next = numbers[i + 1];
        const end = next !== undefined ? (seen.get(next)?.start ?? now) : now;
        return { number: n, nodes: s.nodes, restartMs: (s.soak ?? end) - s.start, totalMs: end - s.start };
      });
      return { ms: now, waves };
    }
    if (now > deadlineMs)
      throw new Error(`the MirrorSet did not converge within ${deadlineMs} ms: ${JSON.stringify(st)}`);
    await sleep(250);
  }
}

export async function controllerBench(nodes: number, soakSeconds = 5): Promise<ControllerRun> {
  const bundle = await agentBundle();
  const cluster = child('./controller-cluster.ts');
  let controller: Awaited<ReturnType<typeof startController>> | undefined;
  try {
    const { kubeconfig } = await ask<{ kubeconfig: string }>(cluster, {
      nodes,
      reactMs: [200, 2000],
      jobMs: [2000, 4000],
    });
    controller = await startController(bundle, kubeconfig);
    const startup = await controller.stats();
    const kube = createKubeClient(loadKubeConfig({ kubeconfig }), { namespace: 'mirrorctl' });

    const g1 = await applyObject(kube, mirrorSet('https://mirror-a.example.com', soakSeconds));
    const hot = await converge(kube, (g1.object.metadata as { generation: number }).generation, 600_000);
    const afterHot = await controller.stats();

    await ask(cluster, { mode: 'restart' });
    const g2 = await applyObject(kube, mirrorSet('https://mirror-b.example.com', soakSeconds));
    const restart = await converge(
      kube,
      (g2.object.metadata as { generation: number }).generation,
      1_800_000,
    );
    const end = await controller.stats();
    const { agentWrites } = await ask<{ agentWrites: number }>(cluster, 'stats');
    return {
      nodes,
      soakSeconds,
      startup,
      hot: {
        ms: hot.ms,
        requests: total(afterHot.requests) - total(startup.requests),
        cpuMs: afterHot.cpuMs - startup.cpuMs,
      },
      restart: {
        ms: restart.ms,
        requests: total(end.requests) - total(afterHot.requests),
        cpuMs: end.cpuMs - afterHot.cpuMs,
        waves: restart.waves,
      },
      end,
      agentWrites,
    };
  } finally {
    controller?.kill();
    cluster.kill('SIGKILL');
  }
}

// `node --import tsx bench/controller.ts [nodes] [soakSeconds]` prints one JSON line.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await controllerBench(Number(process.argv[2] ?? '5000'), Number(process.argv[3] ?? '5'));
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
