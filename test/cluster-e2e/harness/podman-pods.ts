// Runs mirrorctl's generated pods as REAL containers with `podman kube play` (Debian's podman 4.3,
// runc): the image built by scripts/build-image.sh into a private store (podman import, no network),
// a containers.conf this sandbox can run (ulimits at or below the hard limits, runc; see
// ../shared/reference/verified-on-debian12.md), and the pod template turned into Pod YAML with only
// the changes a kubelet or this machine forces (playablePod says each one and why).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Container, V1EnvVar, V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { type ExecResult, run, runOk } from '../../e2e/harness/exec.js';

export const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

export class Podman {
  readonly global: string[];
  readonly env: Record<string, string>;

  constructor(readonly dir: string) {
    for (const d of ['root', 'runroot', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
    // runc (crun refuses this hybrid cgroup setup) and rlimits below the sandbox's hard limits: without
    // CAP_SYS_RESOURCE, runc cannot set podman's default nofile/nproc (verified-on-debian12.md).
    const conf = join(dir, 'containers.conf');
    writeFileSync(
      conf,
      '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]\n[engine]\nruntime = "runc"\n',
    );
    this.env = { CONTAINERS_CONF: conf };
    this.global = [
      '--root',
      join(dir, 'root'),
      '--runroot',
      join(dir, 'runroot'),
      '--tmpdir',
      join(dir, 'tmp'),
      '--storage-driver',
      'vfs',
      '--cgroup-manager',
      'cgroupfs',
      '--events-backend',
      'none',
    ];
  }

  run(args: readonly string[], timeoutMs = 120_000): Promise<ExecResult> {
    return run(['podman', ...this.global, ...args], { env: this.env, timeoutMs });
  }

  ok(args: readonly string[], timeoutMs = 120_000): Promise<ExecResult> {
    return runOk(['podman', ...this.global, ...args], { env: this.env, timeoutMs });
  }

  /** scripts/build-image.sh into this store; returns the image reference it printed. */
  async buildImage(repo: string): Promise<string> {
    const r = await runOk([join(repo, 'scripts/build-image.sh')], {
      env: { PODMAN: ['podman', ...this.global].join(' '), ...this.env },
      timeoutMs: 300_000,
    });
    const ref = /^image:\s+(\S+)$/m.exec(r.stdout)?.[1];
    if (!ref) throw new Error(`build-image.sh printed no image:\n${r.stdout}\n${r.stderr}`);
    return ref;
  }

  /** `podman kube play` of the Pod (and ConfigMaps for its configMap volumes). */
  async play(pod: PlayablePod, configMaps: object[]): Promise<void> {
    const dir = join(this.dir, 'kube', pod.metadata.name);
    mkdirSync(dir, { recursive: true });
    const podFile = join(dir, 'pod.yaml');
    writeFileSync(podFile, stringify(pod));
    const args = ['kube', 'play'];
    configMaps.forEach((cm, i) => {
      const f = join(dir, `configmap-${i}.yaml`);
      writeFileSync(f, stringify(cm));
      args.push('--configmap', f);
    });
    await this.ok([...args, podFile]);
  }

  /** The container's state as podman reports it (`running`, `exited` …) and its exit code. */
  async state(container: string): Promise<{ status: string; exitCode: number }> {
    const r = await this.ok(['inspect', container, '--format', '{{.State.Status}} {{.State.ExitCode}}']);
    const [status = '', code = '0'] = r.stdout.trim().split(' ');
    return { status, exitCode: Number(code) };
  }

  async logs(container: string): Promise<string> {
    const r = await this.run(['logs', container]);
    return `${r.stdout}${r.stderr}`;
  }

  async down(pod: string): Promise<void> {
    await this.run(['pod', 'rm', '--force', '--time', '5', pod]);
  }
}

export interface PlayablePod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; labels?: Record<string, string> };
  spec: V1PodSpec;
}

export interface PlayOptions {
  name: string;
  node: string;
  namespace: string;
  /** The API server stand-in on this network namespace's loopback. */
  apiPort: number;
  /** Name of the ConfigMap standing in for the projected service-account volume. */
  serviceAccountConfigMap: string;
  /** Extra hostPath files or dirs the test adds (the node's service manager stand-in). */
  extraHostMounts?: Array<{ name: string; hostPath: string; mountPath: string; type: 'File' | 'Directory' }>;
}

/**
 * The pod template of a generated DaemonSet or Job as a Pod podman 4.3 can play, changed only where
 * a kubelet, or this machine, forces it — everything under test (command, args, securityContext,
 * hostPath volumes and their types, emptyDir, resources) is kept as generated:
 * - `hostNetwork: true`: the API server stand-in listens on the test's loopback (the test runs in its
 *   own network namespace with only `lo`), and a pod network would need CNI and a route to it. What
 *   is proven here is file access, capabilities and the identity — none of it depends on the network.
 * - no `ports`: a containerPort is informational in Kubernetes (the agent's metrics port is reached on
 *   the pod IP), but podman 4.3 turns it into a port mapping, which it refuses with host networking.
 * - the downward-API env (`spec.nodeName`, `metadata.*`) resolved to values, as the kubelet does:
 *   podman 4.3 refuses `fieldPath: spec.nodeName`.
 * - the service-account token and CA that the kubelet would project into the pod come from a
 *   ConfigMap volume at the same path (podman 4.3 plays no projected volumes), and
 *   KUBERNETES_SERVICE_HOST/PORT, which the kubelet sets in every container, point at the stand-in.
 */
export function playablePod(template: V1PodTemplateSpec, o: PlayOptions): PlayablePod {
  const spec = structuredClone(template.spec) as V1PodSpec;
  const values: Record<string, string> = {
    'spec.nodeName': o.node,
    'metadata.name': o.name,
    'metadata.namespace': o.namespace,
  };
  const resolveEnv = (e: V1EnvVar): V1EnvVar => {
    const path = e.valueFrom?.fieldRef?.fieldPath;
    if (path === undefined) return e;
    const value = values[path];
    if (value === undefined) throw new Error(`no value for the downward API field ${path}`);
    return { name: e.name, value };
  };
  const extra = o.extraHostMounts ?? [];
  const containers: V1Container[] = spec.containers.map(({ ports: _informational, ...c }) => ({
    ...c,
    env: [
      ...(c.env ?? []).map(resolveEnv),
      { name: 'KUBERNETES_SERVICE_HOST', value: '127.0.0.1' },
      { name: 'KUBERNETES_SERVICE_PORT', value: String(o.apiPort) },
    ],
    volumeMounts: [
      ...(c.volumeMounts ?? []),
      { name: 'kube-api-access', mountPath: SA_MOUNT, readOnly: true },
      ...extra.map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: m.type === 'File' })),
    ],
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name, ...(template.metadata?.labels ? { labels: template.metadata.labels } : {}) },
    spec: {
      ...spec,
      nodeName: o.node,
      hostNetwork: true,
      containers,
      volumes: [
        ...(spec.volumes ?? []),
        { name: 'kube-api-access', configMap: { name: o.serviceAccountConfigMap } },
        ...extra.map((m) => ({ name: m.name, hostPath: { path: m.hostPath, type: m.type } })),
      ],
    },
  };
}
