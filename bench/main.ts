// `npm run bench` (through bench/run.sh, inside the private namespace): runs the four figure groups
// of issue 8 in one process and prints one table. Sections can be picked: `npm run bench -- 1 4`.
import { cpus, loadavg } from 'node:os';
import { disruption } from './disruption.js';
import { footprint } from './footprint.js';
import { latency } from './latency.js';
import { startBenchNode } from './node.js';
import { scale } from './scale.js';
import { formatTable, type Row } from './table.js';

const picked = new Set(process.argv.slice(2));
const wants = (section: string) => picked.size === 0 || picked.has(section);
const say = (m: string) => process.stderr.write(`bench: ${m}\n`);

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
say(
  `${cpus().length} CPUs, load average ${load()} (other work on this machine slows wall times; CPU figures less so)`,
);
const rows: Row[] = [];
const t0 = performance.now();
const node = wants('1') || wants('2') || wants('4') ? await startBenchNode() : undefined;
try {
  if (node && wants('1')) {
    say('1 disruption (real containerd 1.6, 20 Hz CRI probe)');
    rows.push(...(await disruption(node)));
  }
  if (node && wants('2')) {
    say('2 plan/apply wall time, cold start');
    rows.push(...(await latency(node)));
  }
  if (wants('3')) {
    say('3 scale (500 sources; the controller on 5,000 simulated nodes)');
    rows.push(...(await scale()));
  }
  if (node && wants('4')) {
    say('4 agent footprint');
    rows.push(...(await footprint(node)));
  }
} finally {
  await node?.close();
}
process.stdout.write(`${formatTable(rows)}\n`);
say(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s, load average ${load()}`);
