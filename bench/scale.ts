// Figure 3: the CLI on a 500-source spec (explain, render) beside the same verbs on a 1-source spec,
// and the 5,000-node simulated rollout (API requests per node, CLI CPU, CLI RSS) beside 500 nodes.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiserverRows } from './apiserver.js';
import { medians, timedRun, timedRuns } from './measure.js';
import { CLI, REPO, specYaml } from './node.js';
import { mib, ms, type Row, verdict } from './table.js';

// The spec is parsed and rendered from scratch on every run: no warm-up, three runs keep the whole
// bench under ten minutes on a loaded 2-core machine.
const RUNS = 3;

interface Simulation {
  nodes: number;
  exitCode: number;
  waves: number;
  requestsPerNode: number;
  cliCpuMs: number;
  wallMs: number;
  maxRssBytes: number;
}

async function simulate(nodes: number): Promise<Simulation> {
  const r = await timedRun(
    [process.execPath, '--import', 'tsx', join(REPO, 'bench', 'rollout-child.ts'), String(nodes)],
    {
      cwd: REPO,
    },
  );
  const last = r.stdout.trim().split('\n').at(-1);
  if (r.code !== 0 || !last)
    throw new Error(`simulated rollout (${nodes} nodes) exited ${r.code}:\n${r.stderr}`);
  return JSON.parse(last) as Simulation;
}

export async function scale(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-bench-scale-'));
  try {
    const sources = Array.from({ length: 500 }, (_, i) => `registry-${i}.example.com`);
    const big = join(dir, 'big.yaml');
    const small = join(dir, 'small.yaml');
    writeFileSync(big, specYaml('scale', sources, 'https://cache.example.net'));
    writeFileSync(small, specYaml('scale', sources.slice(0, 1), 'https://cache.example.net'));
    const image = (n: number) => `registry-${n}.example.com/team/app:1.0`;
    const explain = (spec: string, n: number) =>
      timedRuns([...CLI, 'explain', image(n), '-f', spec], RUNS, { warmUp: false });
    const render = (spec: string, out: string) =>
      timedRuns([...CLI, 'render', '-f', spec, '--target', 'containerd', '--out', join(dir, out)], RUNS, {
        warmUp: false,
      });
    const explainBig = medians(await explain(big, 499));
    const explainSmall = medians(await explain(small, 0));
    const renderBig = medians(await render(big, 'out-big'));
    const renderSmall = medians(await render(small, 'out-small'));
    const wallCpu = (m: { wallMs: number; cpuMs: number }) => `${ms(m.wallMs)} wall, ${ms(m.cpuMs)} CPU`;
    const rendered = readdirSync(join(dir, 'out-big', 'etc', 'containerd', 'certs.d')).length;

    const sim500 = await simulate(500);
    const sim = await simulate(5000);
    const standIn = await apiserverRows(5000);
    const simNote = (s: Simulation) =>
      `${s.nodes} nodes: ${s.requestsPerNode.toFixed(2)} req/node, CPU ${ms(s.cliCpuMs)}, RSS ${mib(s.maxRssBytes)}, wall ${ms(s.wallMs)}`;
    const ok = sim.exitCode === 0;
    return [
      {
        section: '3',
        figure: `explain (all targets), 500-source spec, median of ${RUNS}`,
        value: wallCpu(explainBig),
        target: '— (no number in issue 8)',
        comparison: `1-source spec: ${wallCpu(explainSmall)}`,
        verdict: 'info',
      },
      {
        section: '3',
        figure: `render containerd, 500-source spec (${rendered} hosts.toml dirs), median of ${RUNS}`,
        value: wallCpu(renderBig),
        target: '— (no number in issue 8)',
        comparison: `1-source spec: ${wallCpu(renderSmall)}`,
        verdict: 'info',
      },
      {
        section: '3',
        figure: '5,000-node simulated rollout: API requests per node',
        value: sim.requestsPerNode.toFixed(2),
        target: '≤ 3',
        comparison: `${simNote(sim500)}; exit ${sim.exitCode}, ${sim.waves} waves`,
        verdict: verdict(ok && sim.requestsPerNode <= 3),
      },
      {
        section: '3',
        figure: '5,000-node simulated rollout: CLI CPU (user+system)',
        value: ms(sim.cliCpuMs),
        target: '≤ 5000 ms',
        comparison: `wall ${ms(sim.wallMs)}; 500 nodes: ${ms(sim500.cliCpuMs)}`,
        verdict: verdict(ok && sim.cliCpuMs <= 5000),
      },
      {
        section: '3',
        figure: '5,000-node simulated rollout: CLI peak RSS',
        value: mib(sim.maxRssBytes),
        target: '— (reported; no number in issue 8)',
        comparison: `500 nodes: ${mib(sim500.maxRssBytes)}`,
        verdict: 'info',
      },
      ...standIn,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
