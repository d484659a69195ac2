// `mirrorctl controller`: the in-cluster MirrorSet controller (the mirrorctl-controller Deployment).
// The composition root for it: the Kubernetes client from the pod's service account (or a
// kubeconfig), the Lease settings, the metrics/probe listener, and SIGTERM → release the Lease, exit.
import { hostname } from 'node:os';
import type { Controller } from '../../cluster/controller/controller.js';
import { ExitCode } from '../../exit-codes.js';
import { type CommandDef, type OptionValues, optString } from '../command.js';
import type { CliContext } from '../context.js';
import { VERSION } from '../version.js';
import { KUBE_OPTIONS } from './kube-options.js';

const seconds = (o: OptionValues, key: string, fallback: number): number => {
  const n = Number(optString(o, key) ?? fallback);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** The image the apply Jobs run: --image, else this pod's own image, else the release's tag. */
async function jobImage(
  ctx: CliContext,
  o: OptionValues,
  list: (ns: string, name: string) => Promise<string | undefined>,
) {
  const flag = optString(o, 'image');
  if (flag) return flag;
  const pod = ctx.env.POD_NAME;
  const ns = ctx.env.POD_NAMESPACE;
  if (pod && ns) {
    const own = await list(ns, pod).catch(() => undefined);
    if (own) return own;
  }
  const { imageRef } = await import('../../cluster/api/pod-contract.js');
  return imageRef(VERSION);
}

/** Resolves on the first SIGTERM/SIGINT (kubelet stops the pod with SIGTERM). */
const terminated = () =>
  new Promise<string>((resolve) => {
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => resolve(s));
  });

export async function runControllerCommand(ctx: CliContext, o: OptionValues): Promise<number> {
  const [{ loadKubeConfig }, { createKubeClient }, { Controller }, metricsMod, { startMetricsServer }, port] =
    await Promise.all([
      import('../../host/pooled-kubeconfig.js'),
      import('../../cluster/kube-client.js'),
      import('../../cluster/controller/controller.js'),
      import('../../cluster/controller/metrics.js'),
      import('../../host/metrics-server.js'),
      import('../../host/metrics-port.js'),
    ]);
  const log = (m: string) => ctx.stderr.write(`${new Date().toISOString()} ${m}\n`);
  const metrics = metricsMod.createControllerMetrics();
  const kubeconfig = optString(o, 'kubeconfig');
  const context = optString(o, 'context');
  const namespace = optString(o, 'namespace') ?? ctx.env.POD_NAMESPACE ?? 'mirrorctl';
  const kube = createKubeClient(
    loadKubeConfig({ env: ctx.env, ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}) }),
    { namespace, onRequest: (verb, code) => metrics.apiRequests.inc({ verb, code: String(code) }) },
  );
  const identity = optString(o, 'identity') ?? ctx.env.POD_NAME ?? `${hostname()}-${process.pid}`;
  const image = await jobImage(ctx, o, async (ns, name) => {
    const pods = await kube.list('v1', 'Pod', ns, { fieldSelector: `metadata.name=${name}` });
    const spec = (pods[0] as { spec?: { containers?: Array<{ image?: string }> } } | undefined)?.spec;
    return spec?.containers?.[0]?.image;
  });
  const leaderElect = (optString(o, 'leaderElect') ?? 'true') !== 'false';
  const controller: Controller = new Controller(kube, {
    namespace,
    identity,
    image,
    ...(leaderElect
      ? {
          leaderElection: {
            leaseName: optString(o, 'leaseName') ?? 'mirrorctl-controller',
            leaseDurationMs: seconds(o, 'leaseDuration', 15) * 1000,
            renewDeadlineMs: seconds(o, 'leaseRenewDeadline', 10) * 1000,
            retryPeriodMs: seconds(o, 'leaseRetryPeriod', 2) * 1000,
          },
        }
      : {}),
    workers: Math.max(1, Math.floor(seconds(o, 'workers', 2))),
    resyncMs: seconds(o, 'resync', 60) * 1000,
    log,
    metrics,
  });
  const server = await startMetricsServer({
    port: Number(optString(o, 'metricsPort') ?? 8080),
    routes: {
      '/metrics': async () => ({
        status: 200,
        contentType: metrics.registry.contentType,
        body: await metrics.registry.metrics(),
      }),
      '/healthz': () => port.textAnswer(200, 'ok\n'),
      '/readyz': () =>
        controller.ready() ? port.textAnswer(200, 'ok\n') : port.textAnswer(503, 'informers not synced\n'),
    },
  }).catch((err: Error) => err);
  if (server instanceof Error) {
    ctx.stderr.write(`✖ metrics port: ${server.message}\n`);
    return ExitCode.CONFLICT;
  }
  log(`controller ${identity}: namespace ${namespace}, apply Job image ${image}, metrics on :${server.port}`);
  const stop = terminated();
  await Promise.race([controller.start(), stop]);
  const signal = await stop;
  log(`controller ${identity}: ${signal}: stopping`);
  await controller.stop();
  await server.close();
  return ExitCode.OK;
}

export const controllerCommand: CommandDef = {
  name: 'controller',
  summary: 'run the MirrorSet controller (the mirrorctl-controller Deployment)',
  description: `Reconciles every MirrorSet: validates its spec, keeps a ControllerRevision per revision, labels Nodes
with mirrorctl.io/target, gives each selected node a MirrorNode naming the current revision (changes
that need no restart reach every node at once) and hands out restart/reload permits — reloads at once,
restarts in waves (canary, then maxUnavailable nodes, each wave soaked), executed by an apply Job on
that node, optionally cordoned and drained first. A failed node pauses the rollout until a new
revision or a new mirrorctl.io/resume annotation. Deleting a MirrorSet uninstalls it from every node
before the object goes. One replica acts at a time (Lease --lease-name); SIGTERM releases it.
/metrics, /healthz, /readyz on --metrics-port.`,
  options: [
    ...KUBE_OPTIONS,
    {
      flags: '--leader-elect <bool>',
      description: 'take the Lease before acting',
      choices: ['true', 'false'],
      default: 'true',
    },
    {
      flags: '--lease-name <name>',
      description: 'the Lease in the namespace',
      default: 'mirrorctl-controller',
    },
    {
      flags: '--lease-duration <seconds>',
      description: 'how long a Lease holds without renewal',
      default: '15',
    },
    {
      flags: '--lease-renew-deadline <seconds>',
      description: 'stop acting when a renewal takes this long',
      default: '10',
    },
    {
      flags: '--lease-retry-period <seconds>',
      description: 'renew or try to acquire this often',
      default: '2',
    },
    { flags: '--identity <name>', description: 'holder identity (default: $POD_NAME)' },
    { flags: '--image <ref>', description: "image of the apply Jobs (default: this pod's image)" },
    { flags: '--workers <n>', description: 'MirrorSets reconciled in parallel', default: '2' },
    {
      flags: '--resync <seconds>',
      description: 'reconcile every MirrorSet at least this often',
      default: '60',
    },
    { flags: '--metrics-port <port>', description: 'port of /metrics, /healthz, /readyz', default: '8080' },
  ],
  examples: [
    '/usr/local/bin/node /opt/mirrorctl/mirrorctl.mjs controller',
    'mirrorctl controller --kubeconfig ~/.kube/config --leader-elect false',
  ],
  run: (ctx, _args, opts) => runControllerCommand(ctx, opts),
};
