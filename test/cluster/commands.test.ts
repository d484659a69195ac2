// status, rollback and uninstall across the simulated cluster.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type ClusterRolloutOptions,
  clusterRollback,
  clusterStatus,
  clusterUninstall,
} from '../../src/cli/cluster-commands.js';
import type { CliContext } from '../../src/cli/context.js';
import { runRollout } from '../../src/cluster/rollout.js';
import { type Harness, MIXED, SPEC, startHarness } from './harness.js';

function fakeCtx(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (s) => void out.push(s), isTTY: false },
    stderr: { write: (s) => void err.push(s), isTTY: false },
    env: {},
    cwd: '/',
    color: false,
    quiet: false,
    verbose: false,
  };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const common = (hh: Harness): ClusterRolloutOptions => ({
  kube: hh.kube,
  output: 'json',
  bundle: 'console.log("agent")',
  image: 'node:20-alpine',
  includeControlPlane: false,
  maxUnavailable: '1',
  timeoutMs: 20_000,
  gateNewNodes: false,
  dryRun: false,
});

const SPEC2 = SPEC.replace('mirror.example.com', 'mirror2.example.com');

describe('cluster status / rollback / uninstall', () => {
  it('status: not installed before, in sync after, drifted for a node left on an old revision', async () => {
    h = await startHarness(MIXED);
    const before = fakeCtx();
    expect(await clusterStatus(before, { kube: h.kube, output: 'json' })).toBe(0);
    const rows0 = JSON.parse(before.out.join('')).nodes as Array<{
      name: string;
      state: string;
      target?: string;
    }>;
    expect(rows0.every((r) => r.state === 'not installed')).toBe(true);
    expect(Object.fromEntries(rows0.map((r) => [r.name, r.target]))).toMatchObject({
      'ctrd-a': 'containerd',
      'crio-a': 'crio',
      'docker-a': 'docker',
    });

    await runRollout(h.kube, { ...common(h), specText: SPEC, mode: 'apply' }, () => {});
    const after = fakeCtx();
    expect(await clusterStatus(after, { kube: h.kube, output: 'json' })).toBe(0);
    const rows = JSON.parse(after.out.join('')).nodes as Array<{ name: string; state: string }>;
    expect(rows.filter((r) => r.name !== 'cp-1').every((r) => r.state === 'in sync')).toBe(true);

    // A second spec whose restart wave fails on ctrd-b: it is left failed, the others move on.
    h.sim.setBehavior('ctrd-b', { action: 'restart', fail: 'apply' });
    const r2 = await runRollout(h.kube, { ...common(h), specText: SPEC2, mode: 'apply' }, () => {});
    expect(r2.exitCode).toBe(3);
    const text = fakeCtx();
    expect(await clusterStatus(text, { kube: h.kube, output: 'wide' })).toBe(1);
    expect(text.out.join('')).toMatch(/ctrd-b\s+<none>\s+containerd 2\.1\.4\s+containerd\s+failed/);
  });

  it('rollback publishes the previous spec from the ConfigMap history everywhere', async () => {
    h = await startHarness(MIXED);
    await runRollout(h.kube, { ...common(h), specText: SPEC, mode: 'apply' }, () => {});
    await runRollout(h.kube, { ...common(h), specText: SPEC2, mode: 'apply' }, () => {});
    const ctx = fakeCtx();
    expect(await clusterRollback(ctx, common(h))).toBe(0);
    const report = JSON.parse(ctx.out.join(''));
    const cm = h.server.get('configmaps', 'mirrorctl', 'mirrorctl-spec');
    const data = (cm?.data ?? {}) as Record<string, string>;
    expect(data['mirrors.yaml']).toBe(SPEC);
    for (const a of h.sim.agents.values()) expect(a.last?.revision).toBe(report.revision);
  });

  it('uninstall restores every node, then removes the namespace objects', async () => {
    h = await startHarness(MIXED);
    await runRollout(h.kube, { ...common(h), specText: SPEC, mode: 'apply', gateNewNodes: true }, () => {});
    expect(h.server.get('clusterroles', undefined, 'mirrorctl-agent-gate')).toBeDefined();
    const ctx = fakeCtx();
    expect(await clusterUninstall(ctx, common(h))).toBe(0);
    expect(
      JSON.parse(ctx.out.join('')).nodes.every((n: { status: string }) => n.status === 'uninstalled'),
    ).toBe(true);
    // The namespace is Terminating until the namespace controller has emptied it (asynchronous, as in a cluster).
    await vi.waitFor(() => expect(h?.server.get('namespaces', undefined, 'mirrorctl')).toBeUndefined());
    // kube-root-ca.crt is in every namespace of a cluster (the root-CA publisher's), not mirrorctl's.
    expect(h.server.list('configmaps').filter((c) => c.metadata.name !== 'kube-root-ca.crt')).toHaveLength(0);
    expect(h.server.get('clusterroles', undefined, 'mirrorctl-agent-gate')).toBeUndefined();
  });

  it('uninstall restarts runtimes in waves of --max-unavailable; nodes with nothing to restore go at once', async () => {
    const nodes = Array.from({ length: 7 }, (_, i) => ({
      name: `w${i}`,
      runtime: 'containerd://1.7.13',
      behavior: i === 6 ? { unchanged: true } : { action: 'restart' as const },
    }));
    h = await startHarness(nodes);
    await runRollout(h.kube, { ...common(h), specText: SPEC, mode: 'apply', maxUnavailable: '3' }, () => {});
    h.sim.restarts.splice(0);
    const phases: string[] = [];
    const ctx = fakeCtx();
    const r = await runRollout(
      h.kube,
      { ...common(h), specText: SPEC, mode: 'uninstall', maxUnavailable: '2', canary: 'w0' },
      (e) => void (e.kind === 'phase' && phases.push(`${e.phase}:${e.nodes}`)),
    );
    expect(r.exitCode).toBe(0);
    expect(phases).toEqual(['canary:1', 'no-restart:6', 'wave 1/3:2', 'wave 2/3:2', 'wave 3/3:1']);
    expect(r.nodes.find((n) => n.node === 'w6')?.phase).toBe('no-restart');
    expect(r.nodes.every((n) => n.status === 'uninstalled')).toBe(true);
    const perPublication = new Map<number, number>();
    for (const x of h.sim.restarts)
      perPublication.set(x.publication, (perPublication.get(x.publication) ?? 0) + 1);
    expect(h.sim.restarts).toHaveLength(6);
    expect(Math.max(...perPublication.values())).toBeLessThanOrEqual(2);
    expect(ctx.err).toEqual([]);
  });

  it('rollback and uninstall refuse when there is nothing to act on', async () => {
    h = await startHarness(MIXED);
    expect(await clusterRollback(fakeCtx(), common(h))).toBe(2);
    expect(await clusterUninstall(fakeCtx(), common(h))).toBe(2);
  });
});
