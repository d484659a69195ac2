// The pre-controller rollout's manifests (legacy-manifests.ts, used by `rollout` until the CLI is a
// client of the controller, issue 16): golden files, Kubernetes schema validation (kubernetes-models,
// generated from the Kubernetes OpenAPI spec), and the least-privilege properties of the agent pod.
import type { KubernetesObject, V1DaemonSet } from '@kubernetes/client-node';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildManifests, type ManifestOptions } from '../../src/cluster/legacy-manifests.js';
import { isDns1123Label, isDns1123Subdomain } from '../../src/cluster/names.js';
import { nodeRequirements, parseSelector } from '../../src/cluster/selector.js';

const base: ManifestOptions = {
  namespace: 'mirrorctl',
  image: 'node:20-alpine',
  specText: 'apiVersion: mirrorctl/v1\nkind: MirrorSet\n',
  control: { revision: 'abc', mode: 'apply', allow: '*', restart: [] },
  history: [
    { revision: 'abc', spec: 'apiVersion: mirrorctl/v1\nkind: MirrorSet\n', at: '2026-01-01T00:00:00.000Z' },
  ],
  bundle: 'console.log("agent")\n',
  requirements: nodeRequirements(parseSelector('pool in (a,b),!spot').requirements, false),
  gateNewNodes: false,
};

const VALIDATORS: Record<string, (o: KubernetesObject) => void> = {
  Namespace: (o) => new Namespace(o as never).validate(),
  ConfigMap: (o) => new ConfigMap(o as never).validate(),
  Secret: (o) => new Secret(o as never).validate(),
  ServiceAccount: (o) => new ServiceAccount(o as never).validate(),
  DaemonSet: (o) => new DaemonSet(o as never).validate(),
  ClusterRole: (o) => new ClusterRole(o as never).validate(),
  ClusterRoleBinding: (o) => new ClusterRoleBinding(o as never).validate(),
};

