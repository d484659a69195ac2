// Figure 3: the CLI on a 500-source spec (explain, render) beside the same verbs on a 1-source spec,
// and the controller on 5,000 simulated nodes (bench/controller.ts: API requests per node, CPU, peak
// RSS, time to converge, time per restart wave), beside what the API server stand-in sustains.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiserverRows } from './apiserver.js';
import { controllerBench, controllerRows } from './controller-rows.js';
import { medians, timedRuns } from './measure.js';
import { CLI, specYaml } from './node.js';
import { ms, type Row } from './table.js';

// The spec is parsed and rendered from scratch on every run: no warm-up, three runs keep the whole
// bench under ten minutes on a loaded 2-core machine.
const RUNS = 3;
/** Soak after each restart wave (the default 60 s would make the 11 waves take 11 minutes). */
const SOAK_SECONDS = 5;

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

    const run = await controllerBench(5000, SOAK_SECONDS);
    const standIn = await apiserverRows(5000);
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
      ...controllerRows(run),
      ...standIn,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
