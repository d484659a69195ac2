// `mirrorctl rollout -f SPEC`: publish the spec to the cluster and drive the agent DaemonSet through
// canary, no-restart and restart waves (src/cluster/rollout.ts). --dry-run prints the manifests and
// the wave plan and writes nothing.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Toleration } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { DEFAULT_AGENT_IMAGE } from '../../cluster/names.js';
import type { RolloutOptions, RolloutReport } from '../../cluster/rollout.js';
import { shipTlsAssets, type TlsShipment } from '../../cluster/tls-assets.js';
import { type Diagnostic, formatDiagnostics, hasErrors } from '../../diagnostics.js';
import { ExitCode } from '../../exit-codes.js';
import { tryReadLocalText } from '../../host/local-files.js';
import { loadSpec } from '../../spec/load.js';
import { parseDuration } from '../../util/duration.js';
import type { OutputFormat } from '../cluster-commands.js';
import {
  type CommandDef,
  type OptionDef,
  type OptionValues,
  optBool,
  optList,
  optString,
} from '../command.js';
import type { CliContext } from '../context.js';
import { KUBE_OPTIONS, kubeFromOptions } from './kube-options.js';

/** The Kubernetes client is heavy (≈800 modules): load it only when a cluster command runs, so
 *  node-level commands start fast. */
const clusterModules = async () => ({
  ...(await import('../cluster-commands.js')),
  ...(await import('../../cluster/rollout.js')),
  ...(await import('../rollout-progress.js')),
});

const BUNDLE_RELATIVE = join('dist', 'agent', 'mirrorctl-agent.mjs');

/** The agent bundle shipped in the package: walk up from this file to the package root. */
export async function findAgentBundle(explicit: string | undefined): Promise<string | Diagnostic> {
  const candidates = explicit
    ? [explicit]
    : [1, 2, 3, 4].map((up) =>
        join(dirname(fileURLToPath(import.meta.url)), ...Array(up).fill('..'), BUNDLE_RELATIVE),
      );
  for (const c of candidates) {
    const text = await tryReadLocalText(c);
    if (text !== undefined) return text;
  }
  return {
    severity: 'error',
    code: 'cluster.agent-bundle.missing',
    field: '--agent-bundle',
    file: candidates[0],
    message: 'the agent bundle was not found',
    hint: 'run `npm run build:agent` (or pass --agent-bundle FILE)',
  };
}

