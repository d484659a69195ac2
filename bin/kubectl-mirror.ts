#!/usr/bin/env node
// kubectl plugin entry point: kubectl finds `kubectl-mirror` on PATH and runs it with the words after
// `kubectl mirror`, so `kubectl mirror rollout -f m.yaml` arrives here as argv `rollout -f m.yaml` —
// exactly mirrorctl's argv. Only the program name in help and usage lines differs.
import { processContext } from '../src/cli/process-context.js';
import { VERSION } from '../src/cli/version.js';

const argv = process.argv.slice(2);
const ctx = processContext();
if (argv.length === 1 && argv[0] === '--version') {
  ctx.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('../src/cli/main.js');
  process.exitCode = await main(argv, ctx, 'kubectl mirror');
}
