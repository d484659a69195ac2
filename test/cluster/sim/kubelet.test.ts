// The kubelet simulator with REAL processes (needs root: each node has its own namespaces): a pod's
// command runs as a child process with the in-cluster config of the real client library, the downward
// API, Secret env, hostPath mounts mapped onto the node's root dir and ConfigMap updates arriving only
// after the propagation delay; stopping the node kills it. A Directory hostPath the node lacks keeps the
// pod ContainerCreating (nothing created), a crashing container restarts with backoff, and a hostPID
// pod's `nsenter -t 1 … systemctl restart` reaches the node's service manager, not this machine.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Obj } from '../apiserver/types.js';
import { type SimClusterHandle, startCluster } from './cluster.js';
import { isLive } from './kubelet/process.js';
import { isPodReady } from './scheduling.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const CLIENT = join(import.meta.dirname, 'fixtures', 'in-cluster-client.mjs');
let c: SimClusterHandle;
afterEach(() => c.close());

const images = {
  'app:1': { entrypoint: ['/usr/bin/node', CLIENT], files: { [REPO]: REPO } },
  'shell:1': { entrypoint: ['/bin/sh', '-c'] },
};
const start = (options: Record<string, unknown> = {}) =>
  startCluster({
    nodes: [{ name: 'k1' }],
    kubelets: { images, options: { backoffBaseMs: 200, probeScale: 0.2, maxGraceMs: 2000, ...options } },
  });
const pod = (name: string, spec: Record<string, unknown>): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: 'k1', ...spec },
});
const status = (name: string) =>
  c.server.get('pods', 'default', name)?.status as
    | {
        phase?: string;
        containerStatuses?: Array<{
          restartCount: number;
          state: Record<string, { reason?: string; exitCode?: number }>;
          lastState: Record<string, { exitCode?: number }>;
        }>;
      }
    | undefined;

