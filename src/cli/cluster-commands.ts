// The --cluster forms of status, rollback and uninstall (the node verbs delegate here), and the
// inventory table of `nodes`. Each reads or writes the API objects the controller works from
// (MirrorSet, MirrorNode, ControllerRevision) and returns the exit code.
import { stringify } from 'yaml';
import { NAMESPACE } from '../cluster/api/meta.js';
import { clusterStatus as buildStatus, type ClusterStatus } from '../cluster/client/cluster-status.js';
import {
  asMirrorNode,
  asMirrorSet,
  MIRRORNODES,
  MIRRORSETS,
  mirrorSetRef,
} from '../cluster/client/resources.js';
import { STOPPED } from '../cluster/client/verdict.js';
import { collectInventory, type NodeRow, rowInSync } from '../cluster/inventory.js';
import { ExitCode } from '../exit-codes.js';
import { type Kube, KubeError } from '../host/kube-port.js';
import {
  type FollowFlags,
  fail,
  followWithProgress,
  mirrorSetNames,
  pickMirrorSet,
  writeResult,
} from './cluster-follow.js';
import { type OptionValues, optBool, optString } from './command.js';
import type { CliContext } from './context.js';
import type { OutputFormat } from './output.js';

function table(head: string[], body: string[][]): string {
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

export function formatRows(rows: readonly NodeRow[], wide: boolean): string {
  return table(
    [
      'NAME',
      'ROLES',
      'RUNTIME',
      'TARGET',
      'STATE',
      'REVISION',
      ...(wide ? ['DESIRED', 'MIRRORSET', 'DISTRIBUTION', 'MESSAGE'] : []),
    ],
    rows.map((r) => [
      r.name,
      r.roles,
      `${r.runtime}${r.runtimeVersion ? ` ${r.runtimeVersion}` : ''}`,
      r.target ?? '-',
      r.ready ? r.state : `${r.state} (NotReady)`,
      r.revision ?? '-',
      ...(wide ? [r.desired ?? '-', r.mirrorSet ?? '-', r.distribution ?? '-', r.message ?? ''] : []),
    ]),
  );
}

export function writeStructured(ctx: CliContext, output: OutputFormat, value: unknown): void {
  ctx.stdout.write(output === 'yaml' ? stringify(value) : `${JSON.stringify(value, null, 2)}\n`);
}

/** `nodes`: exit 0 when every node a MirrorSet selects applied its desired revision, 1 otherwise. */
export async function nodeInventory(
  ctx: CliContext,
  o: { kube: Kube; output: OutputFormat; labelSelector?: string },
): Promise<number> {
  const rows = await collectInventory(o.kube, o.labelSelector ? { labelSelector: o.labelSelector } : {});
  if (o.output === 'json' || o.output === 'yaml')
    writeStructured(ctx, o.output, { kind: 'NodeInventory', nodes: rows });
  else ctx.stdout.write(formatRows(rows, o.output === 'wide'));
  return rows.every(rowInSync) ? ExitCode.OK : ExitCode.PENDING_OR_CHECK_FAILED;
}

export function formatClusterStatus(s: ClusterStatus): string {
  const sets = s.mirrorSets.map(
    (m) =>
      `MirrorSet ${m.name}: ${m.status}${m.deleting ? ' (deleting)' : ''}, revision ${m.revision ?? '?'}, ${m.nodes.updated}/${m.nodes.total} updated, ${m.nodes.ready} ready, ${m.nodes.pendingRestart} pending restart, ${m.nodes.failed} failed — ${m.message}`,
  );
  const nodes = table(
    ['NODE', 'MIRRORSET', 'STATE', 'REVISION', 'DESIRED', 'RUNTIME', 'DRIFT', 'MESSAGE'],
    s.nodes.map((n) => [
      n.node,
      n.mirrorSet,
      n.state,
      n.revision ?? '-',
      n.desired ?? '-',
      n.runtime ?? '-',
      String(n.driftRepairs),
      (n.message ?? '').slice(0, 100),
    ]),
  );
  return `${sets.join('\n')}\n${s.nodes.length > 0 ? `\n${nodes}` : ''}`;
}

/** `status --cluster`: every MirrorSet and MirrorNode; exit 0 only when every MirrorSet is Ready. */
export async function clusterStatus(
  ctx: CliContext,
  o: { kube: Kube; output: OutputFormat; name?: string },
): Promise<number> {
  let sets: ReturnType<typeof asMirrorSet>[];
  let nodes: ReturnType<typeof asMirrorNode>[];
  try {
    [sets, nodes] = await Promise.all([
      o.kube.list(MIRRORSETS.apiVersion, MIRRORSETS.kind, '').then((l) => l.map(asMirrorSet)),
      o.kube.list(MIRRORNODES.apiVersion, MIRRORNODES.kind, '').then((l) => l.map(asMirrorNode)),
    ]);
  } catch (err) {
    if (err instanceof KubeError && err.status === 404)
      return fail(
        ctx,
        'mirrorctl is not installed in this cluster (no MirrorSet CRD): mirrorctl install',
        ExitCode.PENDING_OR_CHECK_FAILED,
      );
    throw err;
  }
  const wanted = sets.filter(
    (s): s is NonNullable<typeof s> => s !== undefined && (!o.name || s.metadata.name === o.name),
  );
  const s = buildStatus(
    wanted,
    nodes.filter((n) => !o.name || n.spec?.mirrorSet === o.name),
  );
  if (o.output === 'json' || o.output === 'yaml')
    writeStructured(ctx, o.output, { kind: 'ClusterStatus', ...s });
  else if (s.mirrorSets.length === 0) ctx.stdout.write('no MirrorSet in this cluster\n');
  else ctx.stdout.write(formatClusterStatus(s));
  return s.allReady ? ExitCode.OK : ExitCode.PENDING_OR_CHECK_FAILED;
}

/** `rollback --cluster [--to REVISION]`: an earlier revision's spec becomes the MirrorSet's again. */
export async function clusterRollback(
  ctx: CliContext,
  kube: Kube,
  o: OptionValues,
  f: FollowFlags,
): Promise<number> {
  const picked = await pickMirrorSet(kube, o);
  if ('error' in picked) return fail(ctx, picked.error);
  const [{ rollbackTarget }, { applyObject }] = await Promise.all([
    import('../cluster/client/rollback.js'),
    import('../cluster/client/apply-object.js'),
  ]);
  const to = optString(o, 'to');
  const t = await rollbackTarget(kube, picked.name, to);
  if (!t.ok) return fail(ctx, t.message);
  const made = await applyObject(kube, t.document);
  const generation = (made.object.metadata as { generation?: number } | undefined)?.generation ?? 0;
  if (!ctx.quiet)
    ctx.stderr.write(
      `✓ MirrorSet ${picked.name}: spec set to revision ${t.revision} (ControllerRevision ${NAMESPACE}/${t.controllerRevision})${t.current ? `, was ${t.current}` : ''}\n`,
    );
  if (!f.wait) {
    writeResult(
      ctx,
      f,
      { kind: 'RollbackResult', mirrorSet: picked.name, revision: t.revision, followed: false },
      `MirrorSet ${picked.name} rolling back to ${t.revision}`,
    );
    return ExitCode.OK;
  }
  const r = await followWithProgress(ctx, kube, picked.name, { mode: 'apply', generation }, f);
  writeResult(
    ctx,
    f,
    {
      kind: 'RollbackResult',
      mirrorSet: picked.name,
      revision: t.revision,
      exitCode: r.exitCode,
      timedOut: r.timedOut,
      message: r.message,
      status: r.set?.status,
    },
    `MirrorSet ${picked.name} revision ${t.revision}: ${r.message}`,
  );
  return r.exitCode;
}

/** `uninstall --cluster [--name X] [--all]`: delete the MirrorSet(s), follow their finalizers; with
 *  --all, then remove the install itself. Non-zero while any node still holds configuration. */
export async function clusterUninstall(
  ctx: CliContext,
  kube: Kube,
  o: OptionValues,
  f: FollowFlags,
): Promise<number> {
  const all = optBool(o, 'all');
  const name = optString(o, 'name');
  if (all && name) return fail(ctx, '--all removes the whole install: it cannot be limited to --name');
  const names = name ? [name] : await mirrorSetNames(kube);
  const results: Array<{ mirrorSet: string; exitCode: number; message: string }> = [];
  for (const n of names)
    if (!(await kube.delete(mirrorSetRef(n))))
      results.push({ mirrorSet: n, exitCode: ExitCode.OK, message: 'already gone' });
    else if (!ctx.quiet)
      ctx.stderr.write(`✓ MirrorSet ${n}: deletion requested; the controller restores every node first\n`);
  if (!f.wait && !all) {
    writeResult(
      ctx,
      f,
      { kind: 'UninstallResult', mirrorSets: names, followed: false },
      `deletion of ${names.join(', ') || 'nothing'} requested`,
    );
    return ExitCode.OK;
  }
  const deadline = Date.now() + f.timeoutMs;
  for (const n of names) {
    if (results.some((r) => r.mirrorSet === n)) continue;
    const r = await followWithProgress(
      ctx,
      kube,
      n,
      { mode: 'delete' },
      { ...f, timeoutMs: Math.max(deadline - Date.now(), 1) },
    );
    results.push({
      mirrorSet: n,
      exitCode: r.exitCode,
      message: r.timedOut
        ? `not uninstalled within ${Math.round(f.timeoutMs / 1000)} s: ${r.message.replace(/^timed out waiting for uninstalling;? ?/, '') || 'the controller has not finished (is it running? kubectl -n mirrorctl get deploy mirrorctl-controller)'}`
        : r.message,
    });
  }
  const failed = results.filter((r) => r.exitCode !== ExitCode.OK);
  let removed: Array<{ object: string; outcome: string; note?: string }> = [];
  if (all && failed.length === 0) {
    const { removeInstall } = await import('../cluster/client/uninstall.js');
    removed = await removeInstall(kube, [NAMESPACE, 'default'], (s) => {
      if (!ctx.quiet)
        ctx.stderr.write(
          `${s.outcome === 'deleted' ? '✓ deleted' : '- kept'} ${s.object}${s.note ? ` (${s.note})` : ''}\n`,
        );
    });
  } else if (all)
    ctx.stderr.write(
      '✖ the install stays: a MirrorSet is not uninstalled yet (its nodes still hold configuration)\n',
    );
  const lines = results.map((r) => `MirrorSet ${r.mirrorSet}: ${r.message}`);
  writeResult(
    ctx,
    f,
    { kind: 'UninstallResult', mirrorSets: results, ...(all ? { removed } : {}) },
    lines.join('\n') || 'no MirrorSet in this cluster: no node holds configuration from mirrorctl',
  );
  return failed.length > 0 ? STOPPED : ExitCode.OK;
}
