// `mirrorctl explain IMAGE... -f SPEC`: for each target, the exact ordered requests the runtime will
// make for the image, resolved from the files mirrorctl would write (hosts.toml, registries.conf
// drop-in, daemon.json, legacy config.toml) with that runtime's own rules. Proof of intent, no I/O
// beyond reading the spec (and --containerd-config).
import { resolve } from 'node:path';
import { type Diagnostic, formatDiagnostics, hasErrors } from '../../diagnostics.js';
import { CliError, ExitCode } from '../../exit-codes.js';
import { explainImage, parseExplainImage } from '../../explain/explain-image.js';
import { formatExplainText } from '../../explain/format.js';
import type { ExplainResult } from '../../explain/types.js';
import { readLocalText } from '../../host/local-files.js';
import { loadSpec } from '../../spec/load.js';
import { TARGETS, type Target } from '../../spec/types.js';
import { type CommandDef, optString } from '../command.js';
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

export const explainCommand: CommandDef = {
  name: 'explain',
  summary: 'show the exact requests each runtime makes for an image under the spec',
  description: `Renders the spec for each target and resolves IMAGE against those files with the runtime's
own rules: containerd (hosts.toml [host] order, server last, /v2 and override_path, ?ns=, capabilities:
a tag needs resolve, a digest only pull), containerd legacy mirrors (endpoint path verbatim), CRI-O /
Podman (longest prefix, location rewrite, mirror-by-digest-only / pull-from-mirror, blocked) and Docker
(registry-mirrors for Docker Hub only, then registry-1.docker.io). Entries a target cannot express are
listed as errors under that target; the table shows what the runtime would really do.
Exit codes: 0 explained, 2 invalid input (spec, image reference or flags).`,
  args: [
    {
      name: 'image',
      description: 'image reference(s): nginx, icr.io/cpopen/x:1.0, …@sha256:…',
      required: true,
      variadic: true,
    },
  ],
  options: [
    { flags: '-f, --file <spec>', description: 'mirror spec (mirrors.yaml or .json)' },
    { flags: '--target <target>', description: 'only this target (default: all)', choices: TARGETS },
    {
      flags: '--runtime-version <version>',
      description: 'runtime version of the target (version-gated behaviour); needs --target',
    },
    {
      flags: '--containerd-config <file>',
      description: "the node's config.toml, for the containerd-legacy target (default: none)",
    },
    {
      flags: '-o, --output <format>',
      description: 'output format',
      choices: ['text', 'json'],
      default: 'text',
    },
  ],
  examples: [
    'mirrorctl explain icr.io/cpopen/ibm-operator-catalog:latest -f mirrors.yaml',
    'mirrorctl explain nginx@sha256:<digest> -f mirrors.yaml --target containerd --runtime-version 1.6.20',
    'mirrorctl explain quay.io/org/app:1.0 -f mirrors.yaml -o json',
  ],
  async run(ctx, args, opts) {
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
  },
};
