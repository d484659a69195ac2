// `mirrorctl agent`: the node agent of cluster mode (src/cli/node-agent.ts, src/cluster/agent/) —
// watches its node's MirrorNode and reconciles, or with --once --allow-runtime-action --revision R
// runs the apply Job's transaction. Given --spec it is still the previous ConfigMap-driven agent
// (src/cluster/agent-loop.ts), which `mirrorctl rollout` runs until it moves to the controller.
import { dirname, join, resolve } from 'node:path';
import { type AgentIo, runAgent } from '../../cluster/agent-loop.js';
import { removeGateTaint } from '../../cluster/gate-taint.js';
import { POD_PATHS, SPEC_KEYS } from '../../cluster/names.js';
import { realSleep } from '../../cluster/retry.js';
import { ExitCode } from '../../exit-codes.js';
import { inClusterCall, readInClusterAccess } from '../../host/in-cluster-https.js';
import { replaceLocalText, tryReadLocalText } from '../../host/local-files.js';
import { maskUrlPasswords } from '../../plan/secret-values.js';
import type { NodeResult, ReconcileNode, UninstallNode } from '../../planner/node-entry.js';
import { type CommandDef, type OptionValues, optBool, optString } from '../command.js';
import type { CliContext } from '../context.js';
import { runNodeAgent, SERVICE_ACCOUNT_DIR } from '../node-agent.js';
import { reconcileNode, uninstallNode } from '../node-host.js';

export interface NodeEntry {
  reconcileNode: ReconcileNode;
  uninstallNode?: UninstallNode;
}

const missingUninstall: UninstallNode = async (): Promise<NodeResult> => ({
  status: 'failed',
  action: 'none',
  exitCode: ExitCode.INTERNAL,
  message: 'this agent build has no uninstallNode entry point',
  diagnostics: [],
});

const fileIo = (ctx: CliContext): AgentIo => ({
  readText: tryReadLocalText,
  // rename is atomic: the readiness probe never reads a half-written file. The result (file, log
  // line) may quote a node file's URL in a finding: its password stays on the node (issue 15.14).
  writeText: (path, text) => replaceLocalText(path, maskUrlPasswords(text)),
  print: (line) => ctx.stdout.write(`${maskUrlPasswords(line)}\n`),
  log: (message) => ctx.stderr.write(`${maskUrlPasswords(message)}\n`),
  sleep: realSleep,
  now: () => new Date(),
});

export async function runAgentCommand(ctx: CliContext, o: OptionValues, entry: NodeEntry): Promise<number> {
  const specFile = resolve(ctx.cwd, optString(o, 'spec') ?? `${POD_PATHS.configDir}/${SPEC_KEYS.spec}`);
  const node = optString(o, 'node') ?? ctx.env.NODE_NAME ?? '';
  if (node === '') {
    ctx.stderr.write('✖ the agent needs its node name: set NODE_NAME (downward API) or --node\n');
    return ExitCode.INVALID_INPUT;
  }
  const gateTaint = optString(o, 'gateTaint');
  const access = gateTaint ? await readInClusterAccess(ctx.env) : undefined;
  if (gateTaint && !access)
    ctx.stderr.write('⚠ --gate-taint without a service-account token: the taint stays\n');
  const healthTimeoutMs = Number(optString(o, 'healthTimeout') ?? '30') * 1000;
  return runAgent(
    {
      node,
      specFile,
      controlFile: join(dirname(specFile), SPEC_KEYS.control),
      resultFile: optString(o, 'resultFile') ?? POD_PATHS.resultFile,
      once: optBool(o, 'once'),
      pollMs: 2000,
      minWorkingMs: 10_000,
      ...(gateTaint && access
        ? { onSucceeded: () => removeGateTaint(inClusterCall(access), node, gateTaint) }
        : {}),
    },
    fileIo(ctx),
    {
      reconcile: entry.reconcileNode,
      uninstall: entry.uninstallNode ?? missingUninstall,
      root: optString(o, 'root') ?? '/',
      specFile,
      healthTimeoutMs,
      // The spec's TLS files, mounted beside it from the spec ConfigMap and the mirrorctl-tls Secret.
      readFile: async (path) => (await tryReadLocalText(path)) ?? null,
      ...(optString(o, 'restartCommand') ? { restartCommand: optString(o, 'restartCommand') } : {}),
      ...(optString(o, 'reloadCommand') ? { reloadCommand: optString(o, 'reloadCommand') } : {}),
      ...(optString(o, 'criEndpoint') ? { criEndpoint: optString(o, 'criEndpoint') } : {}),
    },
  );
}

/** The reconciling agent (and the apply Job) from the verb's flags. */
export function runClusterAgent(ctx: CliContext, o: OptionValues): Promise<number> {
  const num = (k: string, d: number) => Number(optString(o, k) ?? d);
  return runNodeAgent(ctx, {
    node: optString(o, 'node') ?? ctx.env.NODE_NAME ?? '',
    root: optString(o, 'root') ?? '/',
    once: optBool(o, 'once'),
    allowRuntimeAction: optBool(o, 'allowRuntimeAction'),
    ...(optString(o, 'revision') ? { revision: optString(o, 'revision') } : {}),
    driftIntervalSeconds: num('driftInterval', 60),
    metricsPort: num('metricsPort', 9477),
    serviceAccountDir: optString(o, 'serviceAccountDir') ?? SERVICE_ACCOUNT_DIR,
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
failed, 5 refused (stale permit, conflict on the node).

With --spec it runs the previous ConfigMap-driven agent (what \`mirrorctl rollout\` deploys for now).`,
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
      default: SERVICE_ACCOUNT_DIR,
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
    { flags: '--spec <file>', description: 'previous agent: spec file mounted from the ConfigMap' },
    {
      flags: '--result-file <file>',
      description: 'previous agent: readiness/result file',
      default: POD_PATHS.resultFile,
    },
    {
      flags: '--gate-taint <key>',
      description: 'previous agent: remove this NoSchedule taint from the node after success',
    },
  ],
  examples: [
    '/usr/local/bin/node /opt/mirrorctl/mirrorctl.mjs agent --root /host',
    '/usr/local/bin/node /opt/mirrorctl/mirrorctl.mjs agent --once --allow-runtime-action --root /host --revision 0123456789ab',
  ],
  run: (ctx, _args, opts) =>
    optString(opts, 'spec') !== undefined
      ? runAgentCommand(ctx, opts, { reconcileNode, uninstallNode })
      : runClusterAgent(ctx, opts),
};
