// Cluster-wide status, rollback and uninstall; the node-level `status`/`rollback`/`uninstall` commands
// call these with --cluster. Each returns the exit code and writes results to ctx.stdout.
import { stringify } from 'yaml';
import { collectInventory, type NodeRow } from '../cluster/inventory.js';
import { AGENT_NAME, LABELS, SPEC_CONFIGMAP, TLS_SECRET } from '../cluster/names.js';
import { historyFrom, type RolloutOptions, type RolloutReport, runRollout } from '../cluster/rollout.js';
import { formatDiagnostics } from '../diagnostics.js';
import { ExitCode } from '../exit-codes.js';
import type { Kube } from '../host/kube-port.js';
import type { CliContext } from './context.js';
import { formatSummary, progressWriter } from './rollout-progress.js';

export type OutputFormat = 'text' | 'wide' | 'json' | 'yaml';

export interface ClusterCommonOptions {
  kube: Kube;
  output: OutputFormat;
}

export function formatRows(rows: readonly NodeRow[], wide: boolean): string {
  const head = [
    'NAME',
    'ROLES',
    'RUNTIME',
    'TARGET',
    'STATE',
    'REVISION',
    ...(wide ? ['DISTRIBUTION', 'SPEC HASH', 'MESSAGE'] : []),
  ];
  const body = rows.map((r) => [
    r.name,
    r.roles,
    `${r.runtime}${r.runtimeVersion ? ` ${r.runtimeVersion}` : ''}`,
    r.target ?? '-',
    r.state,
    r.revision ?? '-',
    ...(wide ? [r.distribution ?? '-', r.specHash ?? '-', r.message ?? ''] : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  return `${[head, ...body]
    .map((cols) =>
      cols
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

export function writeStructured(ctx: CliContext, output: OutputFormat, value: unknown): void {
  ctx.stdout.write(output === 'yaml' ? stringify(value) : `${JSON.stringify(value, null, 2)}\n`);
}

/** `nodes` and `status --cluster`: exit 0 when every selected node is in sync, 1 otherwise. */
export async function clusterStatus(
  ctx: CliContext,
  o: ClusterCommonOptions & { labelSelector?: string },
): Promise<number> {
  const rows = await collectInventory(o.kube, o.labelSelector ? { labelSelector: o.labelSelector } : {});
  if (o.output === 'json' || o.output === 'yaml')
    writeStructured(ctx, o.output, { kind: 'NodeInventory', nodes: rows });
  else ctx.stdout.write(formatRows(rows, o.output === 'wide'));
  const agentRows = rows.filter((r) => r.state !== 'not installed');
  return agentRows.every((r) => r.state === 'in sync') ? ExitCode.OK : ExitCode.PENDING_OR_CHECK_FAILED;
}

export function writeReport(ctx: CliContext, output: OutputFormat, r: RolloutReport): void {
  if (r.diagnostics.length > 0) ctx.stderr.write(`${formatDiagnostics(r.diagnostics)}\n`);
  if (output === 'json' || output === 'yaml') writeStructured(ctx, output, { kind: 'RolloutReport', ...r });
  else ctx.stdout.write(`${formatSummary(r)}\n`);
}

export type ClusterRolloutOptions = ClusterCommonOptions & Omit<RolloutOptions, 'specText' | 'mode'>;

/** Publishes the previous spec from the ConfigMap history and rolls it out with the same waves. */
export async function clusterRollback(ctx: CliContext, o: ClusterRolloutOptions): Promise<number> {
  const cm = await o.kube.get({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: SPEC_CONFIGMAP,
    namespace: o.kube.namespace,
  });
  const previous = historyFrom(cm as Parameters<typeof historyFrom>[0])[1];
  if (!previous) {
    ctx.stderr.write(
      `✖ no previous spec in ConfigMap ${o.kube.namespace}/${SPEC_CONFIGMAP}: nothing to roll back to\n`,
    );
    return ExitCode.INVALID_INPUT;
  }
  const r = await runRollout(
    o.kube,
    { ...o, specText: previous.spec, mode: 'apply' },
    progressWriter(ctx.stderr, ctx.quiet),
  );
  writeReport(ctx, o.output, r);
  return r.exitCode;
}

/** Every agent restores its node byte-exact; only when all succeeded are the objects removed. */
export async function clusterUninstall(ctx: CliContext, o: ClusterRolloutOptions): Promise<number> {
  const ns = o.kube.namespace;
  const cm = await o.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: SPEC_CONFIGMAP, namespace: ns });
  const current = historyFrom(cm as Parameters<typeof historyFrom>[0])[0];
  if (!current) {
    ctx.stderr.write(`✖ mirrorctl is not installed in namespace ${ns} (no ${SPEC_CONFIGMAP} ConfigMap)\n`);
    return ExitCode.INVALID_INPUT;
  }
  const r = await runRollout(
    o.kube,
    { ...o, specText: current.spec, mode: 'uninstall' },
    progressWriter(ctx.stderr, ctx.quiet),
  );
  writeReport(ctx, o.output, r);
  if (r.exitCode !== 0 || o.dryRun) return r.exitCode;
  const gate = `${AGENT_NAME}-gate`;
  await o.kube.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: gate });
  await o.kube.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: gate });
  // Deleting the namespace removes the DaemonSet, ConfigMaps and ServiceAccount with it — but only when
  // mirrorctl created the namespace; a shared namespace keeps its other objects.
  const nsObj = await o.kube.get({ apiVersion: 'v1', kind: 'Namespace', name: ns });
  if (nsObj?.metadata?.labels?.[LABELS.managedBy] === 'mirrorctl')
    await o.kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
  else {
    await o.kube.delete({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: AGENT_NAME, namespace: ns });
    for (const c of await o.kube.list('v1', 'ConfigMap', ns, {
      labelSelector: `${LABELS.managedBy}=mirrorctl`,
    }))
      await o.kube.delete({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: c.metadata?.name ?? '',
        namespace: ns,
      });
    await o.kube.delete({ apiVersion: 'v1', kind: 'ServiceAccount', name: AGENT_NAME, namespace: ns });
    await o.kube.delete({ apiVersion: 'v1', kind: 'Secret', name: TLS_SECRET, namespace: ns });
  }
  // What was checked: the API accepted each delete (404 = already gone); a namespace then finishes
  // terminating on its own, so this says "deleted", not that nothing is left yet.
  ctx.stderr.write(
    `✓ the API accepted the deletion of mirrorctl's objects in namespace ${ns}${
      nsObj?.metadata?.labels?.[LABELS.managedBy] === 'mirrorctl' ? ' (the namespace is terminating)' : ''
    }\n`,
  );
  return ExitCode.OK;
}
