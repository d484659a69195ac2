// Child process for the CLI rerun matrix: `mirrorctl apply`'s own path (applyNode with the CLI's
// nodeHost and runtime wiring) on ROOT, which prints PAUSED after the step named PAUSE_AT and waits
// for the parent's SIGKILL. Usage (bundled by cli-rerun.test.ts):
//   node apply-child.mjs ROOT SPEC CRI_ENDPOINT RESTART_COMMAND [PAUSE_AT]
import { nodeHost } from '../../src/cli/node-host.js';
import { txOptions } from '../../src/cli/runtime-wiring.js';
import { readLocalText } from '../../src/host/local-files.js';
import { applyNode } from '../../src/planner/reconcile.js';

const [root, specFile, criEndpoint, restartCommand, pauseAt] = process.argv.slice(2);
if (!root || !specFile || !criEndpoint || !restartCommand)
  throw new Error('usage: apply-child ROOT SPEC CRI_ENDPOINT RESTART_COMMAND [PAUSE_AT]');

const out = await applyNode(
  nodeHost(root),
  {
    root,
    specFile,
    readSpec: readLocalText,
    runtime: 'auto',
    runtimeVersion: '1.6.20',
    runCommands: false,
    desired: { migrateLegacy: false, keepConfigPathList: false },
    takeOver: false,
    skipInexpressible: false,
    restartCommand,
    criEndpoint,
    healthTimeoutMs: 5_000,
    dryRun: false,
    env: {},
  },
  (run, input) => ({
    ...txOptions(run, input),
    onStep: async (step) => {
      if (step !== pauseAt) return;
      process.stdout.write('PAUSED\n');
      // A pending promise alone does not keep Node alive (it would exit 13 before the SIGKILL).
      await new Promise(() => setInterval(() => {}, 60_000));
    },
  }),
);
process.stdout.write(`${JSON.stringify(out.tx ?? null)}\n`);
