// The implementation of `mirrorctl explain` (explain.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.
import { resolve } from 'node:path';
import { type Diagnostic, formatDiagnostics, hasErrors } from '../../diagnostics.js';
import { CliError, ExitCode } from '../../exit-codes.js';
import { explainImage, parseExplainImage } from '../../explain/explain-image.js';
import { formatExplainText } from '../../explain/format.js';
import type { ExplainResult } from '../../explain/types.js';
import { readLocalText } from '../../host/local-files.js';
import { loadSpec } from '../../spec/load.js';
import { TARGETS, type Target } from '../../spec/types.js';
import type { OptionValues } from '../command.js';
import { optString } from '../command.js';
import type { CliContext } from '../context.js';

export const EXPLAIN_API_VERSION = 'mirrorctl/explain-v1';

async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await readLocalText(path);
  } catch (err) {
    throw new CliError(`${path}: ${(err as Error).message}`, ExitCode.INVALID_INPUT, 'cli.file.unreadable');
  }
}

function fail(ctx: CliContext, diagnostics: readonly Diagnostic[]): number {
  ctx.stderr.write(`${formatDiagnostics(diagnostics)}\n`);
  return ExitCode.INVALID_INPUT;
}

export async function runExplain(ctx: CliContext, args: string[], opts: OptionValues): Promise<number> {
  const specFile = optString(opts, 'file');
  if (!specFile)
    throw new CliError('-f/--file <spec> is required', ExitCode.INVALID_INPUT, 'cli.flag.missing');
  const target = optString(opts, 'target') as Target | undefined;
  const runtimeVersion = optString(opts, 'runtimeVersion');
  if (runtimeVersion !== undefined && target === undefined)
    throw new CliError('--runtime-version needs --target', ExitCode.INVALID_INPUT, 'cli.flag.conflict');
  const images = args.map(parseExplainImage);
  const bad = images.filter((i): i is Diagnostic => 'severity' in i);
  if (bad.length > 0) return fail(ctx, bad);
  // A Secret the spec names (cluster mode) is named in the output, not read.
  const loaded = await loadSpec(resolve(ctx.cwd, specFile), readTextOrNull, {
    unresolvedSecrets: 'warning',
  });
  if (!loaded.spec || hasErrors(loaded.diagnostics)) return fail(ctx, loaded.diagnostics);
  const configFile = optString(opts, 'containerdConfig');
  let legacyConfigToml: string | undefined;
  if (configFile !== undefined) {
    const text = await readTextOrNull(resolve(ctx.cwd, configFile));
    if (text === null)
      throw new CliError(`${configFile}: no such file`, ExitCode.INVALID_INPUT, 'cli.file.missing');
    legacyConfigToml = text;
  }
  const results: ExplainResult[] = [];
  for (const image of images) {
    if ('severity' in image) continue;
    for (const t of target === undefined ? TARGETS : [target]) {
      const r = explainImage(loaded.spec, image, t, {
        assets: loaded.assets,
        ...(runtimeVersion === undefined ? {} : { runtimeVersion }),
        ...(legacyConfigToml === undefined ? {} : { legacyConfigToml }),
      });
      if ('image' in r) results.push(r);
    }
  }
  if (optString(opts, 'output') === 'json') {
    ctx.stdout.write(
      `${JSON.stringify({ apiVersion: EXPLAIN_API_VERSION, runtimeVersion, results }, null, 2)}\n`,
    );
  } else {
    ctx.stdout.write(results.map((r) => formatExplainText(r, runtimeVersion)).join('\n'));
  }
  if (loaded.diagnostics.length > 0 && !ctx.quiet)
    ctx.stderr.write(`${formatDiagnostics(loaded.diagnostics)}\n`);
  return ExitCode.OK;
}
