// The transaction every mutation goes through (apply, rollback, uninstall): journal → backup →
// ordered atomic writes → verify → runtime action → health → commit (state.json). Any failure
// after the journal restores the backups, repeats the runtime action if one had started, and
// reports `rolled-back`; if restoring fails the journal stays for the next run (`rollback-failed`).
import type { Diagnostic } from '../diagnostics.js';
import type { HealthExpectation } from '../host/runtime-port.js';
import type { RuntimeAction } from '../plan/types.js';
import { createBackup, currentSha, restoreBackup } from './backup.js';
import {
  actionTimeout,
  healthTimeout,
  newTxid,
  report,
  resultOf,
  type TxContext,
  toDiagnostic,
} from './context.js';
import { pendingAfter } from './pending-action.js';
import {
  type BackupManifest,
  type Journal,
  type PendingAction,
  removeEmptyDirs,
  removeTree,
  sha256Of,
  statePaths,
  type TxRecord,
  type TxState,
  writeJsonDoc,
} from './state-files.js';
import { TxError, type TxKind, type TxResult } from './types.js';

export interface TxOp {
  path: string;
  /** Desired content and mode; null deletes the file. */
  after: { data: Uint8Array | string; mode: number } | null;
  owned: boolean;
  /** Written 0600 and never shown. */
  secret: boolean;
}

export interface TxSpec {
  kind: TxKind;
  /** Real changes only, in the order to perform them. */
  ops: TxOp[];
  action: RuntimeAction;
  /** Directories to remove once empty after the writes (rollback/uninstall of created dirs). */
  removeDirs?: readonly string[];
  /** Fields of the history record besides the ones derived here. */
  record: Pick<TxRecord, 'specHash' | 'specName' | 'target' | 'undoes'>;
  /** Further state changes made atomically with the commit (e.g. mark an apply undone). */
  updateState?: (s: TxState) => TxState;
  /** false: no history record (a pending runtime action performed alone changes no file). */
  recordHistory?: boolean;
  /** What would show a deferred action done (containerd's CRI config_path), kept with it. */
  evidence?: PendingAction['evidence'];
}

class RuntimeFailure extends Error {}

/**
 * Runs the runtime action and waits for health; a failure is thrown as RuntimeFailure. With
 * --no-runtime-action it only reports what to run ('deferred'): the caller records it as pending.
 */
export async function performAction(
  ctx: TxContext,
  action: RuntimeAction,
  label: string,
  expect?: HealthExpectation,
): Promise<'none' | 'performed' | 'deferred'> {
  if (action.kind === 'none') return 'none';
  if (ctx.opts.deferAction) {
    await report(
      ctx,
      `${action.kind}${label}`,
      true,
      `deferred (--no-runtime-action): ${action.service} still runs the previous config until it is ${action.kind === 'restart' ? 'restarted' : 'reloaded'}; recorded as pending`,
    );
    return 'deferred';
  }
  const r = await ctx.opts.control.perform(action, actionTimeout(ctx.opts));
  if (!r.ok) {
    await report(ctx, `${action.kind}${label}`, false, r.error);
    throw new RuntimeFailure(r.error);
  }
  await report(ctx, `${action.kind}${label}`, true, `${action.service}: ${r.detail}`);
  // `expect`: what shows the change taken (containerd's CRI config_path), on the forward action only.
  const h = await ctx.opts.health.check(action.service, healthTimeout(ctx.opts), expect);
  if (!h.ok) {
    await report(ctx, `health${label}`, false, h.error);
    throw new RuntimeFailure(h.error);
  }
  await report(ctx, `health${label}`, true, h.detail);
  return 'performed';
}

async function writeOp(ctx: TxContext, op: TxOp): Promise<void> {
  const fs = ctx.host.fs;
  if (op.after === null) await fs.removeFile(op.path);
  else await fs.writeFileAtomic(op.path, op.after.data, op.secret ? 0o600 : op.after.mode);
}

async function verifyOps(ctx: TxContext, ops: readonly TxOp[]): Promise<void> {
  for (const op of ops) {
    const want = op.after === null ? null : sha256Of(op.after.data);
    if ((await currentSha(ctx.host.fs, op.path)) !== want)
      throw new TxError('agent.verify.mismatch', op.path, 'reads back different from what was written');
  }
}

