#!/usr/bin/env node
// Fast path for --version: answer before loading any command module.
import { VERSION } from '../src/cli/version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('../src/cli/main.js');
  const { processContext } = await import('../src/cli/process-context.js');
  process.exitCode = await main(argv, processContext());
}
