// The agent as its DaemonSet really starts it: the generated DaemonSet (buildAgentDaemonSet, containerd
// profile) placed by the simulated DaemonSet controller on a node labelled for it, its pod run by the
// simulated kubelet (needs root) with the pod's own command, args, env (NODE_NAME from the downward
// API), service-account token at the real path, hostPath mounts under /host, every capability dropped,
// a read-only root — the image's node and bundle standing in for ghcr.io/mirrorctl/mirrorctl. The pod
// turns Ready (its /readyz on 9477) and the node's MirrorNode reports Applied with the file written.
// Then the apply Job (buildApplyJob: privileged, hostPID) run by the simulated Job controller restarts
// the node's REAL containerd (Debian's 1.6, the node's `containerd` unit) through
// `nsenter -t 1 … systemctl restart containerd`, checks CRI health and reports Applied.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { VERSION } from '../../../src/cli/version.js';
import { NAMESPACE } from '../../../src/cluster/api/meta.js';
import { IMAGE_PATHS, imageRef } from '../../../src/cluster/api/pod-contract.js';
import { buildAgentDaemonSet, buildApplyJob } from '../../../src/cluster/manifests-agent.js';
import { buildServiceAccounts } from '../../../src/cluster/manifests-rbac.js';
import { profileFor } from '../../../src/cluster/mount-profiles.js';
import { waitForCri } from '../../../src/host/cri-client.js';
import { baseContainerdConfig, CONTAINERD_UNIT_ARGV } from '../../e2e/harness/containerd.js';
import { MIRRORCTL_CRDS, type Obj } from '../fake-apiserver.js';
import { type SimClusterHandle, startCluster } from '../sim/cluster.js';
import { isPodReady } from '../sim/scheduling.js';
import { agentBundle, CONFIG_PATH_SET, HOSTS, mirrorSpec } from './harness.js';
import { revisionDoc } from './revisions.js';

const IMAGE = imageRef(VERSION);
let c: SimClusterHandle;

beforeAll(async () => {
  const bundle = await agentBundle();
  c = await startCluster({
    nodes: [{ name: 'w1', labels: { 'mirrorctl.io/target': 'containerd', 'kubernetes.io/os': 'linux' } }],
    server: { resources: MIRRORCTL_CRDS },
    kubelets: {
      images: {
        [IMAGE]: {
          binaries: { [IMAGE_PATHS.node]: [process.execPath] },
          files: { [IMAGE_PATHS.bundle]: bundle },
        },
      },
      options: { probeScale: 0.2, backoffBaseMs: 500 },
    },
  });
}, 120_000);
afterAll(() => c?.close());

it('the generated agent DaemonSet runs on a labelled node, turns Ready and applies its MirrorNode', async () => {
  const root = c.root('w1');
  for (const [p, text] of [
    ['etc/containerd/config.toml', CONFIG_PATH_SET],
    ['etc/os-release', 'ID=debian\nVERSION_ID="12"\n'],
  ] as const) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  mkdirSync(join(root, 'run/containerd'), { recursive: true });
  c.server.api.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  const r = revisionDoc(c.server, mirrorSpec('https://mirror-ds.example.com'));
  c.server.api.create('mirrornodes', {
    apiVersion: 'mirrorctl.io/v1alpha1',
    kind: 'MirrorNode',
    metadata: { name: 'w1' },
    spec: {
      mirrorSet: 'lab',
      revision: r.revision,
      controllerRevision: r.name,
      mode: 'apply',
      target: 'containerd',
    },
  } as Obj);
  for (const sa of buildServiceAccounts()) c.server.api.create('serviceaccounts', sa as unknown as Obj);
  c.server.api.create('daemonsets', buildAgentDaemonSet(profileFor('containerd'), IMAGE) as unknown as Obj);

  const agentPod = () =>
    c.server
      .list('pods', NAMESPACE)
      .find((p) => p.spec && (p.spec as { nodeName?: string }).nodeName === 'w1');
  const logs = () => {
    const p = agentPod();
    const events = c.server
      .list('events', NAMESPACE)
      .map((e) => `${String(e.reason)}: ${String(e.message)}`)
      .join('\n');
    const log = p ? (c.kubelets.get('w1')?.logs(NAMESPACE, p.metadata.name) ?? '') : 'no pod';
    return `${log}\n${JSON.stringify(p?.status)}\n${events}`;
  };
  await vi.waitFor(
    () =>
      expect(
        (c.server.get('mirrornodes', undefined, 'w1')?.status as { state?: string })?.state,
        logs(),
      ).toBe('Applied'),
    { timeout: 60_000, interval: 200 },
  );
  expect(readFileSync(join(root, HOSTS), 'utf8')).toContain('https://mirror-ds.example.com');
  await vi.waitFor(() => expect(isPodReady(agentPod() as Obj), logs()).toBe(true), {
    timeout: 30_000,
    interval: 200,
  });
  // The agent's requests came with the pod's own service-account identity.
  const users = new Set(
    c.server.requests.filter((q) => q.resource.startsWith('mirrornodes')).map((q) => q.user),
  );
  expect(users).toEqual(new Set(['system:serviceaccount:mirrorctl:mirrorctl-agent']));
}, 120_000);

