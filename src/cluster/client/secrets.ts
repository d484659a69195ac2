// The Secrets a published MirrorSet names (stored-spec.ts needs): an existing Secret of this
// MirrorSet with the same type and content is reused by name (so an identical rollout writes
// nothing and a rollback finds what its revision named), anything else gets a new name with a random
// suffix — a new name is a new spec revision, so changed certificates or credentials reach every
// node, and the name says nothing about the content. Secrets of this MirrorSet that neither the new
// spec nor any kept ControllerRevision names are deleted after the MirrorSet is written.
import { randomBytes } from 'node:crypto';
import type { Kube, KubernetesObject } from '../../host/kube-port.js';
import { APP_LABELS, LABELS, managedLabels, NAMESPACE } from '../api/meta.js';
import { mirrorSetLabel } from '../controller/names.js';
import type { SecretNeed } from './stored-spec.js';

type Secret = KubernetesObject & { type?: string; data?: Record<string, string> };

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const suffix = (): string => [...randomBytes(5)].map((b) => SUFFIX_CHARS[b % SUFFIX_CHARS.length]).join('');

/** `app.kubernetes.io/managed-by=mirrorctl,mirrorctl.io/mirrorset=<set>` */
export const secretSelector = (setName: string): string =>
  `${APP_LABELS.managedBy}=mirrorctl,${LABELS.mirrorSet}=${mirrorSetLabel(setName)}`;

export function secretObject(setName: string, need: SecretNeed, name: string): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: NAMESPACE,
      labels: {
        ...managedLabels(),
        [APP_LABELS.partOf]: 'mirrorctl',
        [APP_LABELS.component]: `secret-${need.component}`,
        [LABELS.mirrorSet]: mirrorSetLabel(setName),
      },
      annotations: { [`${LABELS.mirrorSet.split('/')[0]}/field`]: need.field },
    },
    type: need.type,
    data: Object.fromEntries(Object.entries(need.data).map(([k, v]) => [k, b64(v)])),
  };
}

const sameData = (a: Record<string, string> | undefined, b: Record<string, string>): boolean => {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a?.[k] === b[k]);
};

export interface SecretChoice {
  names: string[];
  /** Secrets to create (new content). */
  create: Secret[];
}

/** Names for every need: a matching existing Secret of this MirrorSet, else a new one. */
export async function chooseSecrets(
  kube: Kube,
  setName: string,
  needs: readonly SecretNeed[],
): Promise<SecretChoice> {
  if (needs.length === 0) return { names: [], create: [] };
  const existing = (await kube.list('v1', 'Secret', NAMESPACE, {
    labelSelector: secretSelector(setName),
  })) as Secret[];
  const names: string[] = [];
  const create: Secret[] = [];
  for (const need of needs) {
    const want = secretObject(setName, need, '');
    const hit = [...existing, ...create].find(
      (s) =>
        s.type === need.type &&
        s.metadata?.labels?.[APP_LABELS.component] === `secret-${need.component}` &&
        sameData(s.data, want.data ?? {}),
    );
    if (hit?.metadata?.name) {
      names.push(hit.metadata.name);
      continue;
    }
    const name = `mirrorctl-${setName.slice(0, 200)}-${need.component}-${suffix()}`;
    const obj = secretObject(setName, need, name);
    create.push(obj);
    names.push(name);
  }
  return { names, create };
}

/** Every `secretRef.name` in a spec document (or a ControllerRevision's data). */
export function secretNamesIn(doc: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(doc)) for (const v of doc) secretNamesIn(v, out);
  else if (typeof doc === 'object' && doc !== null)
    for (const [k, v] of Object.entries(doc)) {
      const name = (v as { name?: unknown } | null)?.name;
      if (k === 'secretRef' && typeof name === 'string') out.add(name);
      else secretNamesIn(v, out);
    }
  return out;
}

/** Deletes this MirrorSet's Secrets that neither `current` nor a kept ControllerRevision names. */
export async function pruneSecrets(kube: Kube, setName: string, current: unknown): Promise<string[]> {
  const [secrets, revisions] = await Promise.all([
    kube.list('v1', 'Secret', NAMESPACE, { labelSelector: secretSelector(setName) }),
    kube.list('apps/v1', 'ControllerRevision', NAMESPACE, {
      labelSelector: `${LABELS.mirrorSet}=${mirrorSetLabel(setName)}`,
    }),
  ]);
  const used = secretNamesIn(current);
  for (const r of revisions) secretNamesIn((r as { data?: unknown }).data, used);
  const gone: string[] = [];
  for (const s of secrets) {
    const name = s.metadata?.name ?? '';
    if (used.has(name)) continue;
    await kube.delete({ apiVersion: 'v1', kind: 'Secret', name, namespace: NAMESPACE });
    gone.push(name);
  }
  return gone;
}
