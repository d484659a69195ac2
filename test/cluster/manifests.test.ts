// The cluster-mode manifests (src/cluster/manifests*.ts): every object validates against the
// Kubernetes OpenAPI schemas (kubernetes-models), the agent is unprivileged and mounts only its
// profile's paths, the apply Job is the one privileged pod, RBAC is exactly the design's, and
// deploy/README.md's tables are generated from the same data as the objects.
import { readFileSync } from 'node:fs';
import type { KubernetesObject, V1DaemonSet, V1Deployment } from '@kubernetes/client-node';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { describe, expect, it } from 'vitest';
import { applyJobName, controllerRevisionName, isDns1123Subdomain } from '../../src/cluster/api/meta.js';
import { IMAGE_REPOSITORY, imageRef } from '../../src/cluster/api/pod-contract.js';
import { buildInstallManifests } from '../../src/cluster/manifests.js';
import { buildApplyJob } from '../../src/cluster/manifests-agent.js';
import { buildNodeScopedPolicy } from '../../src/cluster/manifests-policy.js';
import { IDENTITIES, rbacTable } from '../../src/cluster/manifests-rbac.js';
import { MOUNT_PROFILES, mountTable } from '../../src/cluster/mount-profiles.js';
import { VALIDATORS } from './k8s-validators.js';

const IMAGE = imageRef('1.2.3');
const objs = buildInstallManifests({ image: IMAGE });

const job = buildApplyJob({
  node: 'worker-1',
  mirrorSet: 'dpod',
  revision: '0123456789ab',
  profile: 'containerd',
  image: IMAGE,
  restartTimeoutSeconds: 300,
});
const daemonSets = objs.filter((o) => o.kind === 'DaemonSet') as V1DaemonSet[];

describe('every object validates against the Kubernetes schemas', () => {
  it.each(
    [...objs, job, ...buildNodeScopedPolicy()].map((o) => [`${o.kind}/${o.metadata?.name}`, o] as const),
  )('%s', (_n, o) => {
    const validate = VALIDATORS[o.kind ?? ''];
    expect(validate, `validator for ${o.kind}`).toBeDefined();
    expect(() => validate?.(o)).not.toThrow();
    expect(isDns1123Subdomain(o.metadata?.name ?? '')).toBe(true);
  });

  it('validation is effective: a wrong type is rejected', () => {
    const broken = structuredClone(daemonSets[0]) as unknown as {
      spec: { template: { spec: { containers: Array<{ image: unknown }> } } };
    };
    const c = broken.spec.template.spec.containers[0];
    if (c) c.image = 42;
    expect(() => new DaemonSet(broken as never).validate()).toThrow(/image/);
  });
});

