// `mirrorctl verify`: the operator's proof on a node — config in force, mirrors answering for the
// images the way the runtime will ask, a real pull through the runtime's CRI, and the evidence that
// ties each pull to a mirror (enforced by --strict).
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
import { TARGETS, type Target } from '../../spec/types.js';
import { clearObservedAction } from '../../transaction/pending-action.js';
import { type CommandDef, optBool, optList, optString } from '../command.js';
import type { CliContext } from '../context.js';
import { ROOT_OPTION } from '../node-options.js';
import { paint, writeDiagnostics, writeDoc } from '../output.js';
import { VERSION } from '../version.js';

export const verifyCommand: CommandDef = {
  name: 'verify',
  summary:
    "show on a node that mirrorctl's config is in force, the mirrors serve the images, and what ties a pull to a mirror",
  description: `(1) The configuration is in force: the files hold what the last apply wrote (sha256), the
node runs the given spec (-f), and the runtime loaded it (containerd: config_path from CRI Status).
(2) Each mirror serves each --image the way the runtime will request it (same resolution as explain;
manifest HEAD then GET with the mirror's TLS and auth: a 200 counts only as an image manifest whose
body matches its digest), with latency. (3) The image is pulled through the runtime's CRI (PullImage,
what kubelet calls), with time. (4) The evidence: the runtime does not say which host served a pull,
so verify says only what it saw — the mirror's manifest digest, the pulled image's repo digest (CRI
ImageStatus), and whether a source endpoint could have served the same digest. With --strict each
pull must be tied to a mirror: same digest, and no source endpoint (fallback: false) or none that
serves that digest from this node. Exit 0 all good, 1 a check failed.`,
  options: [
    {
      flags: '-f, --file <spec>',
      description: 'mirror spec: also check the node runs it and probe its mirrors',
    },
    ROOT_OPTION,
    { flags: '--image <ref>', description: 'image to probe and pull (repeatable)', repeatable: true },
    {
      flags: '--cri-endpoint <url>',
      description: 'CRI socket (default: the detected runtime socket under --root)',
    },
    {
      flags: '--runtime <target>',
      description: 'target whose request order to probe',
      choices: ['auto', ...TARGETS],
      default: 'auto',
    },
    { flags: '--runtime-version <v>', description: 'runtime version (default: detected)' },
    { flags: '--no-pull', description: 'probe the mirrors but do not pull through the runtime' },
    {
      flags: '--strict',
      description:
        "fail unless each pull is tied to a mirror (its digest is the mirror's and no source endpoint could have served it); needs -f and --image",
    },
    { flags: '--auth-file <file>', description: 'docker config.json with mirror credentials for the probes' },
    {
      flags: '-o, --output <format>',
      description: 'output format',
      choices: ['text', 'json'],
      default: 'text',
    },
  ],
  examples: [
    'mirrorctl verify --image icr.io/cpopen/ibm-operator-catalog:latest',
    'mirrorctl verify -f mirrors.yaml --image docker.io/library/busybox:1.36 -o json',
    'mirrorctl verify -f mirrors.yaml --image icr.io/cpopen/ibm-operator-catalog:latest --strict',
  ],
  async run(ctx, _args, opts) {
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
      optString(opts, 'criEndpoint') ??
      (sock && dialable ? `unix://${resolve(root, `.${sock}`)}` : undefined);
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
  },
};

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
