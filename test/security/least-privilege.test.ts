// Least privilege of the agent pod, for EVERY combination of rollout options (fast-check), for the
// kustomize base in deploy/, and against the grants deploy/README.md documents: the pod may never
// gain a token, host network, a writable root fs, another hostPath or RBAC beyond get/patch nodes.
// (test/cluster/manifests.test.ts checks the default and gate cases one by one; this generalises.)
import { readFileSync } from 'node:fs';
import type { KubernetesObject, V1DaemonSet, V1PodSpec } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { buildManifests, type ManifestOptions, redactSecrets } from '../../src/cluster/manifests.js';
import { nodeRequirements, parseSelector } from '../../src/cluster/selector.js';

const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEsecretkeybytes\n-----END PRIVATE KEY-----\n';
const DEPLOY = new URL('../../deploy/', import.meta.url).pathname;

const options = fc.record({
  gateNewNodes: fc.boolean(),
  tolerations: fc.boolean(),
  tls: fc.boolean(),
  controlPlane: fc.boolean(),
  selector: fc.constantFrom('', 'pool in (a,b)', '!spot', 'pool=a,zone!=b'),
});

function manifests(o: {
  gateNewNodes: boolean;
  tolerations: boolean;
  tls: boolean;
  controlPlane: boolean;
  selector: string;
}): KubernetesObject[] {
  const opts: ManifestOptions = {
    namespace: 'mirrorctl',
    image: 'mirrorctl-agent:1',
    specText: 'apiVersion: mirrorctl/v1\nkind: MirrorSet\n',
    control: { revision: 'abc', mode: 'apply', allow: '*', restart: [] },
    history: [],
    bundle: 'console.log("agent")\n',
    requirements: nodeRequirements(parseSelector(o.selector).requirements, o.controlPlane),
    gateNewNodes: o.gateNewNodes,
    ...(o.tolerations ? { tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }] } : {}),
    ...(o.tls ? { tls: { configMapData: { 'tls-1.pem': 'CERT' }, secretData: { 'key-1.pem': KEY } } } : {}),
  };
  return buildManifests(opts);
}

