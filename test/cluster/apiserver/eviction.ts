// POST pods/<name>/eviction as pkg/registry/core/pod/storage/eviction.go answers it: terminal, pending
// or already-deleting pods are deleted without a PDB check; more than one matching PDB → 500; a PDB
// the disruption controller has not observed yet, or with disruptionsAllowed 0 → 429 TooManyRequests
// with a DisruptionBudget cause; else the budget is decremented (status.disruptedPods) and the pod
// deleted. PDB status comes from the disruption controller (test/cluster/sim/disruption-controller.ts).
import { type DeleteContext, type DeleteOptionsBody, deleteObject } from './deletes.js';
import { isEmptyLabelSelector, type LabelSelectorObject, matchesLabelSelector } from './selectors.js';
import type { Store } from './store.js';
import {
  ApiError,
  badRequest,
  isRecord,
  notFound,
  type Obj,
  type ResourceDef,
  timestamp,
  tooManyRequests,
} from './types.js';

const SUCCESS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

const isReady = (pod: Obj): boolean => {
  const conds = isRecord(pod.status) && Array.isArray(pod.status.conditions) ? pod.status.conditions : [];
  return conds.some((c) => isRecord(c) && c.type === 'Ready' && c.status === 'True');
};

export function evict(
  store: Store,
  ns: string,
  name: string,
  body: unknown,
  ctx: DeleteContext,
): Record<string, unknown> {
  const pods = store.byPlural('pods') as ResourceDef;
  const pdbs = store.find('policy', 'v1', 'poddisruptionbudgets') as ResourceDef;
  if (!isRecord(body) || !isRecord(body.metadata) || body.metadata.name !== name)
    throw badRequest('name in URL does not match name in Eviction object');
  const options = (isRecord(body.deleteOptions) ? body.deleteOptions : {}) as DeleteOptionsBody;
  const dryRun = ctx.dryRun || (options.dryRun ?? []).includes('All');
  const entry = store.get(pods, ns, name);
  if (!entry) throw notFound(pods, name);
  const pod = entry.obj;
  const phase = isRecord(pod.status) ? pod.status.phase : undefined;
  const del = (o: DeleteOptionsBody) => deleteObject(store, pods, ns, name, o, { ...ctx, dryRun });
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp) {
    del(options);
    return SUCCESS;
  }
  const matching = store.list(pdbs, ns).filter((e) => {
    const sel = (isRecord(e.obj.spec) ? e.obj.spec.selector : undefined) as LabelSelectorObject | undefined;
    return !isEmptyLabelSelector(sel) && matchesLabelSelector(sel, pod.metadata.labels);
  });
  if (matching.length > 1)
    throw new ApiError(
      500,
      'InternalError',
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
  const pdb = matching[0]?.obj;
  if (pdb) {
    const st = (isRecord(pdb.status) ? pdb.status : {}) as Record<string, unknown>;
    const num = (k: string) => (typeof st[k] === 'number' ? (st[k] as number) : 0);
    const pdbName = pdb.metadata.name;
    const unready =
      !isReady(pod) && num('currentHealthy') >= num('desiredHealthy') && num('desiredHealthy') > 0;
    if (!unready) {
      if (num('observedGeneration') < (pdb.metadata.generation ?? 0))
        throw tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 10, [
          {
            type: 'DisruptionBudget',
            message: `The disruption budget ${pdbName} is still being processed by the server.`,
          },
        ]);
      if (num('disruptionsAllowed') < 0)
        throw new ApiError(
          403,
          'Forbidden',
          `poddisruptionbudgets.policy "${pdbName}" is forbidden: pdb disruptions allowed is negative`,
        );
      if (num('disruptionsAllowed') === 0)
        throw tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0, [
          {
            type: 'DisruptionBudget',
            message: `The disruption budget ${pdbName} needs ${num('desiredHealthy')} healthy pods and has ${num('currentHealthy')} currently`,
          },
        ]);
      if (!dryRun) {
        const next = structuredClone(pdb);
        const status = { ...st, disruptionsAllowed: num('disruptionsAllowed') - 1 } as Record<
          string,
          unknown
        >;
        status.disruptedPods = {
          ...(isRecord(st.disruptedPods) ? st.disruptedPods : {}),
          [name]: timestamp(store.now()),
        };
        next.status = status;
        store.commit(pdbs, next);
      }
    }
  }
  del(options);
  return SUCCESS;
}
