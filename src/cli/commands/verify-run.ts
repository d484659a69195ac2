// The implementation of `mirrorctl verify` (verify.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.
import { resolve } from 'node:path';
import { criChecks, pendingActionChecks, stateChecks } from '../../checks/verify-config.js';
import { imageChecks } from '../../checks/verify-image.js';
import { VERIFY_API_VERSION, type VerifyCheck, type VerifyReport } from '../../checks/verify-types.js';
import { detectRuntime } from '../../detect/detect.js';
import { hasErrors } from '../../diagnostics.js';
import { CliError, ExitCode } from '../../exit-codes.js';
import { analyzeContainerdConfig } from '../../formats/containerd-config.js';
import { DEFAULT_PATHS } from '../../formats/node-paths.js';
import { execRunner } from '../../host/exec-runner.js';
import { nodeTransport } from '../../host/http-transport.js';
import { readLocalText } from '../../host/local-files.js';
import { nodeFs } from '../../host/node-fs.js';
import { silentLogger } from '../../host/ports.js';
import { processProbe } from '../../host/process-probe.js';
import { observeHost } from '../../planner/observe-host.js';
import { readText } from '../../planner/observe-node.js';
import { createRegistryClient } from '../../registry/client.js';
import { type CredentialStore, parseAuthFile } from '../../registry/credentials.js';
import { specHash } from '../../spec/hash.js';
import { loadSpec } from '../../spec/load.js';
import type { Target } from '../../spec/types.js';
import { clearObservedAction } from '../../transaction/pending-action.js';
import type { OptionValues } from '../command.js';
import { optBool, optList, optString } from '../command.js';
import type { CliContext } from '../context.js';
import { paint, writeDiagnostics, writeDoc } from '../output.js';
import { VERSION } from '../version.js';

