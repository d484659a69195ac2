// Finishes what an interrupted run (SIGKILL, power loss, a failed rollback) left: a journal whose
// transaction is in state.json was committed and is just dropped; any other is rolled back from
// its backups (or discarded when its backup never completed, since nothing was changed then).
// Temp files a crash left beside the journaled paths are removed too.
import { isTempName } from '../host/temp-names.js';
import { readManifest, restoreBackup } from './backup.js';
import { report, type TxContext, toDiagnostic } from './context.js';
import { pendingAfter } from './pending-action.js';
import {
  emptyState,
  journalSchema,
  readJsonDoc,
  removeTree,
  statePaths,
  type TxState,
  writeJsonDoc,
} from './state-files.js';
import { performAction } from './transaction.js';
import type { RecoveryReport } from './types.js';

const parentDir = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

async function removeTempFiles(ctx: TxContext, dirs: readonly string[]): Promise<void> {
  for (const dir of new Set(dirs)) {
    const names = await ctx.host.fs.readDir(dir).catch(() => null);
    for (const n of names ?? []) if (isTempName(n)) await ctx.host.fs.removeFile(`${dir}/${n}`);
  }
}

export type RecoverOutcome =
  | { ok: true; report?: RecoveryReport; state: TxState | null }
  | { ok: false; report?: RecoveryReport; diagnostic: ReturnType<typeof toDiagnostic> };

export async function recoverInterrupted(ctx: TxContext, state: TxState | null): Promise<RecoverOutcome> {
  const { fs } = ctx.host;
  const p = statePaths(ctx.stateDir);
  // A crash inside the very first journal write leaves only its temp file.
  await removeTempFiles(ctx, [ctx.stateDir]);
  const j = await readJsonDoc(fs, p.journal, journalSchema);
  if (!j.ok) return { ok: false, diagnostic: j.diagnostic };
  const journal = j.value;
  if (!journal) return { ok: true, state };
  const base = { txid: journal.txid, kind: journal.kind };
  const inHistory = state?.history.some((h) => h.txid === journal.txid) ?? false;
  try {
    await removeTempFiles(ctx, journal.paths.map(parentDir));
    if (inHistory && journal.phase !== 'restore') {
      await fs.removeFile(p.journal);
      await report(ctx, 'recover', true, `transaction ${journal.txid} had committed`);
      return { ok: true, report: { ...base, outcome: 'committed' }, state };
    }
    let next = state;
    if (inHistory && state) {
      // It was being undone after a failed commit: its record must go with its files.
      next = { ...state, history: state.history.filter((h) => h.txid !== journal.txid) };
      await writeJsonDoc(fs, p.state, next);
    }
    const m = await readManifest(fs, ctx.stateDir, journal.txid);
    if (!m.ok)
      return { ok: false, report: { ...base, outcome: 'rollback-failed' }, diagnostic: m.diagnostic };
    if (m.value === null) {
      await removeTree(fs, p.backupDir(journal.txid));
      await fs.removeFile(p.journal);
      await report(ctx, 'recover', true, `transaction ${journal.txid} had not changed anything: discarded`);
      return { ok: true, report: { ...base, outcome: 'discarded' }, state: next };
    }
    const restored = await restoreBackup(fs, ctx.stateDir, m.value);
    if (journal.actionStarted && (await performAction(ctx, journal.action, ' (recovery)')) === 'deferred') {
      // The runtime may have loaded the undone files: it needs the action once more, later.
      const base = next ?? emptyState(ctx.lock.createdDirs);
      const at = ctx.host.now().toISOString();
      const pendingAction = pendingAfter(base.pendingAction, journal.action, 'deferred', {
        txid: journal.txid,
        at,
      });
      next = { ...base, ...(pendingAction ? { pendingAction } : {}) };
      await writeJsonDoc(fs, p.state, next);
    }
    await removeTree(fs, p.backupDir(journal.txid));
    await fs.removeFile(p.journal);
    await report(
      ctx,
      'recover',
      true,
      `transaction ${journal.txid} rolled back (${restored.length} file(s) restored)`,
    );
    return { ok: true, report: { ...base, outcome: 'rolled-back', restored }, state: next };
  } catch (e) {
    const d = { ...toDiagnostic(e), code: 'agent.recover.failed' };
    await report(ctx, 'recover', false, d.message);
    return { ok: false, report: { ...base, outcome: 'rollback-failed' }, diagnostic: d };
  }
}