it("the agent reports PendingRestart; the apply Job restarts the node's real containerd through nsenter + systemctl", async () => {
  const kubelet = await c.addNode({
    name: 'w2',
    labels: { 'mirrorctl.io/target': 'containerd', 'kubernetes.io/os': 'linux' },
  });
  const services = kubelet?.opts.host?.services;
  if (!services) throw new Error('no node host');
  const root = c.root('w2');
  mkdirSync(join(root, 'etc/containerd'), { recursive: true });
  writeFileSync(join(root, 'etc/containerd/config.toml'), baseContainerdConfig(2));
  writeFileSync(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\n');
  mkdirSync(join(root, 'run/containerd'), { recursive: true });
  services.define('containerd', {
    command: [...CONTAINERD_UNIT_ARGV],
  });
  await services.startUnit('containerd');
  // A node whose runtime is up: the agent reads its version over CRI when it plans.
  const cri = await waitForCri(`unix://${join(root, 'run/containerd/containerd.sock')}`, 60_000);
  if (!cri.ok) throw new Error('containerd on w2 does not answer CRI');
  const r = revisionDoc(c.server, mirrorSpec('https://mirror-job.example.com'));
  const spec = {
    mirrorSet: 'lab',
    revision: r.revision,
    controllerRevision: r.name,
    mode: 'apply',
    target: 'containerd',
  };
  c.server.api.create('mirrornodes', {
    apiVersion: 'mirrorctl.io/v1alpha1',
    kind: 'MirrorNode',
    metadata: { name: 'w2' },
    spec,
  } as Obj);
  const status = () =>
    (c.server.get('mirrornodes', undefined, 'w2')?.status ?? {}) as Record<string, unknown>;
  await vi.waitFor(() => expect(status().state, JSON.stringify(status())).toBe('PendingRestart'), {
    timeout: 60_000,
    interval: 200,
  });
  expect(status().runtime).toMatch(/^containerd:\/\/1\.6\./);
  expect(services.starts.get('containerd')).toBe(1);

  // The controller's part: a permit, and the Job from the same builder the controller uses.
  c.server.api.mutate('mirrornodes', undefined, 'w2', (o) => {
    o.spec = { ...spec, permit: { revision: r.revision, wave: 0, grantedAt: '2026-01-01T00:00:00Z' } };
  });
  const job = buildApplyJob({
    node: 'w2',
    mirrorSet: 'lab',
    revision: r.revision,
    profile: 'containerd',
    image: IMAGE,
    restartTimeoutSeconds: 120,
  });
  c.server.api.create('jobs', job as unknown as Obj);
  const jobStatus = () =>
    (c.server.get('jobs', NAMESPACE, job.metadata?.name ?? '')?.status ?? {}) as {
      succeeded?: number;
      failed?: number;
    };
  await vi.waitFor(
    () => expect(jobStatus().succeeded ?? jobStatus().failed, JSON.stringify(status())).toBeDefined(),
    {
      timeout: 90_000,
      interval: 200,
    },
  );
  expect(jobStatus().succeeded).toBe(1);
  expect(status()).toMatchObject({ state: 'Applied', appliedRevision: r.revision, action: 'restart' });
  expect(services.starts.get('containerd')).toBe(2);
  expect(services.calls.map((x) => x.argv.join(' '))).toContain('restart containerd');
  expect(readFileSync(join(root, 'etc/containerd/config.toml'), 'utf8')).toContain(
    'config_path = "/etc/containerd/certs.d"',
  );
}, 180_000);
