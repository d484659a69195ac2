// The implementation of `mirrorctl preflight` (preflight.ts holds its flags and help), loaded only
// when the verb runs.
import { resolve } from 'node:path';
import { type FoundImage, findInList, findInManifestDir, mergeFound } from '../../checks/collect.js';
import { formatReportJson, formatReportText } from '../../checks/report.js';
import { runPreflight, type TargetRuntime } from '../../checks/run.js';
import { readCluster } from '../../cluster/image-source.js';
import { type Diagnostic, hasErrors } from '../../diagnostics.js';
import { CliError, ExitCode } from '../../exit-codes.js';
import { nodeTransport } from '../../host/http-transport.js';
import { readLocalText } from '../../host/local-files.js';
import { nodeFs } from '../../host/node-fs.js';
import { createRegistryClient } from '../../registry/client.js';
import { type CredentialStore, parseAuthFile } from '../../registry/credentials.js';
import { loadSpec } from '../../spec/load.js';
import { TARGETS, type Target } from '../../spec/types.js';
import { type OptionValues, optBool, optList, optString } from '../command.js';
import type { CliContext } from '../context.js';
import { writeDiagnostics } from '../output.js';
import { createProgress } from '../preflight-progress.js';
import { VERSION } from '../version.js';
import { connectKube } from './kube-options.js';

const positiveInt = (opts: OptionValues, key: string, flag: string, min: number): number => {
  const raw = optString(opts, key) ?? '';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(
      `${flag} must be an integer ≥ ${min} (got "${raw}")`,
      ExitCode.INVALID_INPUT,
      'cli.flag.invalid',
    );
  return n;
};

function fail(ctx: CliContext, diagnostics: Diagnostic[]): number {
  writeDiagnostics(ctx, diagnostics);
  return ExitCode.INVALID_INPUT;
}

