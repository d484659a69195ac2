#!/usr/bin/env node
// The CLI's entry from source (`npx tsx bin/mirrorctl.ts …`) and of the image's one-file bundle
// (scripts/build-bundle.mjs → mirrorctl.mjs). The npm bin (dist/cli/mirrorctl.cjs) runs the same runCli.
import { runCli } from '../src/cli/run-cli.js';

await runCli(process.argv.slice(2));
