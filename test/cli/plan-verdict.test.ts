// The verdict plan/apply print rests on what the plan showed (issue 15.7, 15.9): a plan blocked by
// errors says so with its reasons and never "✓ in sync"; a node for which the spec selects no entry
// is in sync but told that nothing on it is mirrored — in plan, render and the agent's node result.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/testing.js';

const FIXTURES = new URL('../fixtures/hosts/', import.meta.url).pathname;
const HUB = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: hub }
spec:
  registries:
    - source: docker.io
      mirrors: [{ url: "https://cache.example.com" }]
`;
const CONTAINERD_ONLY = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: k8s-only }
spec:
  registries:
    - source: docker.io
      only: [containerd]
      mirrors: [{ url: "https://cache.example.com" }]
`;
const dirs: string[] = [];
function node(fixture: string, spec: string): { dir: string; root: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-verdict-'));
  dirs.push(dir);
  cpSync(join(FIXTURES, fixture, 'tree'), join(dir, 'root'), { recursive: true });
  writeFileSync(join(dir, 'mirrors.yaml'), spec);
  return { dir, root: join(dir, 'root'), spec: join(dir, 'mirrors.yaml') };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** containerd 2.1 with config_path already right and a hand-made hosts.toml: nothing left to plan. */
function blockedNode(): { root: string; spec: string } {
  const n = node('containerd21-v3', HUB);
  const cfg = join(n.root, 'etc/containerd/config.toml');
  writeFileSync(
    cfg,
    readFileSync(cfg, 'utf8').replace(
      'config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"',
      'config_path = "/etc/containerd/certs.d"',
    ),
  );
  return n;
}
const args21 = (n: { root: string; spec: string }) => [
  '-f',
  n.spec,
  '--root',
  n.root,
  '--runtime-version',
  '2.1.9',
];

describe('a blocked plan says it is blocked, with the reason', () => {
  test('plan: conflict, nothing else to change → exit 5 and no ✓', async () => {
    const n = blockedNode();
    const r = await runCli(['plan', ...args21(n)]);
    expect(r.code).toBe(5);
    expect(r.stdout).not.toContain('✓');
    expect(r.stdout).not.toContain('in sync');
    expect(r.stdout).toContain('✗ blocked by 1 error: nothing is applied until it is fixed');
    expect(r.stdout).toContain(
      '/etc/containerd/certs.d/docker.io/hosts.toml: exists and was not written by mirrorctl',
    );
  });

  test('apply and apply --dry-run: the same verdict, nothing written', async () => {
    const n = blockedNode();
    for (const extra of [['--dry-run'], ['--no-runtime-action']]) {
      const r = await runCli(['apply', ...args21(n), ...extra]);
      expect(r.code).toBe(5);
      expect(r.stdout).not.toContain('in sync');
      expect(r.stdout).toContain('✗ blocked by 1 error');
    }
  });

  test('plan: an entry the target cannot express → exit 2 and no ✓', async () => {
    const n = blockedNode();
    writeFileSync(
      n.spec,
      `${HUB}    - source: quay.io
      mirrors: [{ url: "https://quay-cache.example.com", pullFrom: tag-only }]
`.replace('source: docker.io', 'source: ghcr.io'),
    );
    const r = await runCli(['plan', ...args21(n)]);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('✓');
    expect(r.stdout).toContain('✗ blocked by');
    expect(r.stdout).toContain('containerd cannot limit a mirror to tags');
  });

  test('a blocked plan with changes shows them, then the verdict', async () => {
    const n = node('ubuntu-containerd17-legacy-mirrors', HUB);
    const r = await runCli(['plan', '-f', n.spec, '--root', n.root, '--runtime-version', '1.7.20']);
    expect(r.code).toBe(5);
    expect(r.stdout).toContain('+ create /etc/containerd/certs.d/docker.io/hosts.toml');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toContain('legacy mirrors');
    expect(r.stdout).toContain('✗ blocked by 1 error');
  });

  test('-o json of a blocked plan carries its errors (apply --plan refuses it)', async () => {
    const n = blockedNode();
    const r = await runCli(['plan', ...args21(n), '-o', 'json']);
    expect(r.code).toBe(5);
    const doc = JSON.parse(r.stdout) as { diagnostics: { severity: string }[]; action: { reason: string } };
    expect(doc.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(doc.action.reason).not.toBe('in sync');
  });
});

describe('a spec that selects no entry for the node says nothing is mirrored', () => {
  test('plan on a Docker node with only: [containerd] entries: in sync, with the warning', async () => {
    const n = node('docker-cri-dockerd', CONTAINERD_ONLY);
    const r = await runCli(['plan', '-f', n.spec, '--root', n.root, '--runtime-version', '24.0.7']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('⚠');
    expect(r.stderr).toContain('nothing on this node is mirrored');
    expect(r.stdout).not.toContain('✓');
    expect(r.stdout).toContain('⚠ in sync, but nothing on this node is mirrored');
    const json = await runCli(['plan', '-f', n.spec, '--root', n.root, '-o', 'json']);
    expect(json.stdout).toContain('plan.target.nothing-selected');
  });

  test('a spec that does select the node: no such warning', async () => {
    const n = node('docker-cri-dockerd', HUB);
    const r = await runCli(['plan', '-f', n.spec, '--root', n.root, '--runtime-version', '24.0.7']);
    expect(r.stderr).not.toContain('nothing on this node is mirrored');
  });

  test.each([
    ['docker', CONTAINERD_ONLY],
    ['crio', CONTAINERD_ONLY],
    ['openshift', CONTAINERD_ONLY],
    ['containerd', CONTAINERD_ONLY.replace('only: [containerd]', 'only: [crio]')],
    ['k3s', CONTAINERD_ONLY.replace('only: [containerd]', 'only: [crio]')],
  ])('render --target %s', async (target, spec) => {
    const n = node('docker-cri-dockerd', spec);
    const r = await runCli(['render', '-f', n.spec, '--target', target, '--out', join(n.dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`[${target}] spec.registries: nothing on this node is mirrored`);
  });
  // The cluster agent reports the same warning as a code on its MirrorNode (status.warnings):
  // test/cluster/agent/agent-process.test.ts 'carries warning codes'.
});
