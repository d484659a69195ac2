#!/usr/bin/env node
// kubectl plugin entry point: kubectl finds `kubectl-mirror` on PATH and runs it with the words after
// `kubectl mirror`, so `kubectl mirror rollout -f m.yaml` arrives here as argv `rollout -f m.yaml` —
// exactly mirrorctl's argv. Only the program name in help and usage lines differs. (Development
// entry; the shipped bundle picks the name from the name it was run under.)
import { runCli } from '../src/cli/run-cli.js';

await runCli(process.argv.slice(2), 'kubectl mirror');
