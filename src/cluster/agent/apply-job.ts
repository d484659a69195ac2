// The apply Job (`mirrorctl agent --once --allow-runtime-action --revision R`): one full transaction
// for the permitted revision — write, restart/reload, health check, automatic rollback — then the
// status and Events, and an exit code. A Job whose permit is gone or names another revision (it
// outlived its rollout) acts on nothing and writes nothing.
import { ExitCode } from '../../exit-codes.js';
import type { MirrorNodeObject } from '../api/mirrornode.js';
import { type ReconcileDeps, reconcileNode } from './reconcile.js';

export interface ApplyJobOptions {
  node: string;
  revision: string;
  /** How long to wait for a lock another transaction holds (the agent's own hot apply). */
  lockWaitMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** Why this Job must not act on `n`, or undefined when its permit holds. */
export function stalePermit(n: MirrorNodeObject, revision: string): string | undefined {
  const p = n.spec.permit;
  if (!p) return `MirrorNode ${n.metadata.name} holds no permit (revision ${revision} is not permitted)`;
  if (p.revision !== revision)
    return `MirrorNode ${n.metadata.name}'s permit is for revision ${p.revision}, not ${revision}`;
  if (n.spec.revision !== revision)
    return `MirrorNode ${n.metadata.name} now wants revision ${n.spec.revision}, not ${revision}`;
  return undefined;
}

export async function runApplyJob(deps: ReconcileDeps, o: ApplyJobOptions): Promise<number> {
  const deadline = Date.now() + o.lockWaitMs;
  for (;;) {
    const obj = await deps.api.readNode(o.node);
    if (!obj) {
      deps.log(`✖ MirrorNode ${o.node} does not exist: nothing to apply`);
      return ExitCode.CONFLICT;
    }
    if (!obj.node) {
      deps.log(`✖ ${obj.problem}`);
      return ExitCode.INVALID_INPUT;
    }
    const stale = stalePermit(obj.node, o.revision);
    if (stale) {
      deps.log(`✖ stale apply Job: ${stale}; nothing done`);
      return ExitCode.CONFLICT;
    }
    const r = await reconcileNode(deps, obj, { mayAct: true, permitted: obj.node.spec.permit?.action });
    if (r.kind === 'busy') {
      if (Date.now() >= deadline) {
        deps.log('✖ another mirrorctl transaction kept the node lock; nothing done');
        return ExitCode.CONFLICT;
      }
      await o.sleep(1000);
      continue;
    }
    const { outcome } = r.report;
    deps.log(
      `${outcome.state === 'Applied' || outcome.state === 'Uninstalled' ? '✓' : '✖'} ${outcome.state}: ${outcome.message}`,
    );
    switch (outcome.state) {
      case 'Applied':
      case 'Uninstalled':
        return ExitCode.OK;
      case 'RolledBack':
        return ExitCode.FAILED_RESTORED;
      case 'Failed':
        return outcome.holds === 'unknown' ? ExitCode.ROLLBACK_FAILED : ExitCode.CONFLICT;
      default:
        // Pending* cannot come out of a Job that may act; Unsupported: the node is not ours.
        return ExitCode.CONFLICT;
    }
  }
}
