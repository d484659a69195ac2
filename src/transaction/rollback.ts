// rollbackLast: undo the last apply still in effect, exactly, from that transaction's backups.
// Refuses when a file changed since that apply (someone else's edit would be lost) unless forced.
// It is itself a journaled transaction, and repeats the runtime action the apply needed.
import type { Diagnostic } from '../diagnostics.js';
import type { Host } from '../host/ports.js';
import { currentSha, readManifest } from './backup.js';
import { report, resultOf, type TxContext } from './context.js';
import { lastUndoableApply } from './history.js';
import { runSession } from './session.js';
import { type BackupManifest, statePaths, type TxState } from './state-files.js';
import { runTransaction, type TxOp } from './transaction.js';
import { TxError, type TxOptions, type TxResult } from './types.js';

/** Ops that put every entry of a manifest back (skipping files already right). */
export async function restoreOps(
  ctx: TxContext,
  manifest: BackupManifest,
  owned: ReadonlyMap<string, { owned: boolean; secret: boolean }>,
): Promise<TxOp[]> {
  const ops: TxOp[] = [];
  const p = statePaths(ctx.stateDir);
  for (const e of manifest.entries) {
    const meta = owned.get(e.path) ?? { owned: false, secret: false };
    if (!e.existed) {
      if ((await ctx.host.fs.stat(e.path)) !== null) ops.push({ path: e.path, after: null, ...meta });
      continue;
    }
    const st = await ctx.host.fs.stat(e.path);
    if (st?.type === 'file' && st.mode === e.mode && (await currentSha(ctx.host.fs, e.path)) === e.sha256)
      continue;
    const data = await ctx.host.fs.readFile(p.backupFile(manifest.txid, e.path));
    if (data === null)
      throw new TxError('agent.backup.damaged', e.path, `backup in ${p.backupDir(manifest.txid)} is missing`);
    // Restored originals keep their own mode, even when the new file was a 0600 secret.
    ops.push({ path: e.path, after: { data, mode: e.mode }, ...meta, secret: false });
  }
  return ops;
}

export async function checkDrift(
  ctx: TxContext,
  files: readonly { path: string; sha256: string | null }[],
  code: string,
): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const f of files) {
    if ((await currentSha(ctx.host.fs, f.path)) === f.sha256) continue;
    out.push({
      severity: 'error',
      code,
      file: f.path,
      message: 'changed since mirrorctl wrote it; restoring would discard that change',
      hint: 'review the file; re-run with --force to restore anyway',
    });
  }
  return out;
}

export async function rollbackLast(host: Host, opts: TxOptions): Promise<TxResult> {
  return runSession(host, opts, 'rollback', async (ctx, state: TxState) => {
    const last = lastUndoableApply(state);
    if (!last) {
      await report(ctx, 'preflight', true, 'no apply to roll back');
      return resultOf('rollback', 'unchanged', ctx.steps, [
        {
          severity: 'info',
          code: 'agent.rollback.nothing',
          message: 'no apply recorded on this host; nothing to roll back',
        },
      ]);
    }
    const m = await readManifest(host.fs, ctx.stateDir, last.txid);
    if (!m.ok || m.value === null) {
      const d: Diagnostic = m.ok
        ? {
            severity: 'error',
            code: 'agent.backup.missing',
            file: statePaths(ctx.stateDir).manifest(last.txid),
            message: `backups of ${last.txid} are missing`,
          }
        : m.diagnostic;
      return resultOf('rollback', 'refused', ctx.steps, [d]);
    }
    const drift = opts.force ? [] : await checkDrift(ctx, last.files, 'agent.rollback.drift');
    if (drift.length > 0) {
      await report(ctx, 'preflight', false, `${drift.length} file(s) changed since ${last.txid}`);
      return resultOf('rollback', 'refused', ctx.steps, drift);
    }
    const meta = new Map(last.files.map((f) => [f.path, { owned: f.owned, secret: f.secret }]));
    const ops = await restoreOps(ctx, m.value, meta);
    await report(ctx, 'preflight', true, `undo ${last.txid}: ${ops.length} file(s) to restore`);
    const previous = state.history.findLast(
      (h) => h.kind === 'apply' && h.undone !== true && h.txid !== last.txid,
    );
    return runTransaction(ctx, state, {
      kind: 'rollback',
      ops,
      action: last.action,
      removeDirs: m.value.createdDirs,
      record: {
        undoes: last.txid,
        ...(previous?.specHash ? { specHash: previous.specHash } : {}),
        ...(previous?.specName ? { specName: previous.specName } : {}),
      },
      updateState: (s) => ({
        ...s,
        history: s.history.map((h) => (h.txid === last.txid ? { ...h, undone: true } : h)),
      }),
    });
  });
}
