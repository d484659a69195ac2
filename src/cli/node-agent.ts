// `mirrorctl agent` in cluster mode, wired: the pod's in-cluster API client (token + CA + service
// env), the node root's Host and transaction ports, the runtime version over its socket, metrics and
// probes on :9477 — then either the long-running loop (never a runtime action) or, with --once
// --allow-runtime-action --revision R, the apply Job's one transaction.
import { join } from 'node:path';
import { agentApi } from '../cluster/agent/api.js';
import { runApplyJob } from '../cluster/agent/apply-job.js';
import { startAgentLoop } from '../cluster/agent/loop.js';
import { agentMetrics } from '../cluster/agent/metrics.js';
import { noRuntimeAction } from '../cluster/agent/no-runtime-action.js';
import { nodeSide } from '../cluster/agent/node-side.js';
import { type ReconcileDeps, reconcileNode } from '../cluster/agent/reconcile.js';
import { REVISION_PATTERN } from '../cluster/api/mirrorset.js';
import { PROBE_PATHS } from '../cluster/api/pod-contract.js';
import { ExitCode } from '../exit-codes.js';
import { watchDirs } from '../host/dir-watch.js';
import { inClusterKube, readInClusterAccess, SERVICE_ACCOUNT_DIR } from '../host/in-cluster-https.js';
import { textAnswer } from '../host/metrics-port.js';
import { startMetricsServer } from '../host/metrics-server.js';
import type { Logger } from '../host/ports.js';
import { runtimeVersionAt } from '../host/runtime-version.js';
import type { TxWiring } from '../planner/node-entry.js';
import type { CliContext } from './context.js';
import { nodeHost } from './node-host.js';
import { txOptions } from './runtime-wiring.js';

export interface NodeAgentFlags {
  node: string;
  root: string;
  once: boolean;
  allowRuntimeAction: boolean;
  revision?: string;
  driftIntervalSeconds: number;
  metricsPort: number;
  serviceAccountDir: string;
  healthTimeoutSeconds: number;
  restartCommand?: string;
  reloadCommand?: string;
  criEndpoint?: string;
  runtimeVersion?: string;
}

/** The runtimes' config directories (a pod mounts only its profile's): a change there is a hint. */
const HINT_DIRS = ['/etc/containerd', '/etc/containers', '/etc/docker', '/etc/rancher'];

/** The long-running agent's transactions may write files but never restart or reload a runtime. */
const agentWire: TxWiring = (run, input) => ({ ...txOptions(run, input), control: noRuntimeAction });

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** Resolves on the first SIGTERM/SIGINT (kubelet stops the pod with SIGTERM). */
const terminated = () =>
  new Promise<string>((resolve) => {
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => resolve(s));
  });

function refuse(ctx: CliContext, message: string, code: number = ExitCode.INVALID_INPUT): number {
  ctx.stderr.write(`✖ ${message}\n`);
  return code;
}