export async function runTransaction(ctx: TxContext, state: TxState, spec: TxSpec): Promise<TxResult> {
  const { fs } = ctx.host;
  const p = statePaths(ctx.stateDir);
  const txid = newTxid(ctx.host.now());
  const journal: Journal = {
    apiVersion: 'mirrorctl/journal-v1',
    txid,
    kind: spec.kind,
    startedAt: ctx.host.now().toISOString(),
    phase: 'backup',
    paths: spec.ops.map((o) => o.path),
    written: [],
    action: spec.action,
    actionStarted: false,
  };
  const fail = (d: Diagnostic) => resultOf(spec.kind, 'failed', ctx.steps, [d], { txid });

  try {
    await writeJsonDoc(fs, p.journal, journal);
  } catch (e) {
    // The rename may have landed before the failing fsync: a journal must not outlive a no-op.
    await fs.removeFile(p.journal).catch(() => {});
    await report(ctx, 'journal', false, toDiagnostic(e, p.journal).message);
    return fail(toDiagnostic(e, p.journal));
  }
  await report(ctx, 'journal', true, `transaction ${txid} (${spec.kind})`);

  let manifest: BackupManifest;
  try {
    manifest = await createBackup(fs, ctx.stateDir, txid, journal.paths);
  } catch (e) {
    const d = toDiagnostic(e);
    await report(ctx, 'backup', false, d.message);
    // Nothing changed yet: drop the partial backup and the journal.
    try {
      await removeTree(fs, p.backupDir(txid));
      await fs.removeFile(p.journal);
    } catch {
      // The next run's recovery discards them (no manifest = nothing was changed).
    }
    return fail(d);
  }
  await report(ctx, 'backup', true, `${manifest.entries.length} original(s) saved`);

  let commitAttempted = false;
  let runtimeError: string | undefined;
  try {
    journal.phase = 'write';
    await writeJsonDoc(fs, p.journal, journal);
    for (const op of spec.ops) {
      await writeOp(ctx, op);
      journal.written.push(op.path);
      await writeJsonDoc(fs, p.journal, journal);
      await report(
        ctx,
        `${op.after === null ? 'delete' : 'write'} ${op.path}`,
        true,
        op.secret ? 'secret, 0600' : 'ok',
      );
    }
    await removeEmptyDirs(fs, spec.removeDirs ?? []);
    await verifyOps(ctx, spec.ops);
    await report(ctx, 'verify', true, `${spec.ops.length} file(s) read back`);
    let outcome: 'none' | 'performed' | 'deferred' = 'none';
    if (spec.action.kind !== 'none' && ctx.opts.deferAction)
      outcome = await performAction(ctx, spec.action, '');
    else if (spec.action.kind !== 'none') {
      journal.phase = 'action';
      journal.actionStarted = true;
      await writeJsonDoc(fs, p.journal, journal);
      outcome = await performAction(ctx, spec.action, '', spec.evidence);
    }
    commitAttempted = true;
    await writeJsonDoc(fs, p.state, commitState(state, spec, txid, ctx.host.now(), outcome));
    await report(ctx, 'commit', true, `state.json records ${txid}`);
  } catch (e) {
    if (e instanceof RuntimeFailure) runtimeError = e.message;
    else await report(ctx, 'change', false, toDiagnostic(e).message);
    const cause: Diagnostic =
      e instanceof RuntimeFailure
        ? {
            severity: 'error',
            code: 'agent.runtime.unhealthy',
            message: `${spec.action.service} did not come back healthy after ${spec.action.kind}: ${e.message}`,
            hint: 'the previous files were restored; fix the cause (runtime log) before applying again',
          }
        : toDiagnostic(e);
    return undo(ctx, state, spec, journal, manifest, commitAttempted, cause, runtimeError);
  }

  try {
    await fs.removeFile(p.journal);
  } catch {
    // Committed: a leftover journal whose txid is in state.json is recognised and dropped.
  }
  return resultOf(spec.kind, 'applied', ctx.steps, [], {
    txid,
    changed: spec.ops.map((o) => o.path),
    ...(spec.action.kind !== 'none' ? { action: spec.action } : {}),
  });
}

function commitState(
  state: TxState,
  spec: TxSpec,
  txid: string,
  now: Date,
  outcome: 'none' | 'performed' | 'deferred',
): TxState {
  const record: TxRecord = {
    txid,
    kind: spec.kind,
    at: now.toISOString(),
    ...spec.record,
    action: spec.action,
    files: spec.ops.map((o) => ({
      path: o.path,
      sha256: o.after === null ? null : sha256Of(o.after.data),
      owned: o.owned,
      secret: o.secret,
    })),
  };
  const next = spec.updateState ? spec.updateState(state) : state;
  const { pendingAction: _was, ...rest } = next;
  const pendingAction =
    outcome === 'none'
      ? next.pendingAction
      : pendingAfter(next.pendingAction, spec.action, outcome, {
          txid,
          at: record.at,
          ...(spec.evidence ? { evidence: spec.evidence } : {}),
        });
  return {
    ...rest,
    history: spec.recordHistory === false ? next.history : [...next.history, record],
    ...(pendingAction ? { pendingAction } : {}),
  };
}

/** Restores the backups of a failed transaction and brings the runtime back if it was touched. */
async function undo(
  ctx: TxContext,
  state: TxState,
  spec: TxSpec,
  journal: Journal,
  manifest: BackupManifest,
  commitAttempted: boolean,
  cause: Diagnostic,
  runtimeError: string | undefined,
): Promise<TxResult> {
  const { fs } = ctx.host;
  const p = statePaths(ctx.stateDir);
  const extra = { txid: journal.txid, ...(runtimeError ? { runtimeError } : {}) };
  try {
    journal.phase = 'restore';
    await writeJsonDoc(fs, p.journal, journal);
    // The commit may have landed before its fsync failed: put the previous state back first.
    if (commitAttempted) {
      if (ctx.hadState) await writeJsonDoc(fs, p.state, state);
      else await fs.removeFile(p.state);
    }
    const restored = await restoreBackup(fs, ctx.stateDir, manifest);
    await report(ctx, 'restore', true, `${restored.length} file(s) restored`);
    if (journal.actionStarted) await performAction(ctx, spec.action, ' (after restore)');
    await removeTree(fs, p.backupDir(journal.txid));
    await fs.removeFile(p.journal);
    const status = restored.length > 0 || journal.actionStarted ? 'rolled-back' : 'failed';
    return resultOf(spec.kind, status, ctx.steps, [cause], extra);
  } catch (e) {
    const d: Diagnostic =
      e instanceof RuntimeFailure
        ? {
            severity: 'error',
            code: 'agent.rollback.runtime',
            message: `files restored, but ${spec.action.service} is still unhealthy: ${e.message}`,
            hint: 'the runtime needs a human: check its log and service status',
          }
        : {
            ...toDiagnostic(e),
            code: 'agent.rollback.failed',
            hint: 'the journal is kept: fix the cause and run `mirrorctl rollback` or any apply to finish restoring',
          };
    await report(ctx, 'restore', false, d.message);
    return resultOf(spec.kind, 'rollback-failed', ctx.steps, [cause, d], extra);
  }
}
