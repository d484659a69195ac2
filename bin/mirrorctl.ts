#!/usr/bin/env node
// Fast path for --version: answer before loading any command module. Output goes through the
// process context from the start, so a closed reader (`mirrorctl … | head`) never crashes it.
import { processContext } from '../src/cli/process-context.js';
import { VERSION } from '../src/cli/version.js';

const argv = process.argv.slice(2);
const ctx = processContext();
if (argv.length === 1 && argv[0] === '--version') {
  ctx.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('../src/cli/main.js');
  process.exitCode = await main(argv, ctx);
}