const cases: Array<{ name: string; opts: ManifestOptions }> = [
  { name: 'default', opts: base },
  {
    name: 'gate-new-nodes',
    opts: {
      ...base,
      gateNewNodes: true,
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
    },
  },
  {
    name: 'include-control-plane-tls',
    opts: {
      ...base,
      requirements: [],
      tls: {
        configMapData: {
          'tls-0123456789.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        },
        secretData: {
          'key-0123456789.pem': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
        },
      },
    },
  },
];

const daemonSet = (objs: KubernetesObject[]): V1DaemonSet =>
  objs.find((o) => o.kind === 'DaemonSet') as V1DaemonSet;

describe('manifests', () => {
  it.each(cases)('$name: matches the golden file', async ({ name, opts }) => {
    const docs = buildManifests(opts)
      .map((o) => stringify(o))
      .join('---\n');
    await expect(docs).toMatchFileSnapshot(`golden/manifests-${name}.golden.yaml`);
  });

  it.each(cases)(
    '$name: every object validates against the Kubernetes schema, names are DNS-1123',
    ({ opts }) => {
      for (const o of buildManifests(opts)) {
        const validate = VALIDATORS[o.kind ?? ''];
        expect(validate, `validator for ${o.kind}`).toBeDefined();
        expect(() => validate?.(o)).not.toThrow();
        expect(isDns1123Subdomain(o.metadata?.name ?? '')).toBe(true);
      }
      const ds = daemonSet(buildManifests(opts));
      for (const v of ds.spec?.template.spec?.volumes ?? []) expect(isDns1123Label(v.name)).toBe(true);
    },
  );

  it('schema validation is effective (a wrong type is rejected)', () => {
    const ds = daemonSet(buildManifests(base));
    const broken = structuredClone(ds) as unknown as {
      spec: { template: { spec: { containers: Array<{ image: unknown }> } } };
    };
    const c = broken.spec.template.spec.containers[0];
    if (c) c.image = 42;
    expect(() => new DaemonSet(broken as never).validate()).toThrow(/image/);
  });

  it('least privilege: no token, read-only root fs, only the needed hostPaths, no host network', () => {
    const pod = daemonSet(buildManifests(base)).spec?.template.spec;
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.serviceAccountName).toBeUndefined();
    expect(pod?.hostNetwork).toBe(false);
    expect(pod?.hostIPC).toBeUndefined();
    expect(pod?.hostPID).toBe(true);
    const c = pod?.containers[0];
    expect(c?.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(c?.resources?.limits).toEqual({ cpu: '500m', memory: '256Mi' });
    // Host paths: /etc and /run always exist, so kubelet creates nothing on the node; only
    // mirrorctl's own state dir may be created, and only on nodes it configures.
    const hostPaths = Object.fromEntries(
      (pod?.volumes ?? []).flatMap((v) => (v.hostPath ? [[v.hostPath.path, v.hostPath.type]] : [])),
    );
    expect(hostPaths).toEqual({
      '/etc': 'Directory',
      '/run': 'Directory',
      '/var/lib/mirrorctl': 'DirectoryOrCreate',
    });
    const mounts = Object.fromEntries((c?.volumeMounts ?? []).map((m) => [m.mountPath, m.readOnly === true]));
    // /run read-only (sockets only: connect() works through a read-only mount), under both names.
    expect(mounts).toMatchObject({
      '/host/etc': false,
      '/host/run': true,
      '/host/var/run': true,
      '/host/var/lib/mirrorctl': false,
      '/config': true,
      '/secrets/tls': true,
    });
    // dockerd's health check dials <root>/var/run/docker.sock (src/cli/runtime-wiring.ts).
    expect(Object.keys(mounts)).toContain('/host/var/run');
    // Private keys: a Secret volume, optional (exists only when the spec names a key), mode 0400.
    const keys = (pod?.volumes ?? []).find((v) => v.secret)?.secret;
    expect(keys).toEqual({ secretName: 'mirrorctl-tls', optional: true, defaultMode: 0o400 });
    expect(c?.readinessProbe?.exec?.command?.[0]).toBe('node');
    // The control plane is excluded unless --include-control-plane.
    const exprs =
      pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]
        ?.matchExpressions;
    expect(exprs).toContainEqual({ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' });
  });

  it('TLS: certificates in the spec ConfigMap, private keys only in the Secret', () => {
    const objs = buildManifests(cases[2]?.opts ?? base);
    const cm = objs.find(
      (o) => o.kind === 'ConfigMap' && o.metadata?.name === 'mirrorctl-spec',
    ) as KubernetesObject & {
      data: Record<string, string>;
    };
    expect(Object.keys(cm.data).sort()).toEqual([
      'control.json',
      'history.json',
      'mirrors.yaml',
      'tls-0123456789.pem',
    ]);
    expect(JSON.stringify(objs.filter((o) => o.kind === 'ConfigMap'))).not.toContain('PRIVATE KEY');
    const secret = objs.find((o) => o.kind === 'Secret') as KubernetesObject & {
      data: Record<string, string>;
    };
    expect(Buffer.from(secret.data['key-0123456789.pem'] ?? '', 'base64').toString()).toContain(
      'PRIVATE KEY',
    );
    expect(buildManifests(base).some((o) => o.kind === 'Secret')).toBe(false);
  });

  it('RBAC exists only with --gate-new-nodes, and is the minimum (get+patch nodes)', () => {
    const without = buildManifests(base).map((o) => o.kind);
    expect(without).not.toContain('ClusterRole');
    expect(without).not.toContain('ClusterRoleBinding');
    expect(without).not.toContain('ServiceAccount');
    const withGate = buildManifests({ ...base, gateNewNodes: true });
    const role = withGate.find((o) => o.kind === 'ClusterRole') as KubernetesObject & { rules: unknown };
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] }]);
    const pod = daemonSet(withGate).spec?.template.spec;
    expect(pod?.automountServiceAccountToken).toBe(true);
    expect(pod?.serviceAccountName).toBe('mirrorctl-agent');
    expect(pod?.containers[0]?.args).toContain('--gate-taint');
  });
});
