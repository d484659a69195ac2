// The known defects of issue 16, each as a user meets it through the CLI (the real controller,
// simulated agents). Their runs against the pre-redesign code are in the commit message; two more
// live beside their subject: header values never in a ConfigMap nor printed by --dry-run
// (secrets.test.ts), and a node's result surviving the failure of its other API calls
// (test/cluster/agent-output.test.ts, the real agent).
import { afterEach, describe, expect, it } from 'vitest';
import { cli, type Harness, spec, specFile, startHarness, startInstalled } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const mirrorSet = (hh: Harness, name = 'lab') => hh.cluster.server.get('mirrorsets', undefined, name);

describe('issue 16 defects', () => {
  it('uninstall --cluster does not delete a namespace mirrorctl did not create (nor what else is in it)', async () => {
    h = await startInstalled([{ name: 'w1' }], (server) => {
      server.api.create('namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'mirrorctl' },
      });
      server.api.create('configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'team-settings', namespace: 'mirrorctl' },
        data: { owner: 'platform' },
      });
    });
    await h.startController('c1');
    expect((await cli(h, ['rollout', '-f', specFile(spec()), '--timeout', '30s'])).code).toBe(0);
    const r = await cli(h, ['uninstall', '--cluster', '--all', '--timeout', '30s']);
    expect(r.code, r.stderr).toBe(0);
    const server = h.cluster.server;
    expect(server.get('namespaces', undefined, 'mirrorctl')?.metadata.deletionTimestamp).toBeUndefined();
    expect(server.get('configmaps', 'mirrorctl', 'team-settings')).toBeDefined();
    expect(r.stderr).toContain('- kept Namespace/mirrorctl (not created by mirrorctl');
    expect(
      server.accounting.writes.filter((w) => w.verb === 'delete' && w.resource === 'namespaces'),
    ).toEqual([]);
    // mirrorctl's own objects in it are gone.
    expect(server.list('serviceaccounts', 'mirrorctl').map((s) => s.metadata.name)).toEqual(['default']);
  });

  it('an update replaces the spec: the default, then includeControlPlane, reaches the control plane; and back again deselects it', async () => {
    h = await startHarness([{ name: 'cp', roles: ['control-plane'] }, { name: 'w1' }]);
    await h.startController('c1');
    expect((await cli(h, ['rollout', '-f', specFile(spec()), '--timeout', '30s'])).code).toBe(0);
    expect(h.cluster.server.get('mirrornodes', undefined, 'cp')).toBeUndefined();
    const withCp = specFile(
      spec(
        'https://mirror.example.com',
        { includeControlPlane: true },
        '  nodeSelector: { matchLabels: {} }\n',
      ),
    );
    const r1 = await cli(h, ['rollout', '-f', withCp, '--timeout', '30s']);
    expect(r1.code, r1.stdout).toBe(0);
    expect(h.cluster.server.get('mirrornodes', undefined, 'cp')?.status).toMatchObject({ state: 'Applied' });

    const r2 = await cli(h, ['rollout', '-f', specFile(spec()), '--timeout', '30s']);
    expect(r2.code, r2.stderr).toBe(0);
    const after = mirrorSet(h)?.spec as { rollout?: Record<string, unknown>; nodeSelector?: unknown };
    expect(after.nodeSelector).toBeUndefined();
    // Gone (kube-apiserver would store the schema's default, false; the stand-in does not default CRs).
    expect(after.rollout?.includeControlPlane).not.toBe(true);
    // The control-plane node was uninstalled and its MirrorNode deleted; the controller's finalizer stayed.
    await expect
      .poll(() => h?.cluster.server.get('mirrornodes', undefined, 'cp'), { timeout: 10_000 })
      .toBeUndefined();
    expect(mirrorSet(h)?.metadata.finalizers).toContain('mirrorctl.io/uninstall');
  });

  it('uninstall --cluster exits non-zero while a NotReady node keeps its configuration, naming it; done once it is back', async () => {
    h = await startHarness([{ name: 'up' }, { name: 'down' }]);
    await h.startController('c1');
    expect((await cli(h, ['rollout', '-f', specFile(spec()), '--timeout', '30s'])).code).toBe(0);
    h.cluster.nodes.setReady('down', false);
    const r = await cli(h, ['uninstall', '--cluster', '--timeout', '4s']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(
      /MirrorSet lab: not uninstalled within 4 s: still holding mirrorctl's configuration: down \(NotReady/,
    );
    expect(mirrorSet(h)?.metadata.deletionTimestamp).toBeDefined(); // the finalizer holds it
    h.cluster.nodes.setReady('down', true);
    const again = await cli(h, ['uninstall', '--cluster', '--name', 'lab', '--timeout', '30s']);
    expect(again.code, again.stderr).toBe(0);
    expect(mirrorSet(h)).toBeUndefined();
  });

  it('re-running an identical rollout returns at once', async () => {
    h = await startHarness([{ name: 'w1' }, { name: 'w2', behavior: 'restart' }]);
    await h.startController('c1');
    const file = specFile(spec('https://mirror.example.com', { soakSeconds: 30 }));
    const first = await cli(h, ['rollout', '-f', file, '--timeout', '90s']);
    expect(first.code, first.stderr).toBe(0);
    const t0 = performance.now();
    const again = await cli(h, ['rollout', '-f', file, '--timeout', '90s']);
    expect(again.code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5_000); // not a soak, not a timeout
    expect(again.stderr).toContain('MirrorSet lab unchanged');
  }, 120_000);

  it('a failed node is tried again for the same spec when the rollout resumes (never silently skipped)', async () => {
    h = await startHarness([
      { name: 'a1', behavior: 'restart' },
      { name: 'a2', behavior: 'fail' },
    ]);
    await h.startController('c1');
    const file = specFile(spec('https://mirror.example.com', { canary: 0 }));
    const r = await cli(h, ['rollout', '-f', file, '--timeout', '60s']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('a2 (RolledBack');
    const tries = h.agents.jobsPerNode.get('a2')?.length ?? 0;
    expect(tries).toBeGreaterThan(0);
    h.agents.behavior.set('a2', 'restart');
    const resumed = await cli(h, ['rollout', '-f', file, '--resume', '--timeout', '60s']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(h.agents.jobsPerNode.get('a2')?.length).toBe(tries + 1);
    expect(h.cluster.server.get('mirrornodes', undefined, 'a2')?.status).toMatchObject({ state: 'Applied' });
  });
});
