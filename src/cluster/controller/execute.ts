// Carries out a ReconcilePlan through the Kube port, in an order that is safe to stop anywhere: the
// finalizer and the ControllerRevision first, then the MirrorNodes (permits included), then drains
// and Jobs for permits that are written, then the status, events and clean-up. Every write is
// conditional on the resourceVersion the decision was made on; a conflict ends the pass and the key
// comes back (the next pass decides again on fresher objects). Before each write, the caller's
// guard throws unless this replica still leads.

import { canonicalJson } from '../../spec/hash.js';
import { mapLimit } from '../../util/map-limit.js';
import { API_VERSION, MIRRORNODE } from '../api/group.js';
import { UNINSTALL_FINALIZER } from '../api/meta.js';
import { buildApplyJob } from '../manifests-agent.js';
import { profileOfTarget } from '../mount-profiles.js';
import { drainPass, uncordonPatch } from './drain.js';
import { eventObject } from './events.js';
import { CONTROLLER_ANNOTATIONS, mirrorSetLabel } from './names.js';
import type { JobCreate, ReconcilePlan, Snapshot } from './types.js';
import {
  ConflictError,
  type ExecuteContext,
  isStatus,
  NotLeaderError,
  type Obj,
  removeFinalizer,
  writeMirrorNode,
  writeRevision,
  writeStatus,
} from './writes.js';

export { ConflictError, type ExecuteContext, NotLeaderError };

export async function execute(
  plan: ReconcilePlan,
  snap: Snapshot,
  ctx: ExecuteContext,
): Promise<{ requeueAfterMs?: number }> {
  const name = snap.set.metadata.name;
  const label = mirrorSetLabel(name);
  let setObj = ctx.cache.get('mirrorSets', name) as Obj | undefined;
  if (!setObj) return {};
  const write = async <T>(fn: () => Promise<T>): Promise<T> => {
    ctx.guard();
    try {
      return await fn();
    } catch (err) {
      if (isStatus(err, 409)) throw new ConflictError((err as Error).message);
      throw err;
    }
  };

  if (plan.addFinalizer) {
    const before = setObj.metadata?.resourceVersion;
    const next = {
      ...setObj,
      metadata: {
        ...setObj.metadata,
        finalizers: [...(setObj.metadata?.finalizers ?? []), UNINSTALL_FINALIZER],
      },
    };
    setObj = (await write(() => ctx.kube.update(next))) as Obj;
    ctx.cache.wrote('mirrorSets', name, undefined, before, setObj);
  }

  if (plan.revision) await writeRevision(plan.revision, snap, label, ctx, write);

  // MirrorNodes: the desired revision everywhere, and the permits. All are tried; a conflict on any
  // stops the pass before Jobs are created for permits that might not be written.
  const failures = await mapLimit(plan.mirrorNodes, 16, async (w) => {
    try {
      await writeMirrorNode(w, label, ctx, write);
      return undefined;
    } catch (err) {
      if (err instanceof NotLeaderError) throw err;
      return err;
    }
  });
  const failed = failures.filter((e) => e !== undefined);
  if (failed.length > 0) {
    if (failed.every((e) => e instanceof ConflictError))
      throw new ConflictError(`${failed.length} MirrorNode write(s) conflicted`);
    throw failed[0];
  }

  let requeueAfterMs: number | undefined;
  const jobs: JobCreate[] = [...plan.jobs];
  for (const d of plan.drains) {
    const node = snap.nodes.find((n) => n.name === d.node);
    if (!node || ctx.now() > d.deadline) continue;
    ctx.guard();
    const out = await drainPass(ctx.kube, node, d.job.revision);
    if (out.drained) jobs.push(d.job);
    else {
      requeueAfterMs = 5_000;
      if (out.blocked.length > 0)
        ctx.log(
          `drain ${d.node}: PodDisruptionBudget allows no eviction of ${out.blocked.slice(0, 3).join(', ')} yet`,
        );
    }
  }
  const rollout = snap.set.spec.rollout as { restartTimeoutSeconds?: number } | undefined;
  await mapLimit(jobs, 8, async (j) => {
    const profile = profileOfTarget(j.target);
    if (!profile) {
      ctx.log(`${j.node}: no agent profile for target ${j.target}; no Job`);
      return;
    }
    const job = buildApplyJob({
      node: j.node,
      mirrorSet: label,
      revision: j.revision,
      profile: profile.name,
      image: ctx.image,
      restartTimeoutSeconds: rollout?.restartTimeoutSeconds ?? 300,
      namespace: ctx.namespace,
    });
    job.metadata = {
      ...job.metadata,
      name: j.name,
      labels: { ...job.metadata?.labels, [CONTROLLER_ANNOTATIONS.action]: j.action },
    };
    try {
      const made = await write(() => ctx.kube.create(job as Obj));
      ctx.cache.wrote('jobs', j.name, ctx.namespace, undefined, made);
      ctx.metrics.restarts.inc();
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err; // AlreadyExists: an earlier pass made it
    }
  });

  for (const n of plan.uncordon) {
    ctx.guard();
    await ctx.kube.patch({ apiVersion: 'v1', kind: 'Node', name: n }, uncordonPatch(), 'merge');
  }

  if (canonicalJson(plan.status) !== canonicalJson(snap.set.status ?? {}))
    setObj = await writeStatus(setObj, plan, ctx, write);

  for (const e of plan.events) {
    try {
      ctx.guard();
      await ctx.kube.createEvent(
        eventObject(snap.set, e, {
          now: ctx.now(),
          seq: ctx.nextEventSeq(),
          instance: ctx.identity,
        }),
      );
    } catch (err) {
      if (err instanceof NotLeaderError) throw err;
      ctx.log(`event ${e.reason}: ${(err as Error).message}`);
    }
  }
  ctx.metrics.waves.inc(plan.wavesStarted);
  ctx.metrics.rollbacks.inc(plan.events.filter((e) => e.reason === 'NodeRolledBack').length);

  for (const n of plan.deleteMirrorNodes) {
    ctx.guard();
    await ctx.kube.delete({ apiVersion: API_VERSION, kind: MIRRORNODE.kind, name: n });
    ctx.cache.wrote(
      'mirrorNodes',
      n,
      undefined,
      ctx.cache.get('mirrorNodes', n)?.metadata?.resourceVersion,
      null,
    );
  }
  for (const r of plan.deleteRevisions) {
    ctx.guard();
    await ctx.kube.delete({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      name: r,
      namespace: ctx.namespace,
    });
    ctx.cache.wrote(
      'revisions',
      r,
      ctx.namespace,
      ctx.cache.get('revisions', r, ctx.namespace)?.metadata?.resourceVersion,
      null,
    );
  }
  if (plan.removeFinalizer) await removeFinalizer(name, setObj, ctx, write);
  return requeueAfterMs !== undefined ? { requeueAfterMs } : {};
}
