// Figure 4: memory of the node agent — the shipped single-file bundle (what the DaemonSet pod runs)
// and the full CLI's `mirrorctl agent` — idle (polling the mounted spec, nothing to do) and while
// applying a mirror change on the real containerd node, from /proc/<pid>/status; and the bundle's
// size against the 1 MiB ConfigMap budget, beside its unpacked size.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastResultLine } from '../src/cluster/agent-protocol.js';
import { specRevision } from '../src/cluster/names.js';
import { median, procMemory, sleep, timedRun } from './measure.js';
import { type BenchNode, CLI, REPO, SERVICE, specYaml } from './node.js';
import { mib, type Row, verdict } from './table.js';

const BUNDLE = join(REPO, 'dist', 'agent', 'mirrorctl-agent.mjs');
const TARGET_BYTES = 80 * 1024 * 1024;
const IDLE_MS = 4000;

interface AgentMemory {
  idleRss: number;
  peakRss: number;
  status: string;
}

async function measureAgent(
  node: BenchNode,
  name: string,
  entry: readonly string[],
  mirror: string,
): Promise<AgentMemory> {
  const dir = join(node.dir, name);
  mkdirSync(join(dir, 'config'), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const spec = specYaml('bench', ['docker.io', 'quay.io', 'registry.k8s.io'], mirror);
  const specFile = join(dir, 'config', 'mirrors.yaml');
  writeFileSync(specFile, spec);
  const args = ['agent', '--node', 'bench-node', '--spec', specFile, '--root', '/'];
  args.push('--result-file', join(dir, 'result.json'), '--restart-command', `${SERVICE} restart`);
  const child = spawn(entry[0] as string, [...entry.slice(1), ...args], {
    env: { ...process.env, ...node.env, TMPDIR: join(dir, 'tmp') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${entry.join(' ')}`);
  try {
    // Idle: no control.json yet, the agent polls the mounted files every 2 s.
    await sleep(IDLE_MS);
    if (child.exitCode !== null) throw new Error(`agent exited ${child.exitCode} while idle:\n${err}`);
    const idleRss = procMemory(pid).rss;
    const control = { revision: specRevision(spec), mode: 'apply', allow: '*', restart: ['bench-node'] };
    writeFileSync(join(dir, 'config', 'control.json'), JSON.stringify(control));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = lastResultLine(out);
      if (r && r.revision === control.revision && r.status !== 'pending-restart' && r.status !== 'working') {
        return { idleRss, peakRss: procMemory(pid).hwm, status: r.status };
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`agent ${name} gave no result (exit ${child.exitCode}):\n${out}\n${err}`);
      }
      await sleep(100);
    }
  } finally {
    child.kill('SIGTERM');
  }
}

export async function footprint(node: BenchNode): Promise<Row[]> {
  const bundleSize = statSync(BUNDLE).size;
  const bundle = await measureAgent(
    node,
    'agent-bundle',
    [process.execPath, BUNDLE],
    'http://127.0.0.1:5021',
  );
  const tmp = join(node.dir, 'agent-bundle', 'tmp');
  const unpacked = readdirSync(tmp)
    .filter((d) => d.startsWith('mirrorctl-agent-'))
    .map((d) => statSync(join(tmp, d, 'agent.mjs')).size)[0];
  const cli = await measureAgent(node, 'agent-cli', CLI, 'http://127.0.0.1:5022');
  // Peer: the floor any Node.js agent pays (an idle event loop).
  const idleNode = await nodeFloor();
  return [
    {
      section: '4',
      figure: 'agent RSS idle (bundle, node mirrorctl-agent.mjs agent)',
      value: mib(bundle.idleRss),
      target: '≤ 80 MiB',
      comparison: `full CLI \`mirrorctl agent\`: ${mib(cli.idleRss)}; bare node event loop: ${mib(idleNode)}`,
      verdict: verdict(bundle.idleRss <= TARGET_BYTES),
    },
    {
      section: '4',
      figure: 'agent peak RSS (VmHWM) through an apply (bundle)',
      value: `${mib(bundle.peakRss)} (${bundle.status})`,
      target: '≤ 80 MiB',
      comparison: `full CLI \`mirrorctl agent\` (not what nodes run): ${mib(cli.peakRss)} (${cli.status})`,
      verdict: verdict(bundle.peakRss <= TARGET_BYTES),
    },
    {
      section: '4',
      figure: 'agent bundle size (dist/agent/mirrorctl-agent.mjs)',
      value: `${(bundleSize / 1024).toFixed(0)} KiB`,
      target: '≤ 1024 KiB',
      comparison: unpacked
        ? `unpacked at start: ${(unpacked / 1024).toFixed(0)} KiB`
        : 'unpacked size not found',
      verdict: verdict(bundleSize <= 1024 * 1024),
    },
  ];
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