export async function runPreflightCommand(
  ctx: CliContext,
  _args: string[],
  opts: OptionValues,
): Promise<number> {
  const specFile = optString(opts, 'file');
  if (!specFile)
    throw new CliError('-f/--file <spec> is required', ExitCode.INVALID_INPUT, 'cli.flag.missing');
  const sources = [
    optString(opts, 'images'),
    optString(opts, 'manifests'),
    optBool(opts, 'cluster') || undefined,
  ];
  if (sources.filter((s) => s !== undefined).length !== 1)
    throw new CliError(
      'give exactly one of --images FILE, --manifests DIR or --cluster',
      ExitCode.INVALID_INPUT,
      'cli.flag.conflict',
    );
  const concurrency = positiveInt(opts, 'concurrency', '--concurrency', 1);
  const timeoutMs = positiveInt(opts, 'timeout', '--timeout', 1) * 1000;
  const retries = positiveInt(opts, 'retries', '--retries', 0);

  const loaded = await loadSpec(resolve(ctx.cwd, specFile), readLocalText);
  if (!loaded.spec || hasErrors(loaded.diagnostics)) return fail(ctx, loaded.diagnostics);

  let credentials: CredentialStore | undefined;
  const authFile = optString(opts, 'authFile');
  if (authFile) {
    const path = resolve(ctx.cwd, authFile);
    const text = await readLocalText(path);
    if (text === null)
      return fail(ctx, [
        {
          severity: 'error',
          code: 'auth.missing',
          file: path,
          message: 'auth file not found',
          hint: 'pass an existing docker config.json to --auth-file',
        },
      ]);
    const parsed = parseAuthFile(text, path);
    if (hasErrors(parsed.diagnostics)) return fail(ctx, parsed.diagnostics);
    credentials = parsed.store;
  }

  const { found, diagnostics, clusterTargets } = await collect(ctx, opts);
  if (
    diagnostics.some((d) => d.code === 'preflight.manifests.missing' || d.code === 'preflight.images.missing')
  )
    return fail(ctx, diagnostics);
  const collection = mergeFound(found);
  const collectDiagnostics = [...diagnostics, ...collection.diagnostics];
  if (collection.images.length === 0)
    collectDiagnostics.push({
      severity: 'warning',
      code: 'preflight.images.none',
      message: 'no image references found',
    });

  const targets = chooseTargets(opts, clusterTargets);
  const progress = createProgress(ctx.stderr, 'images', !ctx.quiet);
  const client = createRegistryClient({
    transport: nodeTransport,
    timeoutMs,
    retries,
    userAgent: `mirrorctl/${VERSION}`,
    ...(credentials ? { credentials } : {}),
  });
  const report = await runPreflight({
    spec: loaded.spec,
    assets: loaded.assets,
    images: collection.images,
    targets,
    client,
    concurrency,
    diagnostics: collectDiagnostics,
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.finish();
  ctx.stdout.write(
    optString(opts, 'output') === 'json' ? formatReportJson(report) : formatReportText(report),
  );
  return report.ok ? ExitCode.OK : ExitCode.PENDING_OR_CHECK_FAILED;
}

const isTarget = (s: string): s is Target => (TARGETS as readonly string[]).includes(s);

/** `containerd@1.7.13` → { target, runtimeVersion }; the version gates what the renderer emits. */
export function parseTargetFlag(value: string): TargetRuntime {
  const at = value.indexOf('@');
  const name = at < 0 ? value : value.slice(0, at);
  const version = at < 0 ? '' : value.slice(at + 1);
  if (!isTarget(name))
    throw new CliError(
      `--target ${value}: unknown target "${name}" (use ${TARGETS.join(', ')})`,
      ExitCode.INVALID_INPUT,
      'cli.flag.invalid',
    );
  if (at >= 0 && !/^\d+\.\d+(\.\d+)?$/.test(version))
    throw new CliError(
      `--target ${value}: version must look like 1.7.13`,
      ExitCode.INVALID_INPUT,
      'cli.flag.invalid',
    );
  return version ? { target: name, runtimeVersion: version } : { target: name };
}

function chooseTargets(opts: OptionValues, fromCluster: TargetRuntime[] | undefined): TargetRuntime[] {
  const named = optList(opts, 'target').map(parseTargetFlag);
  if (named.length > 0) return named;
  if (fromCluster && fromCluster.length > 0) return fromCluster;
  return [{ target: 'containerd' }];
}

async function collect(
  ctx: CliContext,
  opts: OptionValues,
): Promise<{ found: FoundImage[]; diagnostics: Diagnostic[]; clusterTargets?: TargetRuntime[] }> {
  const list = optString(opts, 'images');
  if (list) {
    const path = resolve(ctx.cwd, list);
    const text = await readLocalText(path);
    if (text === null)
      return {
        found: [],
        diagnostics: [
          {
            severity: 'error',
            code: 'preflight.images.missing',
            file: path,
            message: 'image list file not found',
            hint: 'pass an existing file to --images',
          },
        ],
      };
    return { found: findInList(text, list), diagnostics: [] };
  }
  const dir = optString(opts, 'manifests');
  if (dir) {
    // Walk the directory as the root of its own tree, so origins read `<dir as typed>/app.yaml:3`.
    const shown = dir.replace(/\/+$/, '');
    return findInManifestDir(nodeFs({ root: resolve(ctx.cwd, dir) }), '/', shown);
  }
  const kubeconfig = optString(opts, 'kubeconfig');
  const context = optString(opts, 'context');
  try {
    // Loaded on demand: the Kubernetes client is heavy and only --cluster needs it.
    const kube = await connectKube({
      env: ctx.env,
      ...(kubeconfig ? { kubeconfig: resolve(ctx.cwd, kubeconfig) } : {}),
      ...(context ? { context } : {}),
    });
    const { found, targets } = await readCluster(kube);
    return { found, diagnostics: [], clusterTargets: targets };
  } catch (err) {
    // Nothing was probed or written: the cluster could not be read (kubeconfig, API, RBAC).
    const why = err instanceof Error ? err.message : String(err);
    throw new CliError(
      `--cluster: cannot list pods and nodes: ${why}`,
      ExitCode.FAILED_RESTORED,
      'preflight.cluster',
    );
  }
}
