// The CLI's entry as a function: what the bins (bin/*.ts, run with tsx or tsc output) and the shipped
// bundle (scripts/build-bundle.mjs, whose loader calls runCli) share. `--version` answers before any
// command module loads; everything else loads src/cli/main.ts, whose verbs load their own heavy parts.
import type { CliContext } from './context.js';
import { processContext } from './process-context.js';
import { VERSION } from './version.js';

/** Runs one command line; sets process.exitCode (never calls process.exit). */
export async function runCli(argv: readonly string[], programName = 'mirrorctl'): Promise<void> {
  // Output goes through the process context from the start, so a closed reader
  // (`mirrorctl … | head`) never crashes it.
  const ctx = processContext();
  if (ctx.env.MIRRORCTL_DEBUG_LOAD === '1') process.once('exit', () => reportLoadedPackages(ctx));
  if (argv.length === 1 && argv[0] === '--version') {
    ctx.stdout.write(`${VERSION}\n`);
    return;
  }
  const { main } = await import('./main.js');
  process.exitCode = await main(argv, ctx, programName);
}

/**
 * MIRRORCTL_DEBUG_LOAD=1: which heavy packages this run initialised. In the bundle
 * (scripts/build-bundle.mjs) each package's entry module adds its name to this set; from source
 * (tsx) nothing does, so the list is empty.
 */
function reportLoadedPackages(ctx: CliContext): void {
  const key = Symbol.for('mirrorctl.loadedPackages');
  const loaded = (globalThis as Record<symbol, Set<string> | undefined>)[key] ?? new Set<string>();
  ctx.stderr.write(`mirrorctl-load: packages=${[...loaded].sort().join(',')}\n`);
}
