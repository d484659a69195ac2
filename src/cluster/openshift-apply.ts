// OpenShift through the API instead of the DaemonSet: the Machine Config Operator owns the node
// files, so `rollout` hands it ImageDigestMirrorSet / ImageTagMirrorSet (+ CA ConfigMap) and merges
// the insecure registries / trusted CA into image.config.openshift.io/cluster. Idempotent: objects
// are created or replaced (a field the spec no longer produces goes), a set this spec no longer
// needs is deleted, registries already listed are kept.
import type { V1Node } from '@kubernetes/client-node';
import type { Diagnostic } from '../diagnostics.js';
import { imageConfigPatch, OPENSHIFT_CONFIG_NS, objectName, specToOpenShift } from '../foreign/openshift.js';
import { type Kube, KubeError, type ObjectRef } from '../host/kube-port.js';
import type { MirrorSet, SpecAssets } from '../spec/types.js';
import { applyObject } from './client/apply-object.js';
import { nodeRuntime } from './node-runtime.js';

export const IMAGE_CONFIG: ObjectRef = {
  apiVersion: 'config.openshift.io/v1',
  kind: 'Image',
  name: 'cluster',
};

/** An OpenShift cluster: every node is RHCOS/SCOS running CRI-O (the MCO renders their registries.conf). */
export const isOpenShiftCluster = (nodes: readonly V1Node[]): boolean =>
  nodes.length > 0 && nodes.every((n) => nodeRuntime(n).distribution === 'openshift');

export interface OpenShiftApplyStep {
  kind: string;
  name: string;
  outcome: 'created' | 'updated' | 'unchanged' | 'deleted' | 'patched' | 'would apply';
}

export interface OpenShiftApplyResult {
  steps: OpenShiftApplyStep[];
  diagnostics: Diagnostic[];
  /** 0 applied, 2 the spec cannot be expressed, 3 the API refused. */
  exitCode: 0 | 2 | 3;
}

const apiFailure = (what: string, err: unknown): Diagnostic => ({
  severity: 'error',
  code: 'openshift.api',
  message: `${what}: ${err instanceof Error ? err.message : String(err)}`,
  hint: 'check that the kubeconfig user may manage config.openshift.io ImageDigestMirrorSet/ImageTagMirrorSet and patch image.config.openshift.io/cluster',
});

export async function applyOpenShift(
  kube: Kube,
  set: MirrorSet,
  assets: SpecAssets,
  dryRun: boolean,
): Promise<OpenShiftApplyResult> {
  const out = specToOpenShift(set, assets);
  const diagnostics = [...out.diagnostics];
  if (diagnostics.some((d) => d.severity === 'error')) return { steps: [], diagnostics, exitCode: 2 };
  const steps: OpenShiftApplyStep[] = [];
  const name = objectName(set);
  try {
    const image = await kube.get(IMAGE_CONFIG);
    if (!image)
      return {
        steps,
        diagnostics: [
          ...diagnostics,
          {
            severity: 'error',
            code: 'openshift.image-config.missing',
            message: 'image.config.openshift.io/cluster does not exist: this is not an OpenShift cluster',
            hint: 'run rollout without OpenShift mode (the DaemonSet path), or check the kubeconfig context',
          },
        ],
        exitCode: 3,
      };
    const spec = (
      image as {
        spec?: {
          registrySources?: { insecureRegistries?: unknown };
          additionalTrustedCA?: { name?: unknown };
        };
      }
    ).spec;
    const current = spec?.registrySources?.insecureRegistries;
    const listed = Array.isArray(current) ? current.filter((x): x is string => typeof x === 'string') : [];
    // The cluster names one trusted-CA ConfigMap: an admin's own one is extended, never replaced.
    const theirs =
      typeof spec?.additionalTrustedCA?.name === 'string' ? spec.additionalTrustedCA.name : undefined;
    const ours = out.trustedCaConfigMap;
    const foreignCa = ours !== undefined && theirs !== undefined && theirs !== ours ? theirs : undefined;
    const caObject = out.objects.find((o) => o.kind === 'ConfigMap');
    if (foreignCa) {
      out.objects = out.objects.filter((o) => o.kind !== 'ConfigMap');
      delete out.trustedCaConfigMap;
    }
    const patch = imageConfigPatch(out, listed);
    if (dryRun) {
      for (const o of out.objects)
        steps.push({ kind: o.kind, name: o.metadata.name, outcome: 'would apply' });
      if (patch) steps.push({ kind: 'Image', name: 'cluster', outcome: 'would apply' });
      return { steps, diagnostics, exitCode: 0 };
    }
    for (const o of out.objects)
      steps.push({ kind: o.kind, name: o.metadata.name, outcome: (await applyObject(kube, o)).outcome });
    for (const kind of ['ImageDigestMirrorSet', 'ImageTagMirrorSet'])
      if (
        !out.objects.some((o) => o.kind === kind) &&
        (await kube.delete({ apiVersion: 'config.openshift.io/v1', kind, name }))
      )
        steps.push({ kind, name, outcome: 'deleted' });
    if (
      !ours &&
      (await kube.delete({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: `${name}-ca`,
        namespace: OPENSHIFT_CONFIG_NS,
      }))
    )
      steps.push({ kind: 'ConfigMap', name: `${name}-ca`, outcome: 'deleted' });
    if (foreignCa && caObject) {
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: foreignCa, namespace: OPENSHIFT_CONFIG_NS };
      await kube.patch(ref, { data: caObject.data }, 'merge');
      steps.push({ kind: 'ConfigMap', name: foreignCa, outcome: 'patched' });
    }
    if (patch) {
      await kube.patch(IMAGE_CONFIG, patch, 'merge');
      steps.push({ kind: 'Image', name: 'cluster', outcome: 'patched' });
    }
  } catch (err) {
    const what = err instanceof KubeError ? `API error ${err.status}` : 'API error';
    return { steps, diagnostics: [...diagnostics, apiFailure(what, err)], exitCode: 3 };
  }
  return { steps, diagnostics, exitCode: 0 };
}

/** One applied object as a report line (rollout lists them with its diagnostics). */
export const openShiftStepInfo = (s: OpenShiftApplyStep): Diagnostic => ({
  severity: 'info',
  code: 'openshift.applied',
  message: `${s.outcome} ${s.kind}/${s.name} (the Machine Config Operator rolls it out to the nodes)`,
});
