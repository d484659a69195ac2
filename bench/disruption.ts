// Figure 1: what a mirror change costs the node's CRI, measured with a 20 Hz CRI probe on a real
// containerd 1.6 while (c) `mirrorctl apply` first enables mirrors (config_path → one restart),
// (b) `mirrorctl apply` changes the mirrors of that enabled node (hosts.toml only), and (a) the
// seed's manual procedure makes the same kind of change (write files, restart containerd).
import { startCriProbe } from './cri-probe.js';
import { sleep, type Timed, timedRun } from './measure.js';
import { type BenchNode, CLI, CRI_ENDPOINT, SEED, SERVICE, specYaml, writeSpec } from './node.js';
import { ms, type Row, verdict } from './table.js';

const SOURCES = ['docker.io', 'quay.io', 'registry.k8s.io'];
// After the command returns, keep probing this long: a restart the command did not wait for
// would still show up.
const SETTLE_MS = 1000;

interface Phase {
  run: Timed;
  failedCalls: number;
  calls: number;
  unavailableMs: number;
  restarts: number;
  pidKept: boolean;
  firstError?: string;
}

async function measure(node: BenchNode, argv: readonly string[]): Promise<Phase> {
  const probe = startCriProbe(CRI_ENDPOINT);
  await sleep(500); // a healthy baseline before the change
  const starts0 = node.starts();
  const pid0 = node.pid();
  const run = await timedRun(argv, { env: node.env });
  await sleep(SETTLE_MS);
  const f = await probe.stop();
  if (run.code !== 0) throw new Error(`${argv.join(' ')} exited ${run.code}:\n${run.stderr}${run.stdout}`);
  return {
    run,
    failedCalls: f.failedCalls,
    calls: f.calls,
    unavailableMs: f.unavailableMs,
    restarts: node.starts() - starts0,
    pidKept: node.pid() === pid0,
    ...(f.firstError ? { firstError: f.firstError } : {}),
  };
}

const apply = (spec: string) => [
  ...CLI,
  'apply',
  '-f',
  spec,
  '--restart-command',
  `${SERVICE} restart`,
  '--health-timeout',
  '30s',
];

export async function disruption(node: BenchNode): Promise<Row[]> {
  const first = await measure(
    node,
    apply(writeSpec(node, 'enable.yaml', specYaml('bench', SOURCES, 'http://127.0.0.1:5001'))),
  );
  const update = await measure(
    node,
    apply(writeSpec(node, 'update.yaml', specYaml('bench', SOURCES, 'http://127.0.0.1:5002'))),
  );
  const seed = await measure(node, [SEED, 'http://127.0.0.1:5003', ...SOURCES]);
  const seedText = `seed (same change): ${seed.failedCalls}/${seed.calls} failed, ${ms(seed.unavailableMs)} down, ${seed.restarts} restart`;
  return [
    {
      section: '1a',
      figure: 'seed manual procedure, mirror change: failed CRI calls / unavailable',
      value: `${seed.failedCalls}/${seed.calls} failed, ${ms(seed.unavailableMs)}, ${seed.restarts} restart`,
      target: '— (naive baseline)',
      comparison: `wall ${ms(seed.run.wallMs)}; first error: ${(seed.firstError ?? 'none').slice(0, 60)}`,
      verdict: 'info',
    },
    {
      section: '1b',
      figure: 'mirrorctl apply, mirror change on enabled node: failed CRI calls',
      value: `${update.failedCalls}/${update.calls} failed, ${ms(update.unavailableMs)}`,
      target: '0 failed',
      comparison: seedText,
      verdict: verdict(update.failedCalls === 0),
    },
    {
      section: '1b',
      figure: 'mirrorctl apply, mirror change: containerd restarts',
      value: `${update.restarts} (PID ${update.pidKept ? 'unchanged' : 'changed'})`,
      target: '0, PID unchanged',
      comparison: `seed: ${seed.restarts} (PID ${seed.pidKept ? 'unchanged' : 'changed'}); apply wall ${ms(update.run.wallMs)}`,
      verdict: verdict(update.restarts === 0 && update.pidKept),
    },
    {
      section: '1c',
      figure: 'mirrorctl apply, first enablement: restarts / CRI unavailable',
      value: `${first.restarts} restart, ${ms(first.unavailableMs)} (${first.failedCalls}/${first.calls} failed)`,
      target: '1 restart, ≤ 2000 ms',
      comparison: `${seedText}; apply wall ${ms(first.run.wallMs)}`,
      verdict: verdict(first.restarts === 1 && first.unavailableMs <= 2000),
    },
  ];
}
