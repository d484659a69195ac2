// Child process for the SIGKILL matrix: runs one transaction on nodeFs over ROOT and, when the
// step named PAUSE_AT completes, prints PAUSED and waits forever for the parent's SIGKILL.
// Usage (bundled by sigkill.test.ts): node tx-child.mjs ROOT apply|rollback|uninstall [PAUSE_AT]

import { execRunner } from '../../src/host/exec-runner.js';
import { nodeFs } from '../../src/host/node-fs.js';
import { type Host, silentLogger } from '../../src/host/ports.js';
import { processProbe } from '../../src/host/process-probe.js';
import { applyPlan } from '../../src/transaction/apply.js';
import { rollbackLast } from '../../src/transaction/rollback.js';
import { commandRuntimeControl } from '../../src/transaction/runtime-control.js';
import type { TxOptions } from '../../src/transaction/types.js';
import { uninstallAll } from '../../src/transaction/uninstall.js';
import { plan } from './fixture.js';

const [root, op, pauseAt] = process.argv.slice(2);
if (!root || !op) throw new Error('usage: tx-child ROOT OP [PAUSE_AT]');

const run = execRunner({ defaultTimeoutMs: 10_000 });
const host: Host = { fs: nodeFs({ root }), run, log: silentLogger, now: () => new Date() };
const opts: TxOptions = {
  // A real command stands in for `systemctl restart containerd`: it leaves a mark per call.
  control: commandRuntimeControl(run, {
    inPod: false,
    restartCommand: ['sh', '-c', `echo restart >> ${root}.restarts`],
  }),
  health: { check: async () => ({ ok: true, detail: 'ready' }) },
  probe: processProbe(),
  onStep: async (step) => {
    if (step !== pauseAt) return;
    process.stdout.write('PAUSED\n');
    // A pending promise alone does not keep Node alive (it would exit 13 before the SIGKILL).
    await new Promise(() => setInterval(() => {}, 60_000));
  },
};

const result =
  op === 'apply'
    ? await applyPlan(plan, host, opts)
    : op === 'rollback'
      ? await rollbackLast(host, opts)
      : await uninstallAll(host, opts);
process.stdout.write(`${JSON.stringify(result)}\n`);
