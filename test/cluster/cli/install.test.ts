// `mirrorctl install` and `uninstall --cluster --all` against the API server stand-in: the objects of
// deploy/ (CRDs served before anything names them), a second run changes nothing, --image reaches
// every workload; uninstall --all removes exactly what carries managed-by mirrorctl — the namespace
// too when mirrorctl created it — and keeps anyone else's objects, cluster-scoped ones included.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/testing.js';
import { buildInstallManifests } from '../../../src/cluster/manifests.js';
import { type SimClusterHandle, startCluster } from '../sim/cluster.js';
import { cli, type Harness, spec, specFile, startInstalled } from './harness.js';

let c: SimClusterHandle | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await c?.close();
  await h?.close();
  c = undefined;
  h = undefined;
});

const bare = () => startCluster({ jobs: false, daemonSets: false, scheduler: false, kubelets: false });

describe('install', () => {
  it('creates every object of deploy/ (CRDs first, Established), then a second run changes nothing', async () => {
    c = await bare();
    const r = await runCli(['install', '--kubeconfig', c.kubeconfig]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('created Namespace/mirrorctl');
    expect(lines[1]).toMatch(/^created CustomResourceDefinition\/mirror(sets|nodes)\.mirrorctl\.io$/);
    const expected = buildInstallManifests({ image: 'x' });
    expect(lines).toHaveLength(expected.length);
    const created = c.server.accounting.writes.filter((w) => w.source === 'http' && w.verb === 'create');
    // No object was created before the CRDs were served (kubectl's "ensure CRDs are installed first").
    const crdEstablished = created.findIndex((w) => w.resource === 'serviceaccounts');
    expect(created.slice(0, crdEstablished).map((w) => w.resource)).toEqual([
      'namespaces',
      'customresourcedefinitions',
      'customresourcedefinitions',
    ]);
    expect(c.server.get('deployments', 'mirrorctl', 'mirrorctl-controller')).toBeDefined();
    expect(c.server.get('roles', 'default', 'mirrorctl-agent-events')).toBeDefined();

    const again = await runCli(['install', '--kubeconfig', c.kubeconfig]);
    expect(again.code, again.stderr).toBe(0);
    expect(
      again.stdout
        .trim()
        .split('\n')
        .every((l) => l.startsWith('unchanged ')),
    ).toBe(true);
  });

  it('--image reaches the controller and every agent; --dry-run -o yaml prints the objects and writes nothing', async () => {
    c = await bare();
    const image = `registry.internal:5000/mirrorctl@sha256:${'b'.repeat(64)}`;
    const dry = await runCli([
      'install',
      '--kubeconfig',
      c.kubeconfig,
      '--image',
      image,
      '--dry-run',
      '-o',
      'yaml',
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('kind: CustomResourceDefinition');
    expect(c.server.accounting.writes.filter((w) => w.source === 'http')).toEqual([]);
    expect((await runCli(['install', '--kubeconfig', c.kubeconfig, '--image', image])).code).toBe(0);
    const images = [
      ...c.server.list('daemonsets', 'mirrorctl'),
      ...c.server.list('deployments', 'mirrorctl'),
    ].map(
      (o) =>
        (o.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec
          .containers[0]?.image,
    );
    expect(images.length).toBe(5);
    expect(new Set(images)).toEqual(new Set([image]));
  });

  it('a mirrorctl namespace someone else made gets only the Pod Security labels, never managed-by', async () => {
    c = await bare();
    c.server.api.create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'mirrorctl', labels: { team: 'platform' } },
    });
    const r = await runCli(['install', '--kubeconfig', c.kubeconfig]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('labelled Namespace/mirrorctl (it existed and was not created by mirrorctl');
    const labels = c.server.get('namespaces', undefined, 'mirrorctl')?.metadata.labels;
    expect(labels).toMatchObject({ team: 'platform', 'pod-security.kubernetes.io/enforce': 'privileged' });
    expect(labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
  });
});

describe('uninstall --cluster --all', () => {
  it('removes the MirrorSet first (nodes restored), then only objects labelled managed-by mirrorctl, and the namespace it created', async () => {
    h = await startInstalled([{ name: 'w1' }, { name: 'w2' }], (server) => {
      // Someone else's cluster-scoped objects, one of them named like ours would be.
      server.api.create(
        { group: 'rbac.authorization.k8s.io', plural: 'clusterroles' },
        { metadata: { name: 'mirrorctl-reader' }, rules: [] },
      );
    });
    await h.startController('c1');
    expect((await cli(h, ['rollout', '-f', specFile(spec()), '--timeout', '30s'])).code).toBe(0);
    const r = await cli(h, ['uninstall', '--cluster', '--all', '--timeout', '30s']);
    expect(r.code, r.stderr).toBe(0);
    const server = h.cluster.server;
    // Every node gave its configuration back before the install went (the controller was still there).
    expect(server.accounting.writes.some((w) => w.resource === 'mirrornodes' && w.verb === 'delete')).toBe(
      true,
    );
    expect(server.get('clusterroles', undefined, 'mirrorctl-controller')).toBeUndefined();
    expect(server.get('clusterroles', undefined, 'mirrorctl-reader')).toBeDefined();
    expect(server.get('roles', 'default', 'mirrorctl-agent-events')).toBeUndefined();
    expect(server.get('namespaces', undefined, 'default')?.metadata.deletionTimestamp).toBeUndefined();
    expect(server.get('customresourcedefinitions', undefined, 'mirrorsets.mirrorctl.io')).toBeUndefined();
    // The namespace mirrorctl created is deleted (Terminating until emptied, as in a cluster).
    await expect
      .poll(() => server.get('namespaces', undefined, 'mirrorctl'), { timeout: 10_000 })
      .toBeUndefined();
    const deleted = server.accounting.writes.filter((w) => w.source === 'http' && w.verb === 'delete');
    expect(deleted.map((w) => w.name)).not.toContain('mirrorctl-reader');
  });

  it('keeps the install while a MirrorSet is not uninstalled (a NotReady node still holds it)', async () => {
    h = await startInstalled([{ name: 'w1' }]);
    await h.startController('c1');
    expect((await cli(h, ['rollout', '-f', specFile(spec()), '--timeout', '30s'])).code).toBe(0);
    h.cluster.nodes.setReady('w1', false);
    const r = await cli(h, ['uninstall', '--cluster', '--all', '--timeout', '3s']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('the install stays');
    expect(h.cluster.server.get('deployments', 'mirrorctl', 'mirrorctl-controller')).toBeDefined();
    expect(
      h.cluster.server.get('customresourcedefinitions', undefined, 'mirrorsets.mirrorctl.io'),
    ).toBeDefined();
  });
});
