// `mirrorctl rollout` as a client of the controller: it writes the MirrorSet and follows its status
// (exit 0 Ready; 3 Paused with the reason and the node; 3 on timeout with the state reached), an
// identical re-run returns at once, --resume continues a paused rollout where it stopped. The known
// defects of issue 16 have their own file (defects.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/testing.js';
import { startCluster } from '../sim/cluster.js';
import { cli, type Harness, spec, specFile, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const mirrorSet = (hh: Harness, name = 'lab') => hh.cluster.server.get('mirrorsets', undefined, name);

describe('rollout', () => {
  it('applies the MirrorSet, follows it to Ready and exits 0; an identical re-run writes nothing and returns at once', async () => {
    h = await startHarness([
      { name: 'w1' },
      { name: 'w2', behavior: 'restart' },
      { name: 'w3', behavior: 'reload' },
    ]);
    await h.startController('c1');
    const file = specFile(spec('https://mirror.example.com', { maxUnavailable: 1, canary: 1 }));
    const r = await cli(h, ['rollout', '-f', file, '--timeout', '60s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('✓ MirrorSet lab created (generation 1)');
    expect(r.stdout).toMatch(/^MirrorSet lab revision [0-9a-f]{12}: 3 of 3 node\(s\) run revision/);
    expect(r.stderr).toMatch(/→ canary wave restarting: w2/);

    const before = mirrorSet(h)?.metadata;
    const t0 = performance.now();
    const again = await cli(h, ['rollout', '-f', file, '--timeout', '60s', '-o', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(JSON.parse(again.stdout)).toMatchObject({
      kind: 'RolloutResult',
      outcome: 'unchanged',
      exitCode: 0,
    });
    // Nothing changed: the replace was a no-op for the API server (same version, same generation).
    expect(mirrorSet(h)?.metadata.resourceVersion).toBe(before?.resourceVersion);
    expect(mirrorSet(h)?.metadata.generation).toBe(before?.generation);
  });

  it('a failing node pauses the rollout: exit 3 naming it; after the fix, --resume retries that node (new Job) and ends Ready', async () => {
    h = await startHarness([
      { name: 'a1', behavior: 'restart' },
      { name: 'a2', behavior: 'fail' },
      { name: 'a3', behavior: 'restart' },
    ]);
    await h.startController('c1');
    const file = specFile(spec('https://mirror.example.com', { maxUnavailable: 1, canary: 1 }));
    const r = await cli(h, ['rollout', '-f', file, '--timeout', '60s']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('Paused (WaveFailed)');
    expect(r.stdout).toContain('a2 (RolledBack');
    // a3 was never reached: no permit while paused.
    expect(h.agents.jobsPerNode.get('a3')).toBeUndefined();
    const jobsBefore = h.agents.jobsPerNode.get('a2')?.length ?? 0;

    h.agents.behavior.set('a2', 'restart'); // the operator fixed the node
    const resumed = await cli(h, ['rollout', '-f', file, '--resume', '--timeout', '60s']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resume requested/);
    // The same spec: the failed node got a new attempt (a new Job), never skipped.
    expect(h.agents.jobsPerNode.get('a2')?.length).toBe(jobsBefore + 1);
    expect(h.agents.jobsPerNode.get('a3')?.length).toBe(1);
  });

  it('times out with the state reached (exit 3) when the controller cannot finish', async () => {
    h = await startHarness([{ name: 'x1', behavior: 'restart' }]);
    await h.startController('c1');
    h.cluster.nodes.setReady('x1', false);
    const r = await cli(h, ['rollout', '-f', specFile(spec()), '--timeout', '3s']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/timed out waiting for/);
  });

  it('waits for the controller to observe the new generation (no controller: timeout, not a stale Ready)', async () => {
    h = await startHarness([{ name: 'w1' }]);
    const c = await h.startController('c1');
    const file = specFile(spec());
    expect((await cli(h, ['rollout', '-f', file, '--timeout', '30s'])).code).toBe(0);
    c.crash();
    const r = await cli(h, [
      'rollout',
      '-f',
      specFile(spec('https://mirror2.example.com')),
      '--timeout',
      '2s',
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('timed out waiting for the controller to observe generation 2');
  });

  it('--no-wait returns once the MirrorSet is written; a MirrorSet being deleted is not rolled out again', async () => {
    h = await startHarness([{ name: 'w1' }, { name: 'down' }]);
    await h.startController('c1');
    const file = specFile(spec());
    const r = await cli(h, ['rollout', '-f', file, '--no-wait', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      kind: 'RolloutResult',
      outcome: 'created',
      followed: false,
    });
    expect((await cli(h, ['rollout', '-f', file, '--timeout', '30s'])).code).toBe(0);
    h.cluster.nodes.setReady('down', false); // keeps the finalizer while it holds configuration
    expect((await cli(h, ['uninstall', '--cluster', '--no-wait'])).code).toBe(0);
    const again = await cli(h, ['rollout', '-f', file, '--timeout', '5s']);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('MirrorSet lab is being deleted');
  });

  it('refuses a cluster mirrorctl is not installed in, saying how to install it', async () => {
    const c = await startCluster({ jobs: false, daemonSets: false, scheduler: false, kubelets: false });
    try {
      const r = await runCli(['rollout', '-f', specFile(spec()), '--kubeconfig', c.kubeconfig]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        'mirrorctl is not installed in this cluster (no MirrorSet CRD): run `mirrorctl install`',
      );
    } finally {
      await c.close();
    }
  });

  it('flags of the CLI-driven rollout are refused with the MirrorSet field that replaces them', async () => {
    h = await startHarness([]);
    const r = await cli(h, ['rollout', '-f', specFile(spec()), '--max-unavailable', '10%', '--canary', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-unavailable');
    expect(r.stderr).toContain('spec.rollout.maxUnavailable');
    expect(r.stderr).toContain('spec.rollout.canary');
  });
});
