// Figure 2: per-node `plan` and `apply` when nothing needs a restart (hosts.toml-only changes on an
// enabled node) through the shipped bundle (dist/cli/mirrorctl.cjs, with and without its V8 code
// cache; the unbundled tsc build beside it) and in-process; --version and --help as ratios to
// kubectl's cold start; peak RSS. Every comparison (node -e 0, kubectl) is measured in the same run.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { nodeHost } from '../src/cli/node-host.js';
import { txOptions } from '../src/cli/runtime-wiring.js';
import { readLocalText } from '../src/host/local-files.js';
import { type ApplyNodeInput, applyNode } from '../src/planner/reconcile.js';
import { median, medians, type Timed, timedRun, timedRuns } from './measure.js';
import { type BenchNode, CLI, SERVICE, specYaml, UNBUNDLED_CLI, writeSpec } from './node.js';
import { mib, ms, type Row, unmeasured, verdict } from './table.js';

const RUNS = 10;
const SOURCES = ['docker.io', 'quay.io', 'registry.k8s.io', 'ghcr.io'];
const TARGET_MS = 250;
/** plan/apply: at most this many times `node -e 0` of the same run. */
const TARGET_NODE_RATIO = 2;
/** --version/--help: at most this many times `kubectl version --client`. */
const TARGET_KUBECTL_RATIO = 1.5;
const TARGET_RSS = 70 * 1024 * 1024;

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
  const load0 = loadavg();
  // The bundle's code cache goes to a bench dir (not root's ~/.cache); the warm-up run of each verb
  // writes it, as a user's first run would.
  const env = { ...node.env, MIRRORCTL_CODE_CACHE_DIR: join(node.dir, 'code-cache') };
  const noCache = { ...env, MIRRORCTL_CODE_CACHE: 'off' };
  // Two specs differing only in the mirror: every apply rewrites hosts.toml files, none restarts.
  const a = writeSpec(node, 'lat-a.yaml', specYaml('bench', SOURCES, 'http://127.0.0.1:5011'));
  const b = writeSpec(node, 'lat-b.yaml', specYaml('bench', SOURCES, 'http://127.0.0.1:5012'));
  const applyArgv = (cli: readonly string[], spec: string) => [
    ...cli,
    'apply',
    '-f',
    spec,
    '--restart-command',
    `${SERVICE} restart`,
  ];
  // Enable first (this one may restart), then measure.
  const enable = await timedRun(applyArgv(CLI, a), { env });
  if (enable.code !== 0) throw new Error(`apply: ${enable.stderr}`);
  const starts0 = node.starts();

  const floor = medians(await timedRuns([process.execPath, '-e', '0'], RUNS));
  const planArgv = (cli: readonly string[]) => [...cli, 'plan', '-f', b];
  const planCli = medians(await timedRuns(planArgv(CLI), RUNS, { env, okCodes: [0, 1] }));
  const planNoCache = medians(await timedRuns(planArgv(CLI), RUNS, { env: noCache, okCodes: [0, 1] }));
  const planTsc = medians(await timedRuns(planArgv(UNBUNDLED_CLI), RUNS, { env, okCodes: [0, 1] }));
  const applies = async (cli: readonly string[], e: Record<string, string>): Promise<Timed[]> => {
    const runs: Timed[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await timedRun(applyArgv(cli, i % 2 ? a : b), { env: e });
      if (r.code !== 0) throw new Error(`apply exited ${r.code}: ${r.stderr}`);
      runs.push(r);
    }
    return runs;
  };
  await applies(CLI, env); // warm-up: writes apply's code cache
  const applyCli = medians(await applies(CLI, env));
  const applyNoCache = medians(await applies(CLI, noCache));
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
  const rss = {
    plan: await peakRss(node.dir, planArgv(CLI), env),
    planNoCache: await peakRss(node.dir, planArgv(CLI), noCache),
    apply: await peakRss(node.dir, applyArgv(CLI, a), env),
    help: await peakRss(node.dir, [...CLI, '--help'], env),
    floor: await peakRss(node.dir, [process.execPath, '-e', '0'], env),
  };
  const wallCpu = (m: { wallMs: number; cpuMs: number }) => `${ms(m.wallMs)} wall, ${ms(m.cpuMs)} CPU`;
  const ofFloor = (m: { wallMs: number }) => `${(m.wallMs / floor.wallMs).toFixed(2)}× node -e 0`;
  const fast = (m: { wallMs: number }) =>
    m.wallMs <= TARGET_MS && m.wallMs <= TARGET_NODE_RATIO * floor.wallMs;

  const rows: Row[] = [
    {
      section: '2',
      figure: `plan, shipped bundle (node dist/cli/mirrorctl.cjs, code cache), median of ${RUNS}`,
      value: `${wallCpu(planCli)} (${ofFloor(planCli)})`,
      target: `≤ ${TARGET_MS} ms and ≤ ${TARGET_NODE_RATIO}× node -e 0`,
      comparison: `node -e 0: ${wallCpu(floor)}; no code cache: ${wallCpu(planNoCache)}; unbundled tsc build: ${wallCpu(planTsc)}`,
      verdict: verdict(fast(planCli)),
    },
    {
      section: '2',
      figure: `apply, hosts.toml change, shipped bundle (code cache), median of ${RUNS}`,
      value: `${wallCpu(applyCli)} (${ofFloor(applyCli)})`,
      target: `≤ ${TARGET_MS} ms and ≤ ${TARGET_NODE_RATIO}× node -e 0, 0 restarts`,
      comparison: `${restarts} restarts in ${RUNS * 3} applies; no code cache: ${wallCpu(applyNoCache)}`,
      verdict: verdict(fast(applyCli) && restarts === 0),
    },
    {
      section: '2',
      figure: `apply, hosts.toml change, in-process applyNode, median of ${RUNS}`,
      value: `${ms(median(inProcess))} wall, ${ms(median(cpuInProcess))} CPU`,
      target: `≤ ${TARGET_MS} ms`,
      comparison: `CLI − in-process = ${ms(applyCli.wallMs - median(inProcess))} (process start + module loading)`,
      verdict: verdict(median(inProcess) <= TARGET_MS),
    },
    {
      section: '2',
      figure: 'peak RSS of plan / apply (max RSS, /usr/bin/time), shipped bundle',
      value: `${mib(rss.plan)} / ${mib(rss.apply)}`,
      target: '≤ 70 MiB',
      comparison: `no code cache: ${mib(rss.planNoCache)}; --help: ${mib(rss.help)}; node -e 0: ${mib(rss.floor)}`,
      verdict: verdict(Math.max(rss.plan, rss.apply) <= TARGET_RSS),
    },
  ];
  const cold = await coldStart(env, floor.wallMs);
  const load1 = loadavg();
  return [
    ...rows,
    ...cold,
    {
      section: '2',
      figure: 'load average (1 min) at the start / end of figure 2',
      value: `${(load0[0] ?? 0).toFixed(1)} / ${(load1[0] ?? 0).toFixed(1)}`,
      target: '— (an idle 2-core machine is what the targets assume)',
      comparison: 'wall times include the run queue; CPU times do not',
      verdict: 'info',
    },
  ];
}