/** The grants deploy/README.md's least-privilege table documents, as hostPath → [type, writable]. */
function documentedHostPaths(): Record<string, [string, boolean]> {
  const readme = readFileSync(`${DEPLOY}README.md`, 'utf8');
  const out: Record<string, [string, boolean]> = {};
  for (const m of readme.matchAll(/^\| hostPath `([^`]+)` \(`([A-Za-z]+)`\)( read-only| read-write)?/gm))
    out[m[1]!] = [m[2]!, m[3] !== ' read-only'];
  return out;
}

const podOf = (objs: readonly KubernetesObject[]): V1PodSpec =>
  (objs.find((o) => o.kind === 'DaemonSet') as V1DaemonSet).spec!.template.spec!;

/** hostPath → [type, mounted writable anywhere]. */
function hostPathGrants(pod: V1PodSpec): Record<string, [string, boolean]> {
  const out: Record<string, [string, boolean]> = {};
  const mounts = pod.containers.flatMap((c) => c.volumeMounts ?? []);
  for (const v of pod.volumes ?? []) {
    if (!v.hostPath) continue;
    const writable = mounts.some((m) => m.name === v.name && m.readOnly !== true);
    out[v.hostPath.path] = [v.hostPath.type ?? '', writable];
  }
  return out;
}

function podProblems(pod: V1PodSpec, gate: boolean): string[] {
  const out: string[] = [];
  if (pod.hostNetwork !== false) out.push('hostNetwork is not false');
  if (pod.hostIPC) out.push('hostIPC');
  if (pod.automountServiceAccountToken !== gate)
    out.push(`automountServiceAccountToken=${pod.automountServiceAccountToken}`);
  if ((pod.serviceAccountName !== undefined) !== gate)
    out.push(`serviceAccountName=${pod.serviceAccountName}`);
  for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
    if (c.securityContext?.readOnlyRootFilesystem !== true) out.push(`${c.name}: root fs writable`);
    if ((c.ports ?? []).length > 0) out.push(`${c.name}: exposes ports`);
    if (!c.resources?.limits?.cpu || !c.resources.limits.memory) out.push(`${c.name}: no limits`);
    if ((c.envFrom ?? []).length > 0) out.push(`${c.name}: envFrom (secrets in env)`);
    for (const e of c.env ?? [])
      if (e.valueFrom?.secretKeyRef) out.push(`${c.name}: secret in env ${e.name}`);
  }
  const documented = documentedHostPaths();
  const granted = hostPathGrants(pod);
  const sorted = (r: Record<string, [string, boolean]>): string => JSON.stringify(Object.entries(r).sort());
  if (sorted(granted) !== sorted(documented))
    out.push(`hostPaths ${sorted(granted)} ≠ documented ${sorted(documented)}`);
  return out;
}

function rbacProblems(objs: readonly KubernetesObject[], gate: boolean): string[] {
  const kinds = objs.map((o) => o.kind);
  const out: string[] = [];
  if (kinds.includes('Role') || kinds.includes('RoleBinding')) out.push('namespaced RBAC');
  const roles = objs.filter((o) => o.kind === 'ClusterRole') as (KubernetesObject & { rules: unknown })[];
  const bindings = objs.filter((o) => o.kind === 'ClusterRoleBinding');
  if (!gate && (roles.length > 0 || bindings.length > 0 || kinds.includes('ServiceAccount')))
    out.push('RBAC without --gate-new-nodes');
  if (gate) {
    if (roles.length !== 1 || bindings.length !== 1)
      out.push(`${roles.length} ClusterRoles, ${bindings.length} bindings`);
    const rules = JSON.stringify(roles[0]?.rules);
    if (rules !== JSON.stringify([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] }]))
      out.push(`rules ${rules}`);
  }
  return out;
}

describe('least privilege over every rollout option combination', () => {
  test('pod, hostPaths (= the documented table), RBAC, no key outside the Secret (500 runs)', () => {
    fc.assert(
      fc.property(options, (o) => {
        const objs = manifests(o);
        const problems = [...podProblems(podOf(objs), o.gateNewNodes), ...rbacProblems(objs, o.gateNewNodes)];
        const outsideSecret = JSON.stringify(objs.filter((x) => x.kind !== 'Secret'));
        if (outsideSecret.includes('secretkeybytes')) problems.push('private key outside the Secret');
        // What --dry-run / -o json print: Secret values redacted.
        if (JSON.stringify(redactSecrets(objs)).includes(Buffer.from(KEY).toString('base64')))
          problems.push('dry-run shows the key');
        if (problems.length > 0) throw new Error(`${JSON.stringify(o)}: ${problems.join('; ')}`);
      }),
      { numRuns: 500 },
    );
  });

  test('the documented table is what the test compares against (it is not empty)', () => {
    expect(Object.keys(documentedHostPaths()).sort()).toEqual(['/etc', '/run', '/var/lib/mirrorctl']);
    const readme = readFileSync(`${DEPLOY}README.md`, 'utf8');
    expect(readme).toContain('`automountServiceAccountToken: false`, no RBAC');
    expect(readme).toMatch(/`get` and `patch` on\s+`nodes`/);
  });
});

describe('the kustomize base in deploy/', () => {
  const docs = (file: string): KubernetesObject[] =>
    readFileSync(`${DEPLOY}${file}`, 'utf8')
      .split(/^---$/m)
      .map((d) => parse(d) as KubernetesObject | null)
      .filter((d): d is KubernetesObject => d !== null);
  const kustomization = parse(readFileSync(`${DEPLOY}kustomization.yaml`, 'utf8')) as { resources: string[] };
  const objs = kustomization.resources.flatMap(docs);

  test('no RBAC, no token, no host network, read-only root fs, documented hostPaths only', () => {
    expect(rbacProblems(objs, false)).toEqual([]);
    expect(podProblems(podOf(objs), false)).toEqual([]);
  });
});
