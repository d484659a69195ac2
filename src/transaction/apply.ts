// applyPlan: the transaction engine's entry point for `apply`. Re-reads every file the plan touches and
// refuses on drift (the plan was computed against other bytes) or when the lock's recovery of an
// interrupted transaction just restored a file the plan took as done, skips changes already in
// place, then runs one transaction (transaction.ts) under the lock (session.ts).
import { type Diagnostic, hasErrors } from '../diagnostics.js';
import type { Host } from '../host/ports.js';
import { type FileChange, PLAN_API_VERSION, type Plan } from '../plan/types.js';
import { report, resultOf, toDiagnostic } from './context.js';
import { orderOps } from './order.js';
import { covers, describePending, effectiveAction } from './pending-action.js';
import { runSession } from './session.js';
import type { PendingAction } from './state-files.js';
import { sha256Of } from './state-files.js';
import { runTransaction, type TxOp } from './transaction.js';
import type { RecoveryReport, TxOptions, TxResult } from './types.js';

/** Refusal code when recovery restored files the plan has no change for: plan again, then apply. */
export const STALE_AFTER_RECOVERY = 'agent.plan.stale-after-recovery';
// (the diagnostic below spells it out: scripts/gen-troubleshooting.ts finds codes as literals)

const dec = new TextDecoder();

function drift(c: FileChange, message: string): Diagnostic {
  return {
    severity: 'error',
    code: 'agent.preflight.drift',
    file: c.path,
    message,
    hint: 'the file changed after the plan was made: run `mirrorctl plan` again and review it',
  };
}

/** What to do for one planned change given the bytes on the host now. */
function preflightChange(c: FileChange, now: Uint8Array | null): TxOp | 'skip' | Diagnostic {
  const nowText = now === null ? null : dec.decode(now);
  const secret = c.secret === true;
  if (c.kind === 'delete') {
    if (now === null) return 'skip';
    if (sha256Of(now) !== c.beforeSha256) return drift(c, 'changed since the plan; refusing to delete it');
    return { path: c.path, after: null, owned: true, secret };
  }
  if (nowText === c.content) return 'skip';
  if (c.kind === 'create' && now !== null) return drift(c, 'exists now, but did not when the plan was made');
  if (c.kind === 'update' && (now === null || sha256Of(now) !== c.beforeSha256))
    return drift(c, now === null ? 'was removed after the plan was made' : 'changed since the plan was made');
  return { path: c.path, after: { data: c.content, mode: c.mode }, owned: c.owned, secret };
}

/**
 * A plan made while a transaction was interrupted saw that transaction's half-written files. Where
 * it proposes a change, preflight compares the file's bytes with the plan's; where it proposes none
 * (it took the file as done), the file recovery just restored would silently stay old (issue 15.2).
 */
function staleAfterRecovery(plan: Plan, rec: RecoveryReport | undefined): Diagnostic[] {
  const planned = new Set(plan.changes.map((c) => c.path));
  return (rec?.restored ?? [])
    .filter((p) => !planned.has(p))
    .map((p) => ({
      severity: 'error',
      code: 'agent.plan.stale-after-recovery',
      file: p,
      message: `restored just now by the recovery of interrupted transaction ${rec?.txid}; the plan was made before that and takes this file as already done`,
      hint: 'plan again and apply the new plan (`mirrorctl apply -f SPEC` plans after recovering by itself)',
    }));
}

export interface ApplyExtras {
  /**
   * What would show the plan's own runtime action done if it is deferred (pending-action.ts); null:
   * its change cannot be observed; absent: it changes nothing that needs an action of its own.
   */
  evidence?: PendingAction['evidence'] | null;
}

/** The runtime still runs the config before the deferred action: said on every apply until done. */
export function pendingWarning(p: PendingAction): Diagnostic {
  return {
    severity: 'warning',
    code: 'agent.runtime-action.pending',
    message: `${describePending(p)} has not been performed: ${p.action.service} still runs its previous config`,
    hint: `run \`mirrorctl apply\` without --no-runtime-action (or \`systemctl ${p.action.kind} ${p.action.service}\`, then \`mirrorctl verify\`)`,
  };
}

export async function applyPlan(
  plan: Plan,
  host: Host,
  opts: TxOptions,
  extras: ApplyExtras = {},
): Promise<TxResult> {
  if (plan.apiVersion !== PLAN_API_VERSION)
    return resultOf(
      'apply',
      'refused',
      [],
      [
        {
          severity: 'error',
          code: 'agent.plan.version',
          message: `plan apiVersion ${String(plan.apiVersion)} is not ${PLAN_API_VERSION}`,
          hint: 'make the plan with the same mirrorctl version as the agent',
        },
      ],
    );
  if (hasErrors(plan.diagnostics))
    return resultOf(
      'apply',
      'refused',
      [],
      [
        ...plan.diagnostics,
        {
          severity: 'error',
          code: 'agent.plan.has-errors',
          message: 'the plan has errors; nothing was applied',
        },
      ],
    );

  return runSession(host, opts, 'apply', async (ctx, state) => {
    const stale = staleAfterRecovery(plan, ctx.recovered);
    if (stale.length > 0) {
      await report(ctx, 'preflight', false, `the plan predates the recovery of ${ctx.recovered?.txid}`);
      return resultOf('apply', 'refused', ctx.steps, stale);
    }
    const ops: TxOp[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const c of plan.changes) {
      let now: Uint8Array | null;
      try {
        now = await host.fs.readFile(c.path);
      } catch (e) {
        diagnostics.push(toDiagnostic(e, c.path));
        continue;
      }
      const r = preflightChange(c, now);
      if (r === 'skip') continue;
      if ('severity' in r) diagnostics.push(r);
      else ops.push(r);
    }
    if (diagnostics.length > 0) {
      await report(ctx, 'preflight', false, `${diagnostics.length} file(s) refused`);
      return resultOf('apply', 'refused', ctx.steps, diagnostics);
    }
    // A restart an earlier apply deferred is still owed, whatever this plan needs (issue 15.3).
    const pending = state.pendingAction;
    const action = effectiveAction(plan.action, pending);
    const owed = pending && ops.length === 0 && covers(action, pending.action) ? pending : undefined;
    await report(
      ctx,
      'preflight',
      true,
      `${ops.length} change(s) to make${owed ? `; ${describePending(owed)} is still owed` : ''}`,
    );
    // A change that needs no action of its own leaves the pending one's evidence standing.
    const evidence =
      extras.evidence === undefined || ops.length === 0 ? pending?.evidence : (extras.evidence ?? undefined);
    if (ops.length === 0 && (!owed || opts.deferAction))
      return resultOf('apply', 'unchanged', ctx.steps, owed ? [pendingWarning(owed)] : []);
    return runTransaction(ctx, state, {
      kind: 'apply',
      ops: orderOps(ops),
      action,
      record: { specHash: plan.specHash, specName: plan.specName, target: plan.target },
      // The owed action alone changes no file: nothing for rollback to undo.
      ...(ops.length === 0 ? { recordHistory: false } : {}),
      ...(evidence ? { evidence } : {}),
    });
  });
}