export async function runVerify(ctx: CliContext, _args: string[], opts: OptionValues): Promise<number> {
  const strict = optBool(opts, 'strict');
  // commander turns --no-pull into pull: false
  const pull = opts.pull !== false;
  if (strict && (!optString(opts, 'file') || optList(opts, 'image').length === 0 || !pull))
    throw new CliError(
      '--strict ties pulls to the mirrors: it needs -f <spec> (the mirrors to probe), --image and a pull (no --no-pull)',
      ExitCode.INVALID_INPUT,
      'cli.flag.conflict',
    );
  const root = resolve(ctx.cwd, optString(opts, 'root') ?? '/');
  const fs = nodeFs({ root });
  const host = {
    fs,
    run: execRunner({ defaultTimeoutMs: 10_000 }),
    log: silentLogger,
    now: () => new Date(),
  };
  const facts = await observeHost(host, DEFAULT_PATHS, { runCommands: root === '/' });
  const detection = detectRuntime(facts, DEFAULT_PATHS);
  const flag = optString(opts, 'runtime') ?? 'auto';
  const target = (flag === 'auto' ? detection.target : flag) as Target | undefined;
  const version = optString(opts, 'runtimeVersion') ?? detection.version;
  const images = optList(opts, 'image');
  const checks: VerifyCheck[] = [];

  const specFile = optString(opts, 'file');
  const loaded = specFile ? await loadSpec(resolve(ctx.cwd, specFile), readLocalText) : undefined;
  if (loaded && (!loaded.spec || hasErrors(loaded.diagnostics))) {
    writeDiagnostics(ctx, loaded.diagnostics);
    return ExitCode.INVALID_INPUT;
  }
  checks.push(
    ...(await stateChecks(fs, DEFAULT_PATHS.stateDir, loaded?.spec ? specHash(loaded.spec) : undefined)),
  );

  // On a real node (--root /) a missing socket is a failure to report; under a root prefix (a copy of
  // a node's files) only a real socket is worth dialing.
  const sock = detection.socket && target !== 'docker' ? detection.socket : undefined;
  const dialable = sock !== undefined && (root === '/' || (await fs.stat(sock))?.type === 'other');
  const endpoint =
    optString(opts, 'criEndpoint') ?? (sock && dialable ? `unix://${resolve(root, `.${sock}`)}` : undefined);
  // gRPC is loaded only when there is a socket to dial (it is the heaviest part of start-up).
  const cri = endpoint ? (await import('../../host/cri-client.js')).criClient(endpoint) : undefined;
  try {
    if (cri) {
      const expected =
        target === 'containerd'
          ? analyzeContainerdConfig(await readText(fs, DEFAULT_PATHS.containerdConfig), version).configPath
          : undefined;
      checks.push(...(await criChecks(cri, expected)));
    } else {
      checks.push({
        id: 'cri',
        ok: true,
        counted: false,
        detail: 'no CRI socket (docker target, or none found): not checked',
      });
    }
    // A restart deferred by --no-runtime-action: failed until done; seen done, it is cleared.
    const stateDir = DEFAULT_PATHS.stateDir;
    checks.push(
      ...(await pendingActionChecks(fs, stateDir, cri, (txid) =>
        clearObservedAction(fs, stateDir, processProbe(), new Date(), txid),
      )),
    );
    if (images.length > 0) {
      const probe =
        loaded?.spec && target
          ? {
              spec: loaded.spec,
              assets: loaded.assets,
              target,
              ...(version ? { runtimeVersion: version } : {}),
              client: createRegistryClient({
                transport: nodeTransport,
                userAgent: `mirrorctl/${VERSION} verify`,
                ...(await credentials(ctx, optString(opts, 'authFile'))),
              }),
            }
          : undefined;
      const pullThrough = cri && pull ? cri : undefined;
      checks.push(
        ...(await imageChecks({
          images,
          ...(probe ? { probe } : {}),
          ...(pullThrough ? { cri: pullThrough } : {}),
          strict,
        })),
      );
    }
  } finally {
    cri?.close();
  }
  const report: VerifyReport = {
    apiVersion: VERIFY_API_VERSION,
    kind: 'VerifyReport',
    ...(target ? { target } : {}),
    strict,
    checks,
    ok: checks.every((c) => c.ok || !c.counted),
  };
  if (optString(opts, 'output') === 'json') writeDoc(ctx, 'json', report);
  else writeReport(ctx, report);
  return report.ok ? ExitCode.OK : ExitCode.PENDING_OR_CHECK_FAILED;
}

async function credentials(
  ctx: CliContext,
  file: string | undefined,
): Promise<{ credentials?: CredentialStore }> {
  if (!file) return {};
  const path = resolve(ctx.cwd, file);
  const text = await readLocalText(path);
  if (text === null) throw new CliError(`--auth-file ${path}: no such file`, ExitCode.INVALID_INPUT);
  const parsed = parseAuthFile(text, path);
  if (hasErrors(parsed.diagnostics)) {
    writeDiagnostics(ctx, parsed.diagnostics);
    throw new CliError(`--auth-file ${path}: unusable`, ExitCode.INVALID_INPUT);
  }
  return { credentials: parsed.store };
}

function writeReport(ctx: CliContext, r: VerifyReport): void {
  for (const c of r.checks) {
    const mark = !c.counted
      ? paint(ctx, 'dim', '·')
      : c.ok
        ? paint(ctx, 'ok', '✓')
        : paint(ctx, 'error', '✗');
    const ms = c.latencyMs !== undefined ? ` (${c.latencyMs} ms)` : '';
    ctx.stdout.write(`${mark} ${c.id}: ${c.detail}${ms}\n`);
  }
  // "verified" covers the counted checks; say so when a pull is not tied to a mirror (--strict fails).
  const loose = r.checks.filter((c) => c.id.startsWith('evidence:') && !c.ok && !c.counted);
  if (!r.ok) ctx.stdout.write('verification failed\n');
  else if (loose.length === 0) ctx.stdout.write('verified\n');
  else
    ctx.stdout.write(
      `verified, but not that the mirror served ${loose.map((c) => c.id.slice('evidence:'.length)).join(', ')} (--strict would fail)\n`,
    );
}