describe('kubelet (real processes)', () => {
  it('runs the pod command with in-cluster config, downward API, Secret env and node-mapped mounts; ConfigMaps update after the delay; node stop kills it', async () => {
    c = await start({ propagationDelayMs: 700 });
    const root = c.root('k1');
    mkdirSync(join(root, 'etc/demo'), { recursive: true });
    writeFileSync(join(root, 'etc/demo/file.txt'), 'on the node\n');
    c.server.api.create('secrets', {
      metadata: { name: 's', namespace: 'default' },
      stringData: { token: 'hunter2' },
    });
    c.server.api.create('configmaps', {
      metadata: { name: 'cfg', namespace: 'default' },
      data: { value: 'v1' },
    });
    c.server.api.create(
      'pods',
      pod('app', {
        containers: [
          {
            name: 'app',
            image: 'app:1',
            env: [
              { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'token' } } },
            ],
            readinessProbe: { httpGet: { path: '/', port: 8081 }, periodSeconds: 1 },
            securityContext: {
              capabilities: { drop: ['ALL'] },
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
            },
            volumeMounts: [
              { name: 'cfg', mountPath: '/config' },
              { name: 'etc', mountPath: '/host-etc', readOnly: true },
              { name: 'state', mountPath: '/host-state' },
            ],
          },
        ],
        volumes: [
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'etc', hostPath: { path: '/etc/demo', type: 'Directory' } },
          { name: 'state', hostPath: { path: '/var/lib/demo', type: 'DirectoryOrCreate' } },
        ],
      }),
    );
    await vi.waitFor(() => expect(isPodReady(c.server.get('pods', 'default', 'app') as Obj)).toBe(true), {
      timeout: 20_000,
      interval: 100,
    });
    const log = () => c.kubelets.get('k1')?.logs('default', 'app') ?? '';
    const first = JSON.parse(log().split('\n')[0] ?? '{}') as {
      server: string;
      node: string;
      nodeEnv: string;
      secret: string;
      hostFile: string;
      pid: number;
    };
    expect(first).toMatchObject({
      server: 'https://10.96.0.1:443',
      node: 'k1',
      nodeEnv: 'k1',
      secret: 'hunter2',
      hostFile: 'on the node',
      pid: 1,
    });
    expect(readFileSync(join(root, 'var/lib/demo/written'), 'utf8').trim()).toBe(
      c.server.get('pods', 'default', 'app')?.metadata.uid,
    );
    await vi.waitFor(() => expect(log()).toContain('config: v1'));
    const changed = Date.now();
    c.server.api.mutate('configmaps', 'default', 'cfg', (d) => {
      d.data = { value: 'v2' };
    });
    await vi.waitFor(() => expect(log()).toContain('config: v2'), { timeout: 5000, interval: 20 });
    expect(Date.now() - changed).toBeGreaterThanOrEqual(650);
    const pids = c.kubelets.get('k1')?.workers.values().next().value?.containers[0]?.proc?.workers() ?? [];
    expect(pids.length).toBeGreaterThan(0);
    await c.stopNode('k1');
    expect(pids.filter(isLive)).toEqual([]);
    const conditions =
      (
        c.server.get('nodes', undefined, 'k1')?.status as
          | { conditions?: Array<{ type: string; status: string }> }
          | undefined
      )?.conditions ?? [];
    const ready = conditions.find((x) => x.type === 'Ready');
    expect(ready?.status).toBe('Unknown');
  });

  it('a Directory hostPath missing on the node keeps the pod ContainerCreating and creates nothing', async () => {
    c = await start({ mountRetryMs: 100 });
    c.server.api.create(
      'pods',
      pod('crio-agent', {
        containers: [
          {
            name: 'a',
            image: 'shell:1',
            args: ['sleep 60'],
            volumeMounts: [{ name: 'crio', mountPath: '/etc/crio' }],
          },
        ],
        volumes: [{ name: 'crio', hostPath: { path: '/etc/crio', type: 'Directory' } }],
      }),
    );
    await vi.waitFor(() =>
      expect(
        c.server
          .list('events', 'default')
          .some(
            (e) => e.reason === 'FailedMount' && String(e.message).includes('/etc/crio is not a directory'),
          ),
      ).toBe(true),
    );
    expect(status('crio-agent')?.containerStatuses?.[0]?.state.waiting?.reason).toBe('ContainerCreating');
    expect(existsSync(join(c.root('k1'), 'etc/crio'))).toBe(false);
  });

  it("a non-root pod reads its service-account token: 0600 owned by the pod's one runAsUser (fsUser), else the volume's defaultMode", async () => {
    // kubelet pkg/volume/projected/projected.go: a serviceAccountToken source keeps the volume's
    // defaultMode unless the pod has an fsUser (every container runs as the same runAsUser) or an
    // fsGroup — then 0600, owned by them (pkg/volume/util FsUserFrom). The mirrorctl controller runs
    // as uid 65532 with no fsGroup and must read its token.
    c = await start();
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount/token';
    const check = `test -r ${sa} && stat -c '%a %u' $(readlink -f ${sa})`;
    c.server.api.create(
      'pods',
      pod('nonroot', {
        restartPolicy: 'Never',
        securityContext: { runAsUser: 65532, runAsGroup: 65532 },
        containers: [{ name: 'a', image: 'shell:1', args: [check] }],
      }),
    );
    c.server.api.create(
      'pods',
      pod('mixed', {
        restartPolicy: 'Never',
        containers: [
          { name: 'a', image: 'shell:1', args: [check], securityContext: { runAsUser: 65532 } },
          { name: 'b', image: 'shell:1', args: ['true'], securityContext: { runAsUser: 1000 } },
        ],
      }),
    );
    await vi.waitFor(() => expect(status('nonroot')?.phase).toBe('Succeeded'), { timeout: 20_000 });
    expect(c.kubelets.get('k1')?.logs('default', 'nonroot')).toBe('600 65532\n');
    await vi.waitFor(() => expect(status('mixed')?.phase).toBe('Succeeded'), { timeout: 20_000 });
    expect(c.kubelets.get('k1')?.logs('default', 'mixed', 'a')).toBe('644 0\n');
  });

  it('a crashing container is restarted with backoff (CrashLoopBackOff, restartCount, lastState)', async () => {
    c = await start();
    c.server.api.create(
      'pods',
      pod('crash', { containers: [{ name: 'a', image: 'shell:1', args: ['echo boom; exit 3'] }] }),
    );
    await vi.waitFor(
      () => expect(status('crash')?.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(2),
      { timeout: 10_000 },
    );
    await vi.waitFor(
      () => expect(status('crash')?.containerStatuses?.[0]?.state.waiting?.reason).toBe('CrashLoopBackOff'),
      { timeout: 5000, interval: 10 },
    );
    expect(status('crash')?.containerStatuses?.[0]?.lastState.terminated?.exitCode).toBe(3);
    expect(c.kubelets.get('k1')?.logs('default', 'crash')).toContain('boom');
  });

  it("a hostPID pod's nsenter -t 1 … systemctl restart reaches the node's service manager", async () => {
    c = await start();
    const host = c.kubelets.get('k1')?.opts.host;
    host?.services.define('containerd', { command: ['/usr/bin/sleep', 'infinity'] });
    c.server.api.create(
      'pods',
      pod('restart', {
        hostPID: true,
        restartPolicy: 'Never',
        containers: [
          {
            name: 'a',
            image: 'shell:1',
            args: ["nsenter -t 1 -m -u -i -n -p -- sh -c 'systemctl restart containerd && hostname'"],
            securityContext: { privileged: true },
          },
        ],
      }),
    );
    await vi.waitFor(() => expect(status('restart')?.phase).toBe('Succeeded'), { timeout: 10_000 });
    expect(host?.services.calls.map((x) => x.argv.join(' '))).toEqual(['restart containerd']);
    expect(host?.services.isActive('containerd')).toBe(true);
    expect(c.kubelets.get('k1')?.logs('default', 'restart').trim()).toBe('k1');
  });
});
