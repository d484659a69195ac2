// Figure 2: per-node `plan` and `apply` wall time when nothing needs a restart (hosts.toml-only
// changes on an enabled node), through the built CLI and in-process, and the CLI's cold start as a
// ratio to kubectl's on this machine.
import { existsSync, realpathSync } from 'node:fs';
import { nodeHost } from '../src/cli/node-host.js';
import { txOptions } from '../src/cli/runtime-wiring.js';
import { readLocalText } from '../src/host/local-files.js';
import { type ApplyNodeInput, applyNode } from '../src/planner/reconcile.js';
import { median, medians, type Timed, timedRun, timedRuns } from './measure.js';
import { type BenchNode, CLI, SERVICE, specYaml, writeSpec } from './node.js';
import { ms, type Row, unmeasured, verdict } from './table.js';

const RUNS = 5;
const SOURCES = ['docker.io', 'quay.io', 'registry.k8s.io', 'ghcr.io'];
const TARGET_MS = 250;

const inProcessInput = (specFile: string): ApplyNodeInput => ({
  root: '/',
  specFile,
  readSpec: readLocalText,
  runtime: 'auto',
  runCommands: true,
  desired: { migrateLegacy: false, keepConfigPathList: false },
  takeOver: false,
  skipInexpressible: false,
  restartCommand: `${SERVICE} restart`,
  healthTimeoutMs: 30_000,
  dryRun: false,
  env: process.env,
});

/** kubectl on PATH, resolved past wrappers (gcloud's dispatcher) to the binary it would run. */
function kubectlBinary(): { path: string; label: string } | undefined {
  const dirs = (process.env.PATH ?? '').split(':');
  const onPath = dirs.map((d) => `${d}/kubectl`).find((p) => existsSync(p));
  return onPath ? { path: onPath, label: realpathSync(onPath) } : undefined;
}

export async function latency(node: BenchNode): Promise<Row[]> {
  // Two specs differing only in the mirror: every apply rewrites hosts.toml files, none restarts.
  const a = writeSpec(node, 'lat-a.yaml', specYaml('bench', SOURCES, 'http://127.0.0.1:5011'));
  const b = writeSpec(node, 'lat-b.yaml', specYaml('bench', SOURCES, 'http://127.0.0.1:5012'));
  const applyArgv = (spec: string) => [
    ...CLI,
    'apply',
    '-f',
    spec,
    '--restart-command',
    `${SERVICE} restart`,
  ];
  // Enable first (this one may restart), then measure.
  const enable = await timedRun(applyArgv(a), { env: node.env });
  if (enable.code !== 0) throw new Error(`apply: ${enable.stderr}`);
  const starts0 = node.starts();

  const planCli = medians(
    await timedRuns([...CLI, 'plan', '-f', b], RUNS, { env: node.env, okCodes: [0, 1] }),
  );
  const applyRuns: Timed[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await timedRun(applyArgv(i % 2 ? a : b), { env: node.env });
    if (r.code !== 0) throw new Error(`apply exited ${r.code}: ${r.stderr}`);
    applyRuns.push(r);
  }
  const applyCli = medians(applyRuns);
  const host = nodeHost('/');
  const inProcess: number[] = [];
  const cpuInProcess: number[] = [];
  for (let i = -1; i < RUNS; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await applyNode(host, inProcessInput(i % 2 ? a : b), txOptions);
    const t = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (out.exitCode !== 0) throw new Error(`in-process apply exited ${out.exitCode}`);
    // i = -1 warms the module graph and the TOML wasm
    if (i >= 0) {
      inProcess.push(t);
      cpuInProcess.push((cpu.user + cpu.system) / 1000);
    }
  }
  const restarts = node.starts() - starts0;
  const wallCpu = (m: { wallMs: number; cpuMs: number }) => `${ms(m.wallMs)} wall, ${ms(m.cpuMs)} CPU`;
  const version = medians(await timedRuns([...CLI, '--version'], RUNS));

  const rows: Row[] = [
    {
      section: '2',
      figure: `plan, built CLI (node dist/bin/mirrorctl.js), median of ${RUNS}`,
      value: wallCpu(planCli),
      target: `≤ ${TARGET_MS} ms`,
      comparison: `mirrorctl --version: ${wallCpu(version)}`,
      verdict: verdict(planCli.wallMs <= TARGET_MS),
    },
    {
      section: '2',
      figure: `apply, hosts.toml change, built CLI, median of ${RUNS}`,
      value: wallCpu(applyCli),
      target: `≤ ${TARGET_MS} ms, 0 restarts`,
      comparison: `${restarts} restarts in ${RUNS * 2} applies`,
      verdict: verdict(applyCli.wallMs <= TARGET_MS && restarts === 0),
    },
    {
      section: '2',
      figure: `apply, hosts.toml change, in-process applyNode, median of ${RUNS}`,
      value: `${ms(median(inProcess))} wall, ${ms(median(cpuInProcess))} CPU`,
      target: `≤ ${TARGET_MS} ms`,
      comparison: `CLI − in-process = ${ms(applyCli.wallMs - median(inProcess))} (process start + module loading)`,
      verdict: verdict(median(inProcess) <= TARGET_MS),
    },
  ];
  return [...rows, ...(await coldStart())];
}

async function coldStart(): Promise<Row[]> {
  const runs = 10;
  const ours = medians(await timedRuns([...CLI, '--version'], runs)).wallMs;
  const nodeBaseline = medians(await timedRuns([process.execPath, '-e', '0'], runs)).wallMs;
  const peer = `node -e 0: ${ms(nodeBaseline)} (${(ours / nodeBaseline).toFixed(2)}×)`;
  const kubectl = kubectlBinary();
  if (!kubectl) {
    return [
      unmeasured('2', 'cold start: mirrorctl --version / kubectl version --client', '≤ 1.5×', 'no kubectl'),
      {
        section: '2',
        figure: `cold start: mirrorctl --version, median of ${runs}`,
        value: ms(ours),
        target: '≤ 1.5× kubectl (n/a)',
        comparison: peer,
        verdict: 'info',
      },
    ];
  }
  const theirs = medians(await timedRuns([kubectl.path, 'version', '--client'], runs)).wallMs;
  const ratio = ours / theirs;
  return [
    {
      section: '2',
      figure: `cold start: mirrorctl --version ÷ kubectl version --client, median of ${runs}`,
      value: `${ratio.toFixed(2)}× (${ms(ours)} vs ${ms(theirs)})`,
      target: '≤ 1.5×',
      comparison: `kubectl = ${kubectl.label}; ${peer}`,
      verdict: verdict(ratio <= 1.5),
    },
  ];
}
