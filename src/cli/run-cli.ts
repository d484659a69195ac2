// The CLI's entry as a function: what the bins (bin/*.ts, run with tsx or tsc output) and the shipped
// bundle (scripts/build-bundle.mjs, whose loader calls runCli) share. `--version` answers before any
// command module loads; everything else loads src/cli/main.ts, whose verbs load their own heavy parts.
import { processContext } from './process-context.js';
import { VERSION } from './version.js';

/** Runs one command line; sets process.exitCode (never calls process.exit). */
export async function runCli(argv: readonly string[], programName = 'mirrorctl'): Promise<void> {
  // Output goes through the process context from the start, so a closed reader
  // (`mirrorctl … | head`) never crashes it.
  const ctx = processContext();
  if (argv.length === 1 && argv[0] === '--version') {
    ctx.stdout.write(`${VERSION}\n`);
    return;
  }
  const { main } = await import('./main.js');
  process.exitCode = await main(argv, ctx, programName);
}
