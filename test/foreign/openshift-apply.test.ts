// OpenShift through the API: the real kube adapter against the fake API server (config.openshift.io
// resources registered there). Upserts IDMS/ITMS + CA ConfigMap, merges image.config, removes sets
// the spec no longer needs, extends an admin's own trusted-CA ConfigMap instead of replacing it.

import { readFileSync } from 'node:fs';
import type { V1Node } from '@kubernetes/client-node';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { applyOpenShift, isOpenShiftCluster } from '../../src/cluster/openshift-apply.js';
import { validateSpec } from '../../src/spec/validate.js';
import { type Harness, startHarness } from '../cluster/harness.js';

const CA = readFileSync(new URL('../golden/distro/ca.pem', import.meta.url), 'utf8');
const spec = (extra = '') => {
  const r = validateSpec(
    `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: ocp }
spec:
  registries:
    - source: registry.redhat.io
      fallback: false
      mirrors:
        - url: https://mirror.corp.example.com/rh
          tls: { caFile: ca.pem }
${extra}`,
    'mirrors.yaml',
  );
  if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
  return r.spec;
};
const HTTP_ENTRY = `    - source: quay.io
      mirrors:
        - url: http://10.0.0.5:5000
          pullFrom: digest-only
`;

let h: Harness;
beforeEach(async () => {
  h = await startHarness([]);
  // OpenShift has this namespace; the API server stand-in refuses content in a missing namespace.
  h.server.put('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'openshift-config' } });
  h.server.put('images', {
    apiVersion: 'config.openshift.io/v1',
    kind: 'Image',
    metadata: { name: 'cluster' },
    spec: { registrySources: { insecureRegistries: ['legacy.example.com'] } },
  });
});
afterEach(() => h.close());

test('creates IDMS, ITMS, CA ConfigMap and merges image.config; a second run changes nothing new', async () => {
  const r = await applyOpenShift(h.kube, spec(HTTP_ENTRY), { 'ca.pem': CA }, false);
  expect(r.exitCode, JSON.stringify(r.diagnostics)).toBe(0);
  expect(r.steps.map((s) => `${s.outcome} ${s.kind}/${s.name}`)).toEqual([
    'created ImageDigestMirrorSet/mirrorctl-ocp',
    'created ImageTagMirrorSet/mirrorctl-ocp',
    'created ConfigMap/mirrorctl-ocp-ca',
    'patched Image/cluster',
  ]);
  const idms = h.server.get('imagedigestmirrorsets', undefined, 'mirrorctl-ocp');
  expect(idms?.spec).toEqual({
    imageDigestMirrors: [
      {
        source: 'registry.redhat.io',
        mirrors: ['mirror.corp.example.com/rh'],
        mirrorSourcePolicy: 'NeverContactSource',
      },
      { source: 'quay.io', mirrors: ['10.0.0.5:5000'] },
    ],
  });
  expect(h.server.get('imagetagmirrorsets', undefined, 'mirrorctl-ocp')?.spec).toEqual({
    imageTagMirrors: [
      {
        source: 'registry.redhat.io',
        mirrors: ['mirror.corp.example.com/rh'],
        mirrorSourcePolicy: 'NeverContactSource',
      },
    ],
  });
  expect(h.server.get('configmaps', 'openshift-config', 'mirrorctl-ocp-ca')?.data).toEqual({
    'mirror.corp.example.com': CA,
  });
  expect(h.server.get('images', undefined, 'cluster')?.spec).toEqual({
    registrySources: { insecureRegistries: ['legacy.example.com', '10.0.0.5:5000'] },
    additionalTrustedCA: { name: 'mirrorctl-ocp-ca' },
  });
  const again = await applyOpenShift(h.kube, spec(HTTP_ENTRY), { 'ca.pem': CA }, false);
  expect(again.steps.map((s) => s.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'patched']);
  expect(
    (
      h.server.get('images', undefined, 'cluster')!.spec as {
        registrySources: { insecureRegistries: string[] };
      }
    ).registrySources.insecureRegistries,
  ).toEqual(['legacy.example.com', '10.0.0.5:5000']);
});

test('dry run writes nothing', async () => {
  const r = await applyOpenShift(h.kube, spec(), { 'ca.pem': CA }, true);
  expect(r.steps.every((s) => s.outcome === 'would apply')).toBe(true);
  expect(h.server.list('imagedigestmirrorsets')).toEqual([]);
});

test("an admin's trusted-CA ConfigMap is extended, not replaced", async () => {
  h.server.put('images', {
    apiVersion: 'config.openshift.io/v1',
    kind: 'Image',
    metadata: { name: 'cluster' },
    spec: { additionalTrustedCA: { name: 'corp-cas' } },
  });
  h.server.put('configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'corp-cas', namespace: 'openshift-config' },
    data: { 'registry.corp': 'PEM' },
  });
  const r = await applyOpenShift(h.kube, spec(), { 'ca.pem': CA }, false);
  expect(r.exitCode).toBe(0);
  expect(h.server.get('configmaps', 'openshift-config', 'corp-cas')?.data).toEqual({
    'registry.corp': 'PEM',
    'mirror.corp.example.com': CA,
  });
  expect(h.server.get('images', undefined, 'cluster')?.spec).toEqual({
    additionalTrustedCA: { name: 'corp-cas' },
  });
  expect(h.server.get('configmaps', 'openshift-config', 'mirrorctl-ocp-ca')).toBeUndefined();
});

test('a set the spec no longer needs is deleted; a non-OpenShift cluster is refused', async () => {
  await applyOpenShift(h.kube, spec(HTTP_ENTRY), { 'ca.pem': CA }, false);
  const digestOnly = validateSpec(
    `apiVersion: mirrorctl/v1\nkind: MirrorSet\nmetadata: { name: ocp }\nspec:\n  registries:\n${HTTP_ENTRY}`,
    'm.yaml',
  ).spec!;
  const r = await applyOpenShift(h.kube, digestOnly, {}, false);
  expect(r.steps.map((s) => `${s.outcome} ${s.kind}`)).toContain('deleted ImageTagMirrorSet');
  expect(r.steps.map((s) => `${s.outcome} ${s.kind}`)).toContain('deleted ConfigMap');
  h.server.remove('images', undefined, 'cluster');
  const refused = await applyOpenShift(h.kube, digestOnly, {}, false);
  expect(refused.exitCode).toBe(3);
  expect(refused.diagnostics.map((d) => d.code)).toContain('openshift.image-config.missing');
});

test('isOpenShiftCluster: every node RHCOS', () => {
  const node = (osImage: string, runtime = 'cri-o://1.29.1-5.rhaos4.16'): V1Node => ({
    status: { nodeInfo: { osImage, containerRuntimeVersion: runtime } } as V1Node['status'],
  });
  expect(isOpenShiftCluster([node('Red Hat Enterprise Linux CoreOS 416.94')])).toBe(true);
  expect(
    isOpenShiftCluster([
      node('Red Hat Enterprise Linux CoreOS 416.94'),
      node('Ubuntu 22.04.4 LTS', 'cri-o://1.29.1'),
    ]),
  ).toBe(false);
  expect(isOpenShiftCluster([])).toBe(false);
});
