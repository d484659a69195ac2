// uninstallAll: restore every original byte-for-byte across all transactions (the earliest backup
// of each path wins), delete files that did not exist, remove directories mirrorctl created, then
// remove the state dir itself. The restore is a journaled transaction; the state cleanup after it
// first empties state.json's history, so a crash mid-cleanup is finished by running it again.
import type { Diagnostic } from '../diagnostics.js';
import type { Host } from '../host/ports.js';
import { readManifest } from './backup.js';
import { report, resultOf, toDiagnostic } from './context.js';
import { expectedFiles, strongestAction } from './history.js';
import { orderOps } from './order.js';
import { checkDrift, restoreOps } from './rollback.js';
import { runSession } from './session.js';
import { type BackupManifest, removeTree, statePaths, writeJsonDoc } from './state-files.js';
import { runTransaction, type TxOp } from './transaction.js';
import type { TxOptions, TxResult } from './types.js';

export interface UninstallOptions extends TxOptions {
  /** Report what would be restored, change nothing. */
  dryRun?: boolean;
}

export async function uninstallAll(host: Host, opts: UninstallOptions): Promise<TxResult> {
  return runSession(host, opts, 'uninstall', async (ctx, state) => {
    const p = statePaths(ctx.stateDir);
    // Earliest backup entry per path = the bytes before mirrorctl ever touched it.
    const earliest: BackupManifest = { txid: '', entries: [], createdDirs: [] };
    const sources = new Map<string, string>();
    const seen = new Set<string>();
    for (const tx of state.history) {
      const m = await readManifest(host.fs, ctx.stateDir, tx.txid);
      if (!m.ok || m.value === null) {
        const d: Diagnostic = m.ok
          ? {
              severity: 'error',
              code: 'agent.backup.missing',
              file: p.manifest(tx.txid),
              message: `backups of ${tx.txid} are missing; originals cannot be restored exactly`,
            }
          : m.diagnostic;
        return resultOf('uninstall', 'refused', ctx.steps, [d]);
      }
      earliest.createdDirs.push(...m.value.createdDirs);
      for (const e of m.value.entries) {
        if (seen.has(e.path)) continue;
        seen.add(e.path);
        earliest.entries.push(e);
        sources.set(e.path, tx.txid);
      }
    }
    const expected = expectedFiles(state);
    const drift = opts.force ? [] : await checkDrift(ctx, [...expected.values()], 'agent.uninstall.drift');
    if (drift.length > 0) {
      await report(ctx, 'preflight', false, `${drift.length} file(s) changed since mirrorctl wrote them`);
      return resultOf('uninstall', 'refused', ctx.steps, drift);
    }
    // restoreOps reads each backup from its own transaction's dir.
    const ops: TxOp[] = [];
    for (const e of earliest.entries) {
      const meta = expected.get(e.path) ?? { owned: false, secret: false };
      const one: BackupManifest = { txid: sources.get(e.path) ?? '', entries: [e], createdDirs: [] };
      ops.push(...(await restoreOps(ctx, one, new Map([[e.path, meta]]))));
    }
    await report(
      ctx,
      'preflight',
      true,
      `${ops.length} file(s) to restore, ${state.history.length} transaction(s) to remove`,
    );
    if (opts.dryRun)
      return resultOf('uninstall', ops.length > 0 ? 'applied' : 'unchanged', ctx.steps, [], {
        changed: ops.map((o) => o.path),
      });

    let result = resultOf('uninstall', 'unchanged', ctx.steps, []);
    if (ops.length > 0 || earliest.createdDirs.length > 0) {
      const inEffect = state.history.filter((h) => h.kind === 'apply' && h.undone !== true);
      const action = strongestAction(inEffect, {
        kind: 'none',
        service: inEffect.at(-1)?.action.service ?? 'containerd',
        reason: 'uninstall',
      });
      result = await runTransaction(ctx, state, {
        kind: 'uninstall',
        ops: orderOps(ops),
        action:
          ops.length > 0 ? { ...action, reason: `uninstall: ${action.reason}` } : { ...action, kind: 'none' },
        removeDirs: earliest.createdDirs,
        record: {},
      });
      if (result.status !== 'applied') return result;
    }
    // Forget everything first (so a crash below leaves an empty history), then delete the state.
    try {
      await writeJsonDoc(host.fs, p.state, { ...state, history: [] });
      await removeTree(host.fs, p.backups);
      await host.fs.removeFile(p.journal);
      await host.fs.removeFile(p.state);
    } catch (e) {
      // The node files are restored already; only mirrorctl's own bookkeeping is left over.
      const d = toDiagnostic(e);
      await report(ctx, 'cleanup', false, d.message);
      const warning: Diagnostic = {
        ...d,
        severity: 'warning',
        code: 'agent.uninstall.cleanup',
        hint: `originals are restored; run \`mirrorctl uninstall\` again to remove ${ctx.stateDir}`,
      };
      return { ...result, diagnostics: [...result.diagnostics, warning] };
    }
    await report(ctx, 'cleanup', true, `${ctx.stateDir} removed`);
    return { ...result, cleanupDirs: state.stateDirCreated };
  });
}
