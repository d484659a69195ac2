// `mirrorctl agent`: the node agent of cluster mode (src/cli/node-agent.ts, src/cluster/agent/) —
// watches its node's MirrorNode and reconciles, or with --once --allow-runtime-action --revision R
// runs the apply Job's transaction.
import { type CommandDef, type OptionValues, optBool, optString } from '../command.js';
import type { CliContext } from '../context.js';

/**
 * host/in-cluster-https.ts's SERVICE_ACCOUNT_DIR, spelled out so --help does not load node:https and
 * the agent (test/cli/bundle.test.ts checks they agree).
 */
export const AGENT_SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The reconciling agent (and the apply Job) from the verb's flags. */
export async function runClusterAgent(ctx: CliContext, o: OptionValues): Promise<number> {
  // The agent's modules (client-free Kubernetes access, prom-client, the planner) load only here.
  const { runNodeAgent } = await import('../node-agent.js');
  const num = (k: string, d: number) => Number(optString(o, k) ?? d);
  return runNodeAgent(ctx, {
    node: optString(o, 'node') ?? ctx.env.NODE_NAME ?? '',
    root: optString(o, 'root') ?? '/',
    once: optBool(o, 'once'),
    allowRuntimeAction: optBool(o, 'allowRuntimeAction'),
    ...(optString(o, 'revision') ? { revision: optString(o, 'revision') } : {}),
    driftIntervalSeconds: num('driftInterval', 60),
    metricsPort: num('metricsPort', 9477),
    serviceAccountDir: optString(o, 'serviceAccountDir') ?? AGENT_SERVICE_ACCOUNT_DIR,
    healthTimeoutSeconds: num('healthTimeout', 30),
    ...(optString(o, 'restartCommand') ? { restartCommand: optString(o, 'restartCommand') } : {}),
    ...(optString(o, 'reloadCommand') ? { reloadCommand: optString(o, 'reloadCommand') } : {}),
    ...(optString(o, 'criEndpoint') ? { criEndpoint: optString(o, 'criEndpoint') } : {}),
    ...(optString(o, 'runtimeVersion') ? { runtimeVersion: optString(o, 'runtimeVersion') } : {}),
  });
}

export const agentCommand: CommandDef = {
  name: 'agent',
  summary: 'run the node agent (the mirrorctl DaemonSet pods and apply Jobs)',
  description: `Watches the MirrorNode named like its node (NODE_NAME) and the ControllerRevision it names, plans the
revision for the node mounted at --root, and applies it at once when no runtime restart or reload is
needed; otherwise it writes nothing and reports PendingRestart/PendingReload until the controller's
apply Job acts under a permit. Every --drift-interval it plans again: files changed on disk are
rewritten (counted, Event DriftRepaired) or reported Drifted when restoring them needs a restart.
Status goes to the MirrorNode's /status, Events to the default namespace; /metrics, /healthz and
/readyz on --metrics-port. It never restarts or reloads a runtime.

--once --allow-runtime-action --revision R is the apply Job: one full transaction for revision R
(write, restart/reload through nsenter into PID 1 in a pod, health check, automatic rollback), then
the status; it refuses unless the MirrorNode's permit names R. --once alone reconciles once as the
agent would. Exit codes (--once): 0 applied, 1 waiting for a permit, 3 rolled back, 4 rollback
failed, 5 refused (stale permit, conflict on the node).`,
  options: [
    { flags: '--root <dir>', description: 'where the node filesystem is mounted', default: '/' },
    { flags: '--node <name>', description: 'node name (default: $NODE_NAME from the downward API)' },
    { flags: '--once', description: 'reconcile once, then exit' },
    {
      flags: '--allow-runtime-action',
      description: 'the apply Job: may restart/reload the runtime for the permitted --revision',
    },
    { flags: '--revision <rev>', description: 'the revision the apply Job was created for' },
    {
      flags: '--drift-interval <seconds>',
      description: 'how often the files are checked against the revision',
      default: '60',
    },
    { flags: '--metrics-port <port>', description: 'port of /metrics, /healthz, /readyz', default: '9477' },
    {
      flags: '--service-account-dir <dir>',
      description: "where the pod's service-account token and CA are mounted",
      default: AGENT_SERVICE_ACCOUNT_DIR,
    },
    {
      flags: '--runtime-version <version>',
      description: "plan for this runtime version instead of asking the runtime's socket",
    },
    { flags: '--restart-command <cmd>', description: 'command restarting the runtime (apply Job)' },
    { flags: '--reload-command <cmd>', description: 'command reloading the runtime (apply Job)' },
    { flags: '--cri-endpoint <url>', description: 'CRI socket for the version and the health check' },
    {
      flags: '--health-timeout <seconds>',
      description: 'runtime health timeout after a restart',
      default: '30',
    },
  ],
  examples: [
    '/usr/local/bin/node /opt/mirrorctl/mirrorctl.mjs agent --root /host',
    '/usr/local/bin/node /opt/mirrorctl/mirrorctl.mjs agent --once --allow-runtime-action --root /host --revision 0123456789ab',
  ],
  run: (ctx, _args, opts) => runClusterAgent(ctx, opts),
};
