// `rollback --cluster`: the MirrorSet's spec set back to what an earlier ControllerRevision holds —
// the previous one (status.history, newest first) or the one named by --to (revision or object
// name). The controller then rolls it out like any new spec (same waves). Refused when the
// revision, or a Secret it names, no longer exists.
import type { Kube, KubernetesObject } from '../../host/kube-port.js';
import { API_VERSION, MIRRORSET } from '../api/group.js';
import { LABELS, NAMESPACE } from '../api/meta.js';
import { mirrorSetLabel } from '../controller/names.js';
import { asMirrorSet, mirrorSetRef } from './resources.js';
import { secretNamesIn } from './secrets.js';

export type RollbackTarget =
  | { ok: true; revision: string; controllerRevision: string; current?: string; document: KubernetesObject }
  | { ok: false; message: string };

type Revision = KubernetesObject & { data?: { spec?: Record<string, unknown> }; revision?: number };

export async function rollbackTarget(kube: Kube, setName: string, to?: string): Promise<RollbackTarget> {
  const set = asMirrorSet(await kube.get(mirrorSetRef(setName)));
  if (!set) return { ok: false, message: `MirrorSet ${setName} does not exist` };
  const revisions = (await kube.list('apps/v1', 'ControllerRevision', NAMESPACE, {
    labelSelector: `${LABELS.mirrorSet}=${mirrorSetLabel(setName)}`,
  })) as Revision[];
  const revisionOf = (r: Revision) => r.metadata?.labels?.[LABELS.revision] ?? '';
  const current = set.status?.revision;
  let target: Revision | undefined;
  if (to !== undefined) target = revisions.find((r) => revisionOf(r) === to || r.metadata?.name === to);
  else {
    const previous = (set.status?.history ?? []).find((h) => h.revision !== current);
    target =
      revisions.find((r) => r.metadata?.name === previous?.controllerRevision) ??
      [...revisions]
        .sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))
        .find((r) => revisionOf(r) !== current);
  }
  const kept = revisions.map(revisionOf).filter((r) => r !== '');
  if (!target)
    return {
      ok: false,
      message:
        to !== undefined
          ? `MirrorSet ${setName} has no revision ${to} (kept: ${kept.join(', ') || 'none'})`
          : `MirrorSet ${setName} has no earlier revision to roll back to (kept: ${kept.join(', ') || 'none'})`,
    };
  const spec = target.data?.spec;
  if (!spec)
    return { ok: false, message: `ControllerRevision ${NAMESPACE}/${target.metadata?.name} holds no spec` };
  for (const name of secretNamesIn(spec))
    if (!(await kube.get({ apiVersion: 'v1', kind: 'Secret', name, namespace: NAMESPACE })))
      return {
        ok: false,
        message: `revision ${revisionOf(target)} names Secret ${NAMESPACE}/${name}, which no longer exists; recreate it or roll out a spec file instead`,
      };
  return {
    ok: true,
    revision: revisionOf(target),
    controllerRevision: target.metadata?.name ?? '',
    ...(current ? { current } : {}),
    document: {
      apiVersion: API_VERSION,
      kind: MIRRORSET.kind,
      metadata: { name: setName },
      spec,
    } as KubernetesObject,
  };
}