export async function runNodeAgent(ctx: CliContext, f: NodeAgentFlags): Promise<number> {
  if (f.node === '')
    return refuse(ctx, 'the agent needs its node name: set NODE_NAME (downward API) or --node');
  if (f.allowRuntimeAction && (!f.once || !f.revision))
    return refuse(ctx, '--allow-runtime-action is for the apply Job only: it needs --once and --revision');
  if (f.revision !== undefined && !REVISION_PATTERN.test(f.revision))
    return refuse(ctx, `--revision ${f.revision}: a revision is 12 hex characters`);
  if (!Number.isFinite(f.driftIntervalSeconds) || f.driftIntervalSeconds < 1)
    return refuse(ctx, '--drift-interval: at least 1 second');
  const access = await readInClusterAccess(ctx.env, f.serviceAccountDir);
  if (!access)
    return refuse(
      ctx,
      `no in-cluster API access: needs KUBERNETES_SERVICE_HOST and a service-account token and CA in ${f.serviceAccountDir}`,
    );
  const log = (line: string) => ctx.stderr.write(`${line}\n`);
  const logger: Logger = {
    step: (ok, m) => ctx.verbose && log(`${ok ? '✓' : '✖'} ${m}`),
    info: (m) => ctx.verbose && log(m),
    warn: (m) => log(`⚠ ${m}`),
    debug: (m) => ctx.verbose && log(m),
  };
  const metrics = agentMetrics(f.node);
  const deps: ReconcileDeps = {
    api: agentApi(inClusterKube(access)),
    side: nodeSide({
      host: nodeHost(f.root, logger),
      root: f.root,
      wire: f.allowRuntimeAction ? txOptions : agentWire,
      healthTimeoutMs: f.healthTimeoutSeconds * 1000,
      env: ctx.env,
      ...(f.restartCommand ? { restartCommand: f.restartCommand } : {}),
      ...(f.reloadCommand ? { reloadCommand: f.reloadCommand } : {}),
      ...(f.criEndpoint ? { criEndpoint: f.criEndpoint } : {}),
      ...(f.runtimeVersion ? { runtimeVersion: f.runtimeVersion } : {}),
      // --cri-endpoint names the socket the operator means; else the one detection found.
      probeVersion: (socket) =>
        runtimeVersionAt(f.criEndpoint?.replace(/^unix:\/\//, '') ?? join(f.root, socket)),
    }),
    metrics,
    now: () => new Date(),
    log,
    instance: ctx.env.POD_NAME ?? `mirrorctl-agent-${f.node}`,
    specs: new Map(),
  };

  if (f.once && f.allowRuntimeAction && f.revision)
    return runApplyJob(deps, { node: f.node, revision: f.revision, lockWaitMs: 120_000, sleep });
  if (f.once) return onePass(deps, f.node, log);

  const loop = startAgentLoop(deps, {
    node: f.node,
    driftIntervalMs: f.driftIntervalSeconds * 1000,
    busyRetryMs: 2000,
    errorRetryMs: 1000,
    sleep,
    watchFiles: (onChange) => {
      const w = watchDirs(
        HINT_DIRS.map((d) => join(f.root, d)),
        onChange,
      );
      return () => w.close();
    },
  });
  const server = await startMetricsServer({
    port: f.metricsPort,
    routes: {
      [PROBE_PATHS.metrics]: async () => {
        const m = await metrics.text();
        return { status: 200, contentType: m.contentType, body: m.body };
      },
      [PROBE_PATHS.live]: () => textAnswer(200, 'ok\n'),
      [PROBE_PATHS.ready]: () =>
        loop.ready() ? textAnswer(200, 'ok\n') : textAnswer(503, 'first reconcile not finished\n'),
    },
  }).catch((e: unknown) => e as Error);
  if (server instanceof Error) {
    await loop.stop();
    return refuse(ctx, `metrics port ${f.metricsPort}: ${server.message}`, ExitCode.CONFLICT);
  }
  log(`mirrorctl agent on node ${f.node}: watching MirrorNode ${f.node}, metrics on :${server.port}`);
  const signal = await Promise.race([terminated(), loop.done.then(() => 'done')]);
  log(`${signal}: stopping after the reconcile in progress`);
  await loop.stop();
  await server.close();
  return ExitCode.OK;
}

/** `--once` without a permit: one reconcile as the long-running agent would do it, then exit. */
async function onePass(deps: ReconcileDeps, node: string, log: (l: string) => void): Promise<number> {
  const obj = await deps.api.readNode(node);
  if (!obj) {
    log(`no MirrorNode ${node}`);
    return ExitCode.OK;
  }
  if (!obj.node) {
    log(`✖ ${obj.problem}`);
    return ExitCode.INVALID_INPUT;
  }
  const r = await reconcileNode(deps, obj, { mayAct: false });
  if (r.kind === 'busy') {
    log('✖ another mirrorctl transaction holds the node lock');
    return ExitCode.CONFLICT;
  }
  const o = r.report.outcome;
  log(`${o.state}: ${o.message}`);
  if (o.state === 'Applied' || o.state === 'Uninstalled') return ExitCode.OK;
  if (o.state === 'PendingRestart' || o.state === 'PendingReload') return ExitCode.PENDING_OR_CHECK_FAILED;
  return o.state === 'RolledBack' ? ExitCode.FAILED_RESTORED : ExitCode.CONFLICT;
}

export { SERVICE_ACCOUNT_DIR };
