// plan/apply/render through the real CLI over copies of captured host trees (temp-dir roots).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/testing.js';

const FIXTURES = new URL('../fixtures/hosts/', import.meta.url).pathname;
const SPEC = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: dpod }
spec:
  registries:
    - source: icr.io/cpopen
      mirrors:
        - url: https://mirror.example.com/v2/dpod
          path: api-root
    - source: docker.io
      mirrors:
        - url: https://cache.example.com
`;

const dirs: string[] = [];
function root(fixture: string): { root: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-cli-'));
  dirs.push(dir);
  cpSync(join(FIXTURES, fixture, 'tree'), join(dir, 'root'), { recursive: true });
  writeFileSync(join(dir, 'mirrors.yaml'), SPEC);
  return { root: join(dir, 'root'), spec: join(dir, 'mirrors.yaml') };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('containerd 1.6 node (Debian config default, config v2)', () => {
  test('plan shows hosts.toml creates and a restart; apply; second plan is in sync', async () => {
    const n = root('debian12-containerd16');
    const args = ['-f', n.spec, '--root', n.root, '--runtime-version', '1.6.20'];
    const plan = await runCli(['plan', ...args]);
    expect(plan.code, plan.stderr).toBe(1);
    expect(plan.stdout).toContain('create /etc/containerd/certs.d/icr.io/hosts.toml');
    expect(plan.stdout).toContain('create /etc/containerd/certs.d/docker.io/hosts.toml');
    expect(plan.stdout).toContain('+      config_path = "/etc/containerd/certs.d"');
    expect(plan.stdout).toMatch(/restart containerd/);

    const json = await runCli(['plan', ...args, '-o', 'json']);
    const doc = JSON.parse(json.stdout) as { apiVersion: string; action: { kind: string } };
    expect(doc.apiVersion).toBe('mirrorctl/plan-v1');
    expect(doc.action.kind).toBe('restart');

    const apply = await runCli(['apply', ...args, '--no-runtime-action']);
    expect(apply.code, apply.stderr).toBe(0);
    const hosts = readFileSync(join(n.root, 'etc/containerd/certs.d/icr.io/hosts.toml'), 'utf8');
    expect(hosts).toContain('[host."https://mirror.example.com/v2/dpod"]');
    expect(hosts).toContain('override_path = true');
    expect(readFileSync(join(n.root, 'etc/containerd/config.toml'), 'utf8')).toContain(
      'config_path = "/etc/containerd/certs.d"',
    );

    // Files in sync, but containerd was never restarted (--no-runtime-action): owed (issue 15.3).
    const again = await runCli(['plan', ...args]);
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toContain('files in sync, but containerd still owes a restart');
  });

  test('a mirror-only change later needs no restart of its own (only the one left owed)', async () => {
    const n = root('debian12-containerd16');
    const args = ['-f', n.spec, '--root', n.root, '--runtime-version', '1.6.20'];
    expect((await runCli(['apply', ...args, '--no-runtime-action'])).code).toBe(0);
    writeFileSync(n.spec, SPEC.replace('https://cache.example.com', 'https://cache2.example.com'));
    const plan = await runCli(['plan', ...args, '-o', 'json']);
    const doc = JSON.parse(plan.stdout) as {
      action: { kind: string; reason: string };
      changes: { path: string }[];
    };
    expect(doc.changes.map((c) => c.path)).toEqual(['/etc/containerd/certs.d/docker.io/hosts.toml']);
    // The first apply deferred its restart: the plan carries that one, not one of its own.
    expect(doc.action.kind).toBe('restart');
    expect(doc.action.reason).toMatch(/^restart of containerd deferred by --no-runtime-action at /);
  });

  test('a hand-made hosts.toml is not overwritten without --take-over', async () => {
    const n = root('containerd21-v3');
    const args = ['-f', n.spec, '--root', n.root, '--runtime-version', '2.1.9'];
    const plan = await runCli(['plan', ...args]);
    expect(plan.code).toBe(5);
    expect(plan.stderr).toContain('exists and was not written by mirrorctl');
    expect((await runCli(['plan', ...args, '--take-over'])).code).toBe(1);
  });
});

test('CRI-O node: drop-in and reload', async () => {
  const n = root('ubuntu-crio');
  const plan = await runCli([
    'plan',
    '-f',
    n.spec,
    '--root',
    n.root,
    '--runtime-version',
    '1.25.4',
    '-o',
    'json',
  ]);
  expect(plan.code, plan.stderr).toBe(1);
  const doc = JSON.parse(plan.stdout) as {
    target: string;
    action: { kind: string };
    changes: { path: string }[];
  };
  expect(doc.target).toBe('crio');
  expect(doc.action.kind).toBe('reload');
  expect(doc.changes.map((c) => c.path)).toContain(
    '/etc/containers/registries.conf.d/50-mirrorctl-dpod.conf',
  );
});

test('render writes the node files under --out', async () => {
  const n = root('debian12-containerd16');
  const out = join(n.root, '..', 'out');
  const r = await runCli([
    'render',
    '-f',
    n.spec,
    '--target',
    'containerd',
    '--runtime-version',
    '1.7.24',
    '--out',
    out,
  ]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.split('\n')).toContain('/etc/containerd/certs.d/icr.io/hosts.toml');
  expect(readFileSync(join(out, 'etc/containerd/config.toml'), 'utf8')).toContain('config_path');
});

test('invalid spec: exit 2 with the field named', async () => {
  const n = root('debian12-containerd16');
  writeFileSync(n.spec, SPEC.replace('https://cache.example.com', 'cache.example.com'));
  const r = await runCli(['plan', '-f', n.spec, '--root', n.root]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('spec.registries[1].mirrors[0].url');
});

describe('apply --plan FILE (a plan is data)', () => {
  test('applies the saved plan; refuses it once a file drifted', async () => {
    const n = root('debian12-containerd16');
    const args = ['--root', n.root, '--no-runtime-action'];
    const planned = await runCli([
      'plan',
      '-f',
      n.spec,
      '--root',
      n.root,
      '--runtime-version',
      '1.6.20',
      '-o',
      'json',
    ]);
    const planFile = join(n.root, '..', 'plan.json');
    writeFileSync(planFile, planned.stdout);
    // Somebody edits config.toml between plan and apply: the plan no longer describes the node.
    const cfg = join(n.root, 'etc/containerd/config.toml');
    const original = readFileSync(cfg, 'utf8');
    writeFileSync(cfg, `${original}# edited\n`);
    const refused = await runCli(['apply', '--plan', planFile, ...args]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('changed since the plan was made');
    writeFileSync(cfg, original);
    const applied = await runCli(['apply', '--plan', planFile, ...args]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toContain('config_path = "/etc/containerd/certs.d"');
  });

  test('a file that is not a plan is invalid input', async () => {
    const n = root('debian12-containerd16');
    const bad = join(n.root, '..', 'bad.json');
    writeFileSync(bad, JSON.stringify({ apiVersion: 'mirrorctl/plan-v1', changes: 'nope' }));
    const r = await runCli(['apply', '--plan', bad, '--root', n.root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a mirrorctl/plan-v1 plan');
  });
});
