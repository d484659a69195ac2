// `mirrorctl agent`: the loop inside the DaemonSet pod (src/cluster/agent-loop.ts) wired to the real
// filesystem, the node entry points (src/cli/node-host.ts: reconcileNode, uninstallNode) and, with
// --gate-taint, the in-cluster API for removing the node's startup taint.
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

export const agentCommand: CommandDef = {
  name: 'agent',
  summary: 'run the node agent (inside the mirrorctl DaemonSet pod)',
  description: `Watches the spec and control.json mounted from the mirrorctl-spec ConfigMap, plans and applies
when the rollout allows this node (runtime restarts only in its wave), prints one JSON result line per
result on stdout and keeps the readiness file current. After a failure it exits once, so the container
restart is visible to \`mirrorctl rollout\`; it does not retry until a new spec is published.
Exit codes (--once): the node result's exit code.`,
  options: [
    {
      flags: '--spec <file>',
      description: 'spec file mounted from the ConfigMap',
      default: '/config/mirrors.yaml',
    },
    { flags: '--root <dir>', description: 'where the node filesystem is mounted', default: '/' },
    { flags: '--once', description: 'act on the current control document once, then exit' },
    { flags: '--result-file <file>', description: 'readiness/result file', default: POD_PATHS.resultFile },
    { flags: '--node <name>', description: 'node name (default: $NODE_NAME from the downward API)' },
    { flags: '--gate-taint <key>', description: 'remove this NoSchedule taint from the node after success' },
    { flags: '--restart-command <cmd>', description: 'command restarting the runtime' },
    { flags: '--reload-command <cmd>', description: 'command reloading the runtime' },
    { flags: '--cri-endpoint <url>', description: 'CRI socket for the health check' },
    {
      flags: '--health-timeout <seconds>',
      description: 'runtime health timeout after a restart',
      default: '30',
    },
  ],
  examples: ['node /mirrorctl/agent.mjs agent --spec /config/mirrors.yaml --root /host'],
  run: (ctx, _args, opts) => runAgentCommand(ctx, opts, { reconcileNode, uninstallNode }),
};
