// The cluster verbs through the real CLI entry point (commander, option table, env vars).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { type Harness, MIXED, SPEC, startHarness } from './harness.js';

function ctx(env: Record<string, string> = {}): CliContext & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: () => out.join(''),
    err: () => err.join(''),
    stdout: { write: (s) => void out.push(s), isTTY: false },
    stderr: { write: (s) => void err.push(s), isTTY: false },
    env,
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

function files(): { spec: string; bundle: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-cli-'));
  writeFileSync(join(dir, 'mirrors.yaml'), SPEC);
  writeFileSync(join(dir, 'agent.mjs'), 'console.log("agent")\n');
  return { spec: join(dir, 'mirrors.yaml'), bundle: join(dir, 'agent.mjs') };
}

describe('cluster CLI verbs', () => {
  it('nodes -o json lists every node with its target (kubeconfig from KUBECONFIG)', async () => {
    h = await startHarness(MIXED);
    const c = ctx({ KUBECONFIG: h.kubeconfig });
    expect(await main(['nodes', '-o', 'json'], c)).toBe(0);
    const rows = JSON.parse(c.out()).nodes as Array<{ name: string; target: string; roles: string }>;
    expect(rows.map((r) => r.name)).toEqual(['cp-1', 'crio-a', 'ctrd-a', 'ctrd-b', 'ctrd-c', 'docker-a']);
    expect(rows[0]?.roles).toBe('control-plane');
  });

  it('rollout --dry-run prints manifests and the wave plan and writes nothing', async () => {
    h = await startHarness(MIXED);
    const f = files();
    const c = ctx();
    const code = await main(
      [
        'rollout',
        '-f',
        f.spec,
        '--dry-run',
        '--kubeconfig',
        h.kubeconfig,
        '--agent-bundle',
        f.bundle,
        '--max-unavailable',
        '50%',
      ],
      c,
    );
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    expect(c.out()).toContain('kind: DaemonSet');
    expect(c.out()).toMatch(/# {3}wave 1: crio-a, ctrd-a, ctrd-b\n# {3}wave 2: ctrd-c, docker-a/);
    expect(h.server.countRequests((q) => q.method !== 'GET')).toBe(0);
  });

  it('rollout applies, then nodes says in sync; bad flags exit 2 with the reason', async () => {
    h = await startHarness(MIXED);
    const f = files();
    const c = ctx();
    expect(
      await main(
        ['rollout', '-f', f.spec, '--kubeconfig', h.kubeconfig, '--agent-bundle', f.bundle, '-o', 'json'],
        c,
      ),
    ).toBe(0);
    expect(JSON.parse(c.out()).kind).toBe('RolloutReport');
    const n = ctx();
    expect(await main(['nodes', '--kubeconfig', h.kubeconfig], n)).toBe(0);
    expect(n.out()).toMatch(/ctrd-a\s+<none>\s+containerd 1\.6\.20\s+containerd\s+in sync/);
    const bad = ctx();
    expect(
      await main(
        [
          'rollout',
          '-f',
          f.spec,
          '--kubeconfig',
          h.kubeconfig,
          '--agent-bundle',
          f.bundle,
          '--timeout',
          'soon',
          '--toleration',
          'x',
        ],
        bad,
      ),
    ).toBe(2);
    expect(bad.err()).toContain('is not a duration');
    expect(bad.err()).toContain('cannot parse toleration');
  });
});
