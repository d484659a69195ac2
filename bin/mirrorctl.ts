#!/usr/bin/env node
// Development / tsc entry (`npx tsx bin/mirrorctl.ts …`). The shipped bin is the bundle
// (scripts/build-bundle.mjs → dist/cli/mirrorctl.mjs), which runs the same runCli.
import { runCli } from '../src/cli/run-cli.js';

await runCli(process.argv.slice(2));