describe('the image', () => {
  it('one image everywhere, tagged with the version (never latest), overridable', () => {
    const images = [...objs, job].flatMap((o) => JSON.stringify(o).match(/"image":"[^"]+"/g) ?? []);
    expect(images.length).toBe(6); // controller, four agents, the Job
    expect(new Set(images)).toEqual(new Set([`"image":"${IMAGE_REPOSITORY}:1.2.3"`]));
    const mirror = 'registry.internal:5000/mirrorctl@sha256:' + 'a'.repeat(64);
    const over = JSON.stringify(buildInstallManifests({ image: mirror }));
    expect(over).not.toContain(IMAGE_REPOSITORY);
    expect(over.match(/"image":"[^"]+"/g)?.every((i) => i.includes(mirror))).toBe(true);
  });
});

describe('agent DaemonSets: unprivileged, one per mount profile', () => {
  it('one per profile, selecting nodes by mirrorctl.io/target', () => {
    expect(daemonSets.map((d) => d.metadata?.name)).toEqual(
      MOUNT_PROFILES.map((p) => `mirrorctl-agent-${p.name}`),
    );
    for (const [i, ds] of daemonSets.entries()) {
      const term =
        ds.spec?.template.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
          ?.nodeSelectorTerms[0];
      expect(term?.matchExpressions).toContainEqual({
        key: 'mirrorctl.io/target',
        operator: 'In',
        values: MOUNT_PROFILES[i]?.targets,
      });
    }
    const selectors = daemonSets.map((d) => JSON.stringify(d.spec?.selector));
    expect(new Set(selectors).size).toBe(daemonSets.length);
  });

  it.each(daemonSets.map((d) => [d.metadata?.name, d] as const))(
    '%s: no privilege, only its mounts',
    (_n, ds) => {
      const pod = ds.spec?.template.spec;
      expect(pod?.hostPID).toBe(false);
      expect(pod?.hostIPC).toBe(false);
      expect(pod?.hostNetwork).toBe(false);
      expect(pod?.serviceAccountName).toBe('mirrorctl-agent');
      const c = pod?.containers[0];
      expect(c?.securityContext).toEqual({
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsUser: 0,
        runAsGroup: 0,
        runAsNonRoot: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c?.env).toContainEqual({
        name: 'NODE_NAME',
        valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
      });
      expect(c?.ports).toEqual([{ name: 'metrics', containerPort: 9477, protocol: 'TCP' }]);
      expect(c?.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(c?.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(c?.args).not.toContain('--allow-runtime-action');
      const hostPaths = (pod?.volumes ?? []).flatMap((v) =>
        v.hostPath ? [[v.hostPath.path, v.hostPath.type]] : [],
      );
      const profile = MOUNT_PROFILES.find((p) => ds.metadata?.name === `mirrorctl-agent-${p.name}`);
      expect(hostPaths).toEqual(profile?.mounts.map((m) => [m.hostPath, m.type]));
      // Only the runtime's config directory and mirrorctl's state directory are writable.
      const writable = (c?.volumeMounts ?? []).filter(
        (m) => m.readOnly !== true && m.mountPath.startsWith('/host'),
      );
      expect(writable.map((m) => m.mountPath)).toEqual([
        `/host${profile?.mounts[0]?.hostPath}`,
        '/host/var/lib/mirrorctl',
      ]);
      // Nothing is created on a node but mirrorctl's own directory.
      expect(hostPaths.filter(([, t]) => t === 'DirectoryOrCreate')).toEqual([
        ['/var/lib/mirrorctl', 'DirectoryOrCreate'],
      ]);
    },
  );
});

describe('the apply Job template: the only privileged pod', () => {
  it('pinned to its node, privileged + hostPID, same mounts as the agent, bounded in time', () => {
    const pod = job.spec?.template.spec;
    expect(job.metadata?.name).toBe('mirrorctl-apply-worker-1-0123456789ab');
    expect(pod?.nodeName).toBe('worker-1');
    expect(pod?.hostPID).toBe(true);
    expect(pod?.restartPolicy).toBe('Never');
    expect(pod?.serviceAccountName).toBe('mirrorctl-apply');
    expect(pod?.containers[0]?.securityContext?.privileged).toBe(true);
    expect(pod?.containers[0]?.args).toEqual([
      'agent',
      '--once',
      '--allow-runtime-action',
      '--root',
      '/host',
      '--revision',
      '0123456789ab',
    ]);
    expect(job.spec?.backoffLimit).toBe(0);
    expect(job.spec?.activeDeadlineSeconds).toBe(300);
    expect(job.spec?.ttlSecondsAfterFinished).toBe(600);
    const agent = daemonSets.find((d) => d.metadata?.name === 'mirrorctl-agent-containerd');
    expect(pod?.volumes).toEqual(agent?.spec?.template.spec?.volumes);
    expect(pod?.containers[0]?.volumeMounts).toEqual(agent?.spec?.template.spec?.containers[0]?.volumeMounts);
  });

  it('names fit the 63 characters a Job name may have, even for long node names, without collisions', () => {
    const long = `${'a'.repeat(60)}.example.internal`;
    const a = applyJobName(long, '0123456789ab');
    const b = applyJobName(`${'a'.repeat(60)}.example.other`, '0123456789ab');
    for (const n of [a, b, controllerRevisionName('x'.repeat(63), '0123456789ab')]) {
      expect(n.length).toBeLessThanOrEqual(63);
      expect(isDns1123Subdomain(n)).toBe(true);
    }
    expect(a).not.toBe(b);
    expect(a.endsWith('-0123456789ab')).toBe(true);
  });

  it('the only privileged or hostPID pod of all manifests is the Job', () => {
    const text = JSON.stringify(objs);
    expect(text).not.toContain('"privileged":true');
    expect(text).not.toContain('"hostPID":true');
  });
});

describe('controller Deployment', () => {
  const d = objs.find((o) => o.kind === 'Deployment') as V1Deployment;
  it('2 replicas, leader election env, probes, metrics on 8080, restricted security, no host mounts', () => {
    expect(d.spec?.replicas).toBe(2);
    const pod = d.spec?.template.spec;
    const c = pod?.containers[0];
    const env = Object.fromEntries(
      (c?.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom?.fieldRef?.fieldPath]),
    );
    expect(env).toMatchObject({
      POD_NAME: 'metadata.name',
      POD_NAMESPACE: 'metadata.namespace',
      MIRRORCTL_LEADER_ELECT: 'true',
      MIRRORCTL_LEASE_NAME: 'mirrorctl-controller',
    });
    expect(c?.ports).toEqual([{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }]);
    expect([c?.livenessProbe?.httpGet?.path, c?.readinessProbe?.httpGet?.path]).toEqual([
      '/healthz',
      '/readyz',
    ]);
    expect(pod?.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c?.resources?.limits).toBeDefined();
    expect((pod?.volumes ?? []).some((v) => v.hostPath)).toBe(false);
  });
});

describe('RBAC and namespace', () => {
  const rules = (kind: string, name: string) =>
    (
      objs.find((o) => o.kind === kind && o.metadata?.name === name) as KubernetesObject & {
        rules: unknown[];
      }
    ).rules;

  it('the agent may write MirrorNode status only; reads its revisions and Secrets by name in mirrorctl', () => {
    expect(rules('ClusterRole', 'mirrorctl-agent')).toEqual([
      { apiGroups: ['mirrorctl.io'], resources: ['mirrornodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['mirrorctl.io'], resources: ['mirrornodes/status'], verbs: ['get', 'update', 'patch'] },
    ]);
    expect(rules('Role', 'mirrorctl-agent')).toEqual([
      { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
    ]);
    const text = JSON.stringify(objs.filter((o) => o.metadata?.name === 'mirrorctl-agent'));
    for (const never of ['"nodes"', '"pods"', 'mirrorsets', '"*"']) expect(text).not.toContain(never);
  });

  it('the controller cannot read Secrets and holds only its own Lease', () => {
    const all = JSON.stringify([
      rules('ClusterRole', 'mirrorctl-controller'),
      rules('Role', 'mirrorctl-controller'),
    ]);
    expect(all).not.toContain('secrets');
    expect(all).not.toContain('"*"');
    expect(rules('Role', 'mirrorctl-controller')).toContainEqual({
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: ['mirrorctl-controller'],
      verbs: ['get', 'update'],
    });
  });

  it('bindings name the right service accounts in the namespace', () => {
    const b = objs.find(
      (o) => o.kind === 'ClusterRoleBinding' && o.metadata?.name === 'mirrorctl-agent',
    ) as KubernetesObject & { subjects: unknown[] };
    expect(b.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'mirrorctl-agent', namespace: 'mirrorctl' },
      { kind: 'ServiceAccount', name: 'mirrorctl-apply', namespace: 'mirrorctl' },
    ]);
    expect(
      IDENTITIES.flatMap((i) => [...i.cluster, ...i.namespaced, ...i.events]).every((g) => g.why.length > 10),
    ).toBe(true);
  });

  it('Events about the cluster-scoped MirrorSets/MirrorNodes: create (controller: and patch) in default only', () => {
    for (const [id, verbs] of [
      ['mirrorctl-controller', ['create', 'patch']],
      ['mirrorctl-agent', ['create']],
    ] as const) {
      const role = objs.find(
        (o) => o.kind === 'Role' && o.metadata?.name === `${id}-events`,
      ) as KubernetesObject & { rules: unknown[] };
      expect(role.metadata?.namespace).toBe('default');
      expect(role.rules).toEqual([{ apiGroups: ['events.k8s.io'], resources: ['events'], verbs }]);
      const binding = objs.find(
        (o) => o.kind === 'RoleBinding' && o.metadata?.name === `${id}-events`,
      ) as KubernetesObject & { roleRef: unknown };
      expect(binding.metadata?.namespace).toBe('default');
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: `${id}-events`,
      });
      // No Events grant in mirrorctl: they would be refused there anyway (422).
      expect(JSON.stringify(rules('Role', id))).not.toContain('events');
    }
  });

  it('namespace: managed-by mirrorctl, enforce privileged, warn/audit restricted', () => {
    const ns = objs[0];
    expect(ns?.kind).toBe('Namespace');
    expect(ns?.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'mirrorctl',
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    for (const o of objs)
      expect(o.metadata?.labels?.['app.kubernetes.io/managed-by'], `${o.kind}`).toBe('mirrorctl');
  });
});

describe('node-scoped admission policy', () => {
  it('matches the two node identities and compares the token node name with the object name', () => {
    const [policy, binding] = buildNodeScopedPolicy();
    const text = JSON.stringify(policy);
    expect(text).toContain(
      "request.userInfo.username in ['system:serviceaccount:mirrorctl:mirrorctl-agent', 'system:serviceaccount:mirrorctl:mirrorctl-apply']",
    );
    expect(text).toContain("request.userInfo.extra['authentication.kubernetes.io/node-name']");
    expect(text).toContain('n == request.name');
    expect(text).toContain('mirrornodes/status');
    expect(binding?.spec).toEqual({ policyName: 'mirrorctl-node-scoped-agent', validationActions: ['Deny'] });
  });
});

describe('deploy/README.md', () => {
  const readme = readFileSync(new URL('../../deploy/README.md', import.meta.url), 'utf8');
  it('holds the host-mount and RBAC tables generated from the same data as the objects', () => {
    expect(readme).toContain(mountTable());
    expect(readme).toContain(rbacTable());
  });
});
