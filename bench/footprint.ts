// Figure 4: memory of the node agent — the image's bundle (what the DaemonSet pod runs:
// `node /opt/mirrorctl/mirrorctl.mjs agent`) and the unbundled built CLI's `mirrorctl agent` — idle
// (watching its MirrorNode, nothing to do) and through a reconcile of a mirror change on the real
// containerd node, from /proc/<pid>/status; and the bundle's size. The agents talk to the API server
// stand-in (test/cluster/agent/harness.ts) over TLS with a service-account token, as in a pod.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AgentWorld, agentBundle } from '../test/cluster/agent/harness.js';
import { median, procMemory, sleep, timedRun } from './measure.js';
import { type BenchNode, CRI_ENDPOINT, REPO, specYaml } from './node.js';
import { mib, type Row, verdict } from './table.js';

const TARGET_BYTES = 80 * 1024 * 1024;
const IDLE_MS = 4000;

interface AgentMemory {
  idleRss: number;
  peakRss: number;
  state: string;
}

async function measureAgent(
  node: BenchNode,
  world: AgentWorld,
  nodeName: string,
  entry: readonly string[],
  mirror: string,
): Promise<AgentMemory> {
  const args = ['agent', '--root', '/', '--service-account-dir', world.saDir, '--metrics-port', '0'];
  args.push('--cri-endpoint', CRI_ENDPOINT);
  const child = spawn(entry[0] as string, [...entry.slice(1), ...args], {
    env: {
      ...process.env,
      ...node.env,
      NODE_NAME: nodeName,
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(world.server.port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => {
    log += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${entry.join(' ')}`);
  try {
    // Idle: its MirrorNode does not exist yet; the agent holds a watch and waits.
    await sleep(IDLE_MS);
    if (child.exitCode !== null) throw new Error(`agent exited ${child.exitCode} while idle:\n${log}`);
    const idleRss = procMemory(pid).rss;
    const r = world.revision(specYaml('bench', ['docker.io', 'quay.io', 'registry.k8s.io'], mirror));
    world.setNode(nodeName, world.nodeSpec(r, { target: 'containerd' }));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const st = world.status(nodeName) as { state?: string; observedRevision?: string } | undefined;
      // Applied (hosts.toml only) or PendingRestart (the node's config.toml still lacks config_path):
      // either way the agent planned the revision; it never restarts anything itself.
      if (st?.observedRevision === r.revision && st.state && st.state !== 'Applying')
        return { idleRss, peakRss: procMemory(pid).hwm, state: st.state };
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`agent ${nodeName} gave no status (exit ${child.exitCode}):\n${log}`);
      await sleep(100);
    }
  } finally {
    child.kill('SIGTERM');
  }
}

export async function footprint(node: BenchNode): Promise<Row[]> {
  const world = new AgentWorld();
  await world.start();
  try {
    const bundlePath = await agentBundle();
    const bundle = await measureAgent(
      node,
      world,
      'bench-node',
      [process.execPath, bundlePath],
      'http://127.0.0.1:5021',
    );
    const cli = await measureAgent(
      node,
      world,
      'bench-node-cli',
      [process.execPath, join(REPO, 'dist', 'bin', 'mirrorctl.js')],
      'http://127.0.0.1:5022',
    );
    const bundleSize = statSync(bundlePath).size;
    // Peer: the floor any Node.js agent pays (an idle event loop).
    const idleNode = await nodeFloor();
    return [
      {
        section: '4',
        figure: 'agent RSS idle (image bundle, node mirrorctl.mjs agent)',
        value: mib(bundle.idleRss),
        target: '≤ 80 MiB',
        comparison: `unbundled CLI \`mirrorctl agent\`: ${mib(cli.idleRss)}; bare node event loop: ${mib(idleNode)}`,
        verdict: verdict(bundle.idleRss <= TARGET_BYTES),
      },
      {
        section: '4',
        figure: 'agent peak RSS (VmHWM) through a reconcile (image bundle)',
        value: `${mib(bundle.peakRss)} (${bundle.state})`,
        target: '≤ 80 MiB',
        comparison: `unbundled CLI \`mirrorctl agent\`: ${mib(cli.peakRss)} (${cli.state})`,
        verdict: verdict(bundle.peakRss <= TARGET_BYTES),
      },
      {
        section: '4',
        figure: 'image bundle size (scripts/build-bundle.mjs: CLI, controller, agent)',
        value: `${(bundleSize / 1024).toFixed(0)} KiB`,
        target: '— (in the image; no ConfigMap budget any more)',
        comparison: '—',
        verdict: 'info',
      },
    ];
  } finally {
    await world.stop();
  }
}

/** Peak RSS of `node -e` holding an idle event loop for a moment, read by the process itself. */
async function nodeFloor(): Promise<number> {
  const script = 'setTimeout(() => process.stdout.write(String(process.resourceUsage().maxRSS * 1024)), 500)';
  const out: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await timedRun([process.execPath, '-e', script]);
    out.push(Number(r.stdout));
  }
  return median(out);
}
