// `mirrorctl install`: the objects of deploy/ (src/cluster/manifests.ts) applied in order — the
// namespace, the CRDs (then waiting until the API server serves them: Established), then
// identities, RBAC, the controller and the agents. Create or replace, so a second run changes
// nothing and a newer version replaces fields the old one had. A namespace that exists without
// mirrorctl's managed-by label is someone else's: it gets only the Pod Security labels the apply
// Job needs, never the label that would let `uninstall --all` delete it.
import type { Kube, KubernetesObject } from '../../host/kube-port.js';
import { APP_LABELS, MANAGED_BY } from '../api/meta.js';
import { POD_SECURITY_LABELS } from '../manifests.js';
import { type ApplyOutcome, applyObject, describeRef, refOf, updateExisting } from './apply-object.js';

export type StepOutcome = ApplyOutcome | 'labelled';

export interface InstallStep {
  object: string;
  outcome: StepOutcome;
  note?: string;
}

export interface InstallDeps {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** How long CRDs may take to become Established. */
  establishMs?: number;
  onStep?: (s: InstallStep) => void;
}

export interface InstallResult {
  steps: InstallStep[];
  /** Set when the install stopped: what did not happen. */
  error?: string;
}

const isCrd = (o: KubernetesObject) => o.kind === 'CustomResourceDefinition';
const established = (crd: KubernetesObject | undefined): boolean =>
  (
    (crd as { status?: { conditions?: Array<{ type?: string; status?: string }> } } | undefined)?.status
      ?.conditions ?? []
  ).some((c) => c.type === 'Established' && c.status === 'True');

/** Labels `desired` adds to the live namespace; undefined when it has them all. */
function withLabels(live: KubernetesObject, add: Record<string, string>): KubernetesObject | undefined {
  const labels = live.metadata?.labels ?? {};
  if (Object.entries(add).every(([k, v]) => labels[k] === v)) return undefined;
  return { ...live, metadata: { ...live.metadata, labels: { ...labels, ...add } } };
}

/** A namespace carries nothing of ours but labels (its spec and status are the API server's). */
async function applyNamespace(kube: Kube, ns: KubernetesObject): Promise<InstallStep> {
  const object = describeRef(refOf(ns));
  const live = await kube.get(refOf(ns));
  if (!live) return { object, outcome: (await applyObject(kube, ns)).outcome };
  const ours = live.metadata?.labels?.[APP_LABELS.managedBy] === MANAGED_BY;
  const add = ours ? (ns.metadata?.labels ?? {}) : POD_SECURITY_LABELS;
  let changed = false;
  await updateExisting(kube, refOf(ns), (cur) => {
    const next = withLabels(cur, add);
    changed = next !== undefined;
    return next;
  });
  if (ours) return { object, outcome: changed ? 'updated' : 'unchanged' };
  return {
    object,
    outcome: 'labelled',
    note: 'it existed and was not created by mirrorctl: kept as it is but for its Pod Security labels (uninstall --all will not delete it)',
  };
}

export async function install(
  kube: Kube,
  manifests: readonly KubernetesObject[],
  deps: InstallDeps,
): Promise<InstallResult> {
  const steps: InstallStep[] = [];
  const step = (s: InstallStep) => {
    steps.push(s);
    deps.onStep?.(s);
  };
  const namespaces = manifests.filter((m) => m.kind === 'Namespace');
  const crds = manifests.filter(isCrd);
  const rest = manifests.filter((m) => m.kind !== 'Namespace' && !isCrd(m));
  for (const ns of namespaces) step(await applyNamespace(kube, ns));
  for (const crd of crds)
    step({ object: describeRef(refOf(crd)), outcome: (await applyObject(kube, crd)).outcome });
  // Kinds are resolved through discovery: the rest may name the new resources only once served.
  const deadline = deps.now() + (deps.establishMs ?? 60_000);
  for (const crd of crds) {
    while (!established(await kube.get(refOf(crd)))) {
      if (deps.now() > deadline)
        return {
          steps,
          error: `CustomResourceDefinition ${crd.metadata?.name} is not Established after ${Math.round((deps.establishMs ?? 60_000) / 1000)} s; nothing else was applied (kubectl describe crd ${crd.metadata?.name})`,
        };
      await deps.sleep(250);
    }
  }
  for (const m of rest)
    step({ object: describeRef(refOf(m)), outcome: (await applyObject(kube, m)).outcome });
  return { steps };
}
