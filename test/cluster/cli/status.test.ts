// Reading the cluster back: `status --cluster` (MirrorSets and their MirrorNodes, exit 1 unless every
// MirrorSet is Ready), `nodes` (every Node with its runtime and its MirrorNode state — no pod logs),
// and `rollback --cluster` (an earlier ControllerRevision's spec becomes the MirrorSet's again).
import { afterEach, describe, expect, it } from 'vitest';
import { cli, type Harness, spec, specFile, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('status --cluster, nodes, rollback --cluster', () => {
  it('status: every MirrorSet with its STATUS and counts, every MirrorNode; 0 only when all Ready', async () => {
    h = await startHarness([{ name: 'a' }, { name: 'b' }]);
    await h.startController('c1');
    const none = await cli(h, ['status', '--cluster']);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('no MirrorSet in this cluster\n');
    expect((await cli(h, ['rollout', '-f', specFile(spec()), '--timeout', '30s'])).code).toBe(0);
    const ok = await cli(h, ['status', '--cluster']);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/^MirrorSet lab: Ready, revision [0-9a-f]{12}, 2\/2 updated, 2 ready/);
    expect(ok.stdout).toMatch(/\na +lab +Applied +[0-9a-f]{12} +[0-9a-f]{12}/);

    h.agents.behavior.set('b', 'fail'); // the next revision needs a restart there, and it fails
    await cli(h, [
      'rollout',
      '-f',
      specFile(spec('https://mirror2.example.com', { canary: 0 })),
      '--timeout',
      '20s',
    ]);
    const bad = await cli(h, ['status', '--cluster', '-o', 'json']);
    expect(bad.code).toBe(1);
    const doc = JSON.parse(bad.stdout) as {
      kind: string;
      mirrorSets: Array<{ status: string }>;
      nodes: Array<{ node: string; state: string }>;
    };
    expect(doc.kind).toBe('ClusterStatus');
    expect(doc.mirrorSets[0]?.status).toBe('Paused');
    expect(doc.nodes.find((n) => n.node === 'b')?.state).toBe('RolledBack');
  });

  it('nodes: runtime, target and the MirrorNode state of every node (not selected: control plane)', async () => {
    h = await startHarness([
      { name: 'cp', roles: ['control-plane'], runtime: 'containerd://1.7.13' },
      { name: 'crio', runtime: 'cri-o://1.29.1' },
      { name: 'ctrd', runtime: 'containerd://2.1.4' },
    ]);
    await h.startController('c1');
    const before = await cli(h, ['nodes', '-o', 'json']);
    expect(before.code).toBe(0);
    expect((JSON.parse(before.stdout).nodes as Array<{ state: string }>).map((n) => n.state)).toEqual([
      'not selected',
      'not selected',
      'not selected',
    ]);
    expect((await cli(h, ['rollout', '-f', specFile(spec()), '--timeout', '30s'])).code).toBe(0);
    const r = await cli(h, ['nodes', '-o', 'wide']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/\ncp +control-plane +containerd 1\.7\.13 +containerd +not selected +-/);
    expect(r.stdout).toMatch(/\ncrio +<none> +crio 1\.29\.1 +crio +Applied +[0-9a-f]{12} +[0-9a-f]{12} +lab/);
    h.cluster.nodes.setReady('ctrd', false);
    const down = await cli(h, ['nodes']);
    expect(down.stdout).toMatch(/\nctrd .*Applied \(NotReady\)/);
  });

  it('rollback --cluster: the previous revision (or --to one), followed to Ready; refused when there is none', async () => {
    h = await startHarness([{ name: 'w1' }, { name: 'w2' }]);
    await h.startController('c1');
    expect((await cli(h, ['rollback', '--cluster'])).stderr).toContain('no MirrorSet in this cluster');
    expect((await cli(h, ['rollout', '-f', specFile(spec()), '--timeout', '30s'])).code).toBe(0);
    const first = (
      h.cluster.server.get('mirrorsets', undefined, 'lab')?.status as { revision?: string } | undefined
    )?.revision;
    const none = await cli(h, ['rollback', '--cluster']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('has no earlier revision to roll back to');
    expect(
      (await cli(h, ['rollout', '-f', specFile(spec('https://mirror2.example.com')), '--timeout', '30s']))
        .code,
    ).toBe(0);
    const r = await cli(h, ['rollback', '--cluster', '--timeout', '30s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`MirrorSet lab revision ${first}:`);
    const set = h.cluster.server.get('mirrorsets', undefined, 'lab');
    expect((set?.status as { revision?: string } | undefined)?.revision).toBe(first);
    expect(JSON.stringify(set?.spec)).toContain('https://mirror.example.com');
    for (const n of ['w1', 'w2'])
      expect(h.cluster.server.get('mirrornodes', undefined, n)?.status).toMatchObject({
        appliedRevision: first,
      });
    const unknown = await cli(h, ['rollback', '--cluster', '--to', 'abcdefabcdef']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('has no revision abcdefabcdef (kept: ');
  });
});
