// Least privilege, for EVERY combination of options (fast-check), against the grants deploy/README.md
// documents. Cluster mode (deploy/ and `install`): the agents are unprivileged and mount only their
// profile's paths, the apply Job is the one privileged pod, RBAC is exactly the README's table
// (cluster-wide, in mirrorctl, and the Events grant in default).
// (test/cluster/manifests.test.ts checks the cluster-mode objects one by one; this generalises.)
import { readFileSync } from 'node:fs';
import type { KubernetesObject, V1DaemonSet, V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { buildInstallManifests } from '../../src/cluster/manifests.js';
import { buildApplyJob } from '../../src/cluster/manifests-agent.js';
import { PROFILE_NAMES } from '../../src/cluster/mount-profiles.js';

const DEPLOY = new URL('../../deploy/', import.meta.url).pathname;

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

// ── cluster mode ──────────────────────────────────────────────────────────────────────────────────

const README = readFileSync(`${DEPLOY}README.md`, 'utf8');

/** deploy/README.md's host-mount table: profile → hostPath → [type, writable]. */
function documentedMounts(): Record<string, Record<string, [string, boolean]>> {
  const out: Record<string, Record<string, [string, boolean]>> = {};
  for (const m of README.matchAll(
    /^\| (\w+) \| hostPath `([^`]+)` \(`([A-Za-z]+)`\) (read-only|read-write) /gm,
  )) {
    out[m[1]!] ??= {};
    out[m[1]!]![m[2]!] = [m[3]!, m[4] === 'read-write'];
  }
  return out;
}

/** deploy/README.md's RBAC table as `subject|scope|group|resource|names|verbs` lines. */
function documentedRbac(): string[] {
  const rows = README.matchAll(
    /^\| ((?:`[\w-]+`(?:, )?)+) \| (cluster|mirrorctl|default) \| `([^`]+)` \(([\w.]+)\)(?: \(only ([^)]+)\))? \| ([\w, ]+) \|/gm,
  );
  return [...rows].flatMap((m) =>
    m[1]!
      .split(', ')
      .flatMap((sa) =>
        m[3]!
          .split(', ')
          .map((res) =>
            [
              sa.replace(/`/g, ''),
              m[2],
              m[4] === 'core' ? '' : m[4],
              res,
              (m[5] ?? '').replace(/`/g, ''),
              m[6],
            ].join('|'),
          ),
      ),
  );
}

/** The same lines from the RBAC objects. */
function grantedRbac(objs: readonly KubernetesObject[]): string[] {
  type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
  type Binding = KubernetesObject & {
    roleRef: { kind: string; name: string };
    subjects: Array<{ name: string }>;
  };
  const bindings = objs.filter(
    (o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding',
  ) as Binding[];
  return bindings.flatMap((b) => {
    const role = objs.find((o) => o.kind === b.roleRef.kind && o.metadata?.name === b.roleRef.name) as
      | (KubernetesObject & { rules: Rule[] })
      | undefined;
    const scope = b.kind === 'ClusterRoleBinding' ? 'cluster' : (b.metadata?.namespace ?? '?');
    return b.subjects.flatMap((s) =>
      (role?.rules ?? []).flatMap((r) =>
        r.resources.map((res) =>
          [s.name, scope, r.apiGroups[0], res, (r.resourceNames ?? []).join(', '), r.verbs.join(', ')].join(
            '|',
          ),
        ),
      ),
    );
  });
}

function mountGrants(pod: V1PodSpec): Record<string, [string, boolean]> {
  return hostPathGrants(pod);
}

/** What no cluster-mode agent pod may have; the Job differs only in privileged/hostPID. */
function agentPodProblems(pod: V1PodSpec, profile: string, job: boolean): string[] {
  const out: string[] = [];
  if (pod.hostNetwork !== false) out.push('hostNetwork');
  if (pod.hostIPC) out.push('hostIPC');
  if (pod.hostPID !== job) out.push(`hostPID=${pod.hostPID}`);
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    if ((sc.privileged === true) !== job) out.push(`${c.name}: privileged=${sc.privileged}`);
    if (sc.readOnlyRootFilesystem !== true) out.push(`${c.name}: root fs writable`);
    if (!job) {
      if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: privilege escalation`);
      if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]' || sc.capabilities?.add)
        out.push(`${c.name}: capabilities`);
      if (sc.seccompProfile?.type !== 'RuntimeDefault') out.push(`${c.name}: seccomp`);
    }
    if (!c.resources?.limits?.cpu || !c.resources.limits.memory) out.push(`${c.name}: no limits`);
    if ((c.envFrom ?? []).length > 0 || (c.env ?? []).some((e) => e.valueFrom?.secretKeyRef))
      out.push(`${c.name}: secret in env`);
  }
  const sorted = (r: Record<string, [string, boolean]>): string => JSON.stringify(Object.entries(r).sort());
  const documented = documentedMounts()[profile] ?? {};
  if (sorted(mountGrants(pod)) !== sorted(documented))
    out.push(`${profile} hostPaths ${sorted(mountGrants(pod))} ≠ documented ${sorted(documented)}`);
  return out;
}

function clusterProblems(objs: readonly KubernetesObject[]): string[] {
  const out: string[] = [];
  for (const ds of objs.filter((o) => o.kind === 'DaemonSet') as V1DaemonSet[]) {
    const profile = ds.metadata?.name?.replace('mirrorctl-agent-', '') ?? '';
    out.push(...agentPodProblems(ds.spec!.template.spec!, profile, false));
  }
  const controller = (objs.find((o) => o.kind === 'Deployment') as V1Deployment).spec!.template.spec!;
  if (controller.securityContext?.runAsNonRoot !== true) out.push('controller runs as root');
  if ((controller.volumes ?? []).some((v) => v.hostPath)) out.push('controller has a hostPath');
  if (controller.hostPID || controller.hostNetwork) out.push('controller shares host namespaces');
  if (JSON.stringify(controller.containers[0]?.securityContext?.capabilities?.drop) !== '["ALL"]')
    out.push('controller capabilities');
  const documented = documentedRbac().sort();
  const granted = grantedRbac(objs).sort();
  if (JSON.stringify(granted) !== JSON.stringify(documented))
    out.push(`RBAC ${JSON.stringify(granted)} ≠ documented ${JSON.stringify(documented)}`);
  return out;
}

const installOptions = fc.record({
  image: fc.constantFrom(
    'ghcr.io/mirrorctl/mirrorctl:0.1.0',
    `registry.internal:5000/m@sha256:${'a'.repeat(64)}`,
  ),
  node: fc.domain().map((d) => d.toLowerCase()),
  profile: fc.constantFrom(...PROFILE_NAMES),
  revision: fc.stringMatching(/^[0-9a-f]{12}$/),
  restartTimeoutSeconds: fc.integer({ min: 1, max: 3600 }),
});

describe('cluster mode: least privilege over every install and apply-Job option', () => {
  test('agents unprivileged with the documented mounts, the Job the only privileged pod, RBAC = the documented table (200 runs)', () => {
    fc.assert(
      fc.property(installOptions, (o) => {
        const objs = buildInstallManifests({ image: o.image });
        const job = buildApplyJob({ ...o, mirrorSet: 'a' });
        const problems = [
          ...clusterProblems(objs),
          ...agentPodProblems(job.spec!.template.spec!, o.profile, true),
        ];
        if (job.spec?.template.spec?.nodeName !== o.node) problems.push('Job not pinned to its node');
        if (problems.length > 0) throw new Error(`${JSON.stringify(o)}: ${problems.join('; ')}`);
      }),
      { numRuns: 200 },
    );
  });

  test('the kustomize base in deploy/ (as committed) passes the same checks, and the tables are not empty', () => {
    const kustomization = parse(readFileSync(`${DEPLOY}kustomization.yaml`, 'utf8')) as {
      resources: string[];
    };
    const objs = kustomization.resources.flatMap((file) =>
      readFileSync(`${DEPLOY}${file}`, 'utf8')
        .split(/^---$/m)
        .map((d) => parse(d) as KubernetesObject | null)
        .filter((d): d is KubernetesObject => d !== null),
    );
    expect(clusterProblems(objs)).toEqual([]);
    expect(Object.keys(documentedMounts()).sort()).toEqual([...PROFILE_NAMES].sort());
    expect(documentedRbac().length).toBeGreaterThanOrEqual(20);
  });
});