/** `key[=value]:Effect`, `key:Effect`, or `all` (tolerate every taint). */
export function parseToleration(text: string): V1Toleration | Diagnostic {
  if (text === 'all') return { operator: 'Exists' };
  const m = /^([\w./-]+)(?:=([\w.-]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(text);
  if (!m)
    return {
      severity: 'error',
      code: 'cluster.toleration',
      field: '--toleration',
      message: `cannot parse toleration "${text}"`,
      hint: 'use key=value:NoSchedule, key:NoExecute or all',
    };
  return m[2] !== undefined
    ? { key: m[1], operator: 'Equal', value: m[2], effect: m[3] }
    : { key: m[1], operator: 'Exists', effect: m[3] };
}

export const ROLLOUT_OPTIONS: OptionDef[] = [
  ...KUBE_OPTIONS,
  { flags: '--dry-run', description: 'print the manifests and the wave plan, change nothing' },
  { flags: '--max-unavailable <n|p%>', description: 'nodes restarting their runtime at once', default: '1' },
  {
    flags: '--canary <node|n>',
    description: 'a node name (comma-separated list) or a count of nodes to do first',
  },
  { flags: '-l, --selector <selector>', description: 'only nodes matching this label selector' },
  { flags: '--include-control-plane', description: 'also configure control-plane nodes' },
  {
    flags: '--agent-image <image>',
    description: 'any image with Node.js ≥ 20',
    default: DEFAULT_AGENT_IMAGE,
  },
  { flags: '--timeout <duration>', description: 'per phase (canary, no-restart, each wave)', default: '10m' },
  {
    flags: '--gate-new-nodes',
    description: 'agents remove the mirrorctl/not-ready startup taint after success (adds RBAC)',
  },
  {
    flags: '--toleration <spec>',
    description: 'tolerations of the agent (default: all taints)',
    repeatable: true,
  },
  {
    flags: '--agent-bundle <file>',
    description: 'agent bundle to ship instead of the packaged one',
    hidden: true,
  },
  {
    flags: '-o, --output <format>',
    description: 'output format',
    choices: ['text', 'json', 'yaml'],
    default: 'text',
  },
];

/** Options shared by rollout, rollback --cluster and uninstall --cluster; a Diagnostic list on error. */
export async function rolloutOptions(
  o: OptionValues,
): Promise<Omit<RolloutOptions, 'specText' | 'mode'> | Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const timeout = parseDuration(optString(o, 'timeout') ?? '10m', '--timeout');
  diagnostics.push(...timeout.diagnostics);
  const tolerations: V1Toleration[] = [];
  for (const t of optList(o, 'toleration')) {
    const r = parseToleration(t);
    if ('code' in r) diagnostics.push(r);
    else tolerations.push(r);
  }
  const bundle = await findAgentBundle(optString(o, 'agentBundle'));
  if (typeof bundle !== 'string') diagnostics.push(bundle);
  if (diagnostics.length > 0 || typeof bundle !== 'string') return diagnostics;
  const selector = optString(o, 'selector');
  const canary = optString(o, 'canary');
  return {
    bundle,
    image: optString(o, 'agentImage') ?? DEFAULT_AGENT_IMAGE,
    includeControlPlane: optBool(o, 'includeControlPlane'),
    maxUnavailable: optString(o, 'maxUnavailable') ?? '1',
    timeoutMs: timeout.ms,
    gateNewNodes: optBool(o, 'gateNewNodes'),
    dryRun: optBool(o, 'dryRun'),
    ...(selector ? { selector } : {}),
    ...(canary ? { canary } : {}),
    ...(tolerations.length > 0 ? { tolerations } : {}),
  };
}

/** Loads the spec like `apply` does (TLS files read and checked beside it) and prepares what the
 *  agents need: the spec with its TLS paths rewritten to the pod's mounts, and the files to ship. */
async function clusterSpec(
  path: string,
): Promise<{ tls?: TlsShipment; openshift?: RolloutOptions['openshift']; diagnostics: Diagnostic[] }> {
  const loaded = await loadSpec(path, async (p) => (await tryReadLocalText(p)) ?? null);
  const specText = await tryReadLocalText(path);
  if (!loaded.spec || specText === undefined) return { diagnostics: loaded.diagnostics };
  return {
    tls: shipTlsAssets(specText, loaded.assets),
    openshift: { set: loaded.spec, assets: loaded.assets },
    diagnostics: loaded.diagnostics,
  };
}

async function writeDryRun(ctx: CliContext, output: OutputFormat, r: RolloutReport): Promise<void> {
  if (output !== 'text') {
    (await clusterModules()).writeReport(ctx, output, r);
    return;
  }
  ctx.stdout.write(
    (r.manifests ?? []).map((m) => stringify(m, { aliasDuplicateObjects: false })).join('---\n'),
  );
  const plan = [
    `# revision ${r.revision}; canary: ${r.canary.join(', ') || 'none'}; then every node whose plan needs no restart`,
    `# restart waves of at most ${r.maxUnavailable} (only nodes whose plan needs a restart will be in them):`,
    ...r.waves.map((w, i) => `#   wave ${i + 1}: ${w.join(', ')}`),
  ];
  ctx.stdout.write(`${plan.join('\n')}\n`);
}

export const rolloutCommand: CommandDef = {
  name: 'rollout',
  summary: 'configure every selected node of the cluster through the mirrorctl agent DaemonSet',
  description: `Creates or updates the namespace, the spec and agent-bundle ConfigMaps and the agent DaemonSet.
Canary nodes go first; then every node whose plan needs no runtime restart applies at once; nodes that
need a restart go in waves of at most --max-unavailable. A failed canary or wave stops the rollout.
Exit codes: 0 every node applied or unchanged, 2 invalid input, 3 a node failed (rollout stopped).`,
  options: [{ flags: '-f, --file <spec>', description: 'mirror spec (mirrors.yaml)' }, ...ROLLOUT_OPTIONS],
  examples: [
    'mirrorctl rollout -f mirrors.yaml --dry-run',
    'mirrorctl rollout -f mirrors.yaml --canary 1 --max-unavailable 10%',
  ],
  async run(ctx, _args, opts) {
    const file = optString(opts, 'file');
    if (!file) {
      ctx.stderr.write('✖ -f, --file <spec> is required\n');
      return ExitCode.INVALID_INPUT;
    }
    const path = resolve(ctx.cwd, file);
    const spec = await clusterSpec(path);
    const common = await rolloutOptions(opts);
    const problems = [...spec.diagnostics, ...(Array.isArray(common) ? common : [])];
    if (!spec.tls || hasErrors(problems) || Array.isArray(common)) {
      if (problems.length > 0) ctx.stderr.write(`${formatDiagnostics(problems)}\n`);
      return ExitCode.INVALID_INPUT;
    }
    const output = (optString(opts, 'output') ?? 'text') as OutputFormat;
    const { runRollout, progressWriter, writeReport } = await clusterModules();
    const r = await runRollout(
      await kubeFromOptions(ctx, opts),
      {
        ...common,
        specText: spec.tls.specText,
        mode: 'apply',
        tls: { configMapData: spec.tls.configMapData, secretData: spec.tls.secretData },
        ...(spec.openshift ? { openshift: spec.openshift } : {}),
      },
      progressWriter(ctx.stderr, ctx.quiet),
    );
    if (r.dryRun && r.exitCode === 0) await writeDryRun(ctx, output, r);
    else writeReport(ctx, output, r);
    return r.exitCode;
  },
};
