// `mirrorctl rollout`'s write: the Secrets the stored spec needs (reused when their content is
// already there), the MirrorSet itself (create or replace with conflict retries; the controller's
// finalizer and status are kept), the resume token when asked, then the Secrets nothing names any
// more. --dry-run builds the same objects with every Secret value redacted and writes nothing.
import type { Kube, KubernetesObject } from '../../host/kube-port.js';
import { ANNOTATIONS } from '../api/meta.js';
import { type ApplyOutcome, applyObject } from './apply-object.js';
import { MIRRORSET_CRD } from './resources.js';
import { chooseSecrets, pruneSecrets, secretObject } from './secrets.js';
import { nameSecrets, type StoredSpec } from './stored-spec.js';

export const REDACTED = '<redacted>';

export interface PublishResult {
  outcome: ApplyOutcome;
  /** The generation our write left the MirrorSet at (what the controller must observe). */
  generation: number;
  secretsCreated: string[];
  secretsDeleted: string[];
  object: KubernetesObject;
}

const withResume = (doc: Record<string, unknown>, token: string | undefined): Record<string, unknown> => {
  if (token === undefined) return doc;
  const metadata = (doc.metadata ?? {}) as Record<string, unknown>;
  const annotations = (metadata.annotations ?? {}) as Record<string, string>;
  return { ...doc, metadata: { ...metadata, annotations: { ...annotations, [ANNOTATIONS.resume]: token } } };
};

/** The CRD is served: mirrorctl is installed (mirrorctl install, or kubectl apply -k deploy/). */
export async function installed(kube: Kube): Promise<boolean> {
  return (await kube.get(MIRRORSET_CRD)) !== undefined;
}

export async function publish(
  kube: Kube,
  setName: string,
  stored: StoredSpec,
  resumeToken?: string,
): Promise<PublishResult> {
  const choice = await chooseSecrets(kube, setName, stored.needs);
  for (const s of choice.create) await kube.create(s);
  const document = withResume(nameSecrets(stored.document, stored.needs, choice.names), resumeToken);
  const r = await applyObject(kube, document as KubernetesObject);
  const deleted = await pruneSecrets(kube, setName, document);
  return {
    outcome: r.outcome,
    generation: (r.object.metadata as { generation?: number } | undefined)?.generation ?? 0,
    secretsCreated: choice.create.map((s) => s.metadata?.name ?? ''),
    secretsDeleted: deleted,
    object: r.object,
  };
}

/** What `rollout --dry-run` prints: the Secrets (values redacted, new names marked) and the MirrorSet. */
export function dryRunObjects(setName: string, stored: StoredSpec): KubernetesObject[] {
  const names = stored.needs.map((n) => `mirrorctl-${setName}-${n.component}-<generated>`);
  const secrets = stored.needs.map((n, i) => {
    const s = secretObject(setName, n, names[i] ?? '');
    return { ...s, data: Object.fromEntries(Object.keys(n.data).map((k) => [k, REDACTED])) };
  });
  return [...secrets, nameSecrets(stored.document, stored.needs, names) as KubernetesObject];
}