/** Median peak RSS (bytes) of 3 runs, from GNU time's %M. */
async function peakRss(dir: string, argv: readonly string[], env: Record<string, string>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < 3; i++) {
    const file = join(dir, `rss-${i}.txt`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn('/usr/bin/time', ['-f', '%M', '-o', file, ...argv], {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      });
      child.once('error', reject);
      child.once('close', () => resolve());
    });
    out.push(Number(readFileSync(file, 'utf8').trim().split('\n').at(-1)) * 1024);
  }
  return median(out);
}

async function coldStart(env: Record<string, string>, floorMs: number): Promise<Row[]> {
  const runs = RUNS;
  const version = medians(await timedRuns([...CLI, '--version'], runs, { env })).wallMs;
  const help = medians(await timedRuns([...CLI, '--help'], runs, { env })).wallMs;
  const floor = `node -e 0: ${ms(floorMs)}`;
  const kubectl = kubectlBinary();
  if (!kubectl) {
    return [
      unmeasured('2', 'cold start: mirrorctl --version / kubectl version --client', '≤ 1.5×', 'no kubectl'),
      {
        section: '2',
        figure: `cold start: mirrorctl --version / --help, median of ${runs}`,
        value: `${ms(version)} / ${ms(help)}`,
        target: '≤ 1.5× kubectl (n/a)',
        comparison: floor,
        verdict: 'info',
      },
    ];
  }
  const theirs = medians(await timedRuns([kubectl.path, 'version', '--client'], runs)).wallMs;
  const row = (what: string, ours: number): Row => ({
    section: '2',
    figure: `cold start: mirrorctl ${what} ÷ kubectl version --client, median of ${runs}`,
    value: `${(ours / theirs).toFixed(2)}× (${ms(ours)} vs ${ms(theirs)})`,
    target: `≤ ${TARGET_KUBECTL_RATIO}×`,
    comparison: `kubectl = ${kubectl.label}; ${floor} (${(ours / floorMs).toFixed(2)}×)`,
    verdict: verdict(ours / theirs <= TARGET_KUBECTL_RATIO),
  });
  return [row('--version', version), row('--help', help)];
}
