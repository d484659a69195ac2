// plan/apply on captured k3s and RKE2 trees through the real CLI: registries.yaml is edited in place
// (hand-made keys and auth kept), TLS files land under /etc/rancher/<flavor>/mirrorctl, and the plan
// restarts the unit this node runs (server or agent).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../src/cli/testing.js';

const FIXTURES = new URL('../fixtures/hosts/', import.meta.url).pathname;
const CA = readFileSync(new URL('../golden/distro/ca.pem', import.meta.url), 'utf8');
const SPEC = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: dpod }
spec:
  registries:
    - source: icr.io/cpopen
      mirrors:
        - url: https://mirror.example.com/dpod
          tls: { caFile: ca.pem }
    - source: quay.io
      mirrors:
        - url: http://10.0.0.5:5000
`;

const dirs: string[] = [];
function root(fixture: string, spec = SPEC): { root: string; args: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-k3s-'));
  dirs.push(dir);
  cpSync(join(FIXTURES, fixture, 'tree'), join(dir, 'root'), { recursive: true });
  writeFileSync(join(dir, 'mirrors.yaml'), spec);
  writeFileSync(join(dir, 'ca.pem'), CA);
  return { root: join(dir, 'root'), args: ['-f', join(dir, 'mirrors.yaml'), '--root', join(dir, 'root')] };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface JsonPlan {
  target: string;
  action: { kind: string; service: string };
  changes: { kind: string; path: string; secret?: boolean; content?: string }[];
}

describe('k3s server node', () => {
  test('plan edits registries.yaml and restarts k3s; apply writes it; the next plan is in sync', async () => {
    const n = root('k3s');
    const plan = await runCli(['plan', ...n.args, '-o', 'json']);
    expect(plan.code, plan.stderr).toBe(1);
    const doc = JSON.parse(plan.stdout) as JsonPlan;
    expect(doc.action).toMatchObject({ kind: 'restart', service: 'k3s' });
    expect(doc.changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
      'create /etc/rancher/k3s/mirrorctl/mirror.example.com/ca.pem',
      'update /etc/rancher/k3s/registries.yaml',
    ]);
    const apply = await runCli(['apply', ...n.args, '--no-runtime-action']);
    expect(apply.code, apply.stderr).toBe(0);
    const written = parse(readFileSync(join(n.root, 'etc/rancher/k3s/registries.yaml'), 'utf8'));
    expect(written).toEqual({
      mirrors: {
        'docker.io': { endpoint: ['https://mirror.example.com'] },
        'icr.io': { endpoint: ['https://mirror.example.com'], rewrite: { '^cpopen/(.*)$': 'dpod/$1' } },
        'quay.io': { endpoint: ['http://10.0.0.5:5000'] },
      },
      configs: {
        'mirror.example.com': { tls: { ca_file: '/etc/rancher/k3s/mirrorctl/mirror.example.com/ca.pem' } },
      },
    });
    expect(
      readFileSync(join(n.root, 'etc/rancher/k3s/mirrorctl/mirror.example.com/ca.pem'), 'utf8'),
    ).toContain('BEGIN CERTIFICATE');
    // Files in sync, but the restart --no-runtime-action deferred is still owed (issue 15.3).
    const again = await runCli(['plan', ...n.args]);
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toContain('files in sync, but k3s still owes a restart');
  });

  test('auth is kept and the plan redacts the file; a later spec removes only mirrorctl keys', async () => {
    const n = root('k3s');
    const path = join(n.root, 'etc/rancher/k3s/registries.yaml');
    writeFileSync(
      path,
      `# hand-made\nmirrors:\n  docker.io:\n    endpoint: ["https://mirror.example.com"]\nconfigs:\n  mirror.example.com:\n    auth: { username: bob, password: hunter2 }\n`,
    );
    expect((await runCli(['apply', ...n.args, '--no-runtime-action'])).code).toBe(0);
    const after = readFileSync(path, 'utf8');
    expect(after).toContain('# hand-made');
    expect(parse(after).configs['mirror.example.com']).toEqual({
      auth: { username: 'bob', password: 'hunter2' },
      tls: { ca_file: '/etc/rancher/k3s/mirrorctl/mirror.example.com/ca.pem' },
    });
    writeFileSync(join(n.root, '..', 'mirrors.yaml'), SPEC.split('    - source: quay.io')[0]!);
    const plan = await runCli(['plan', ...n.args, '-o', 'json']);
    const doc = JSON.parse(plan.stdout) as JsonPlan;
    const edit = doc.changes.find((c) => c.path === '/etc/rancher/k3s/registries.yaml');
    expect(edit?.secret).toBe(true);
    expect(plan.stdout).not.toContain('hunter2');
    expect((await runCli(['apply', ...n.args, '--no-runtime-action'])).code).toBe(0);
    const last = parse(readFileSync(path, 'utf8'));
    expect(Object.keys(last.mirrors)).toEqual(['docker.io', 'icr.io']);
    expect(last.configs['mirror.example.com'].auth.password).toBe('hunter2');
  });

  test('an entry k3s cannot express exits 2 and names the field', async () => {
    const n = root(
      'k3s',
      SPEC.replace('url: http://10.0.0.5:5000', 'url: http://10.0.0.5:5000\n          pullFrom: digest-only'),
    );
    const plan = await runCli(['plan', ...n.args]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('spec.registries[1].mirrors[0].pullFrom');
  });
});

test('k3s agent node restarts k3s-agent', async () => {
  const n = root('k3s');
  rmSync(join(n.root, 'etc/rancher/k3s/k3s.yaml'));
  mkdirSync(join(n.root, 'etc/systemd/system'), { recursive: true });
  writeFileSync(join(n.root, 'etc/systemd/system/k3s-agent.service'), '[Service]\n');
  const doc = JSON.parse((await runCli(['plan', ...n.args, '-o', 'json'])).stdout) as JsonPlan;
  expect(doc.action).toMatchObject({ kind: 'restart', service: 'k3s-agent' });
});

test('RKE2 node: creates /etc/rancher/rke2/registries.yaml and restarts rke2-agent', async () => {
  const n = root('rke2');
  const doc = JSON.parse((await runCli(['plan', ...n.args, '-o', 'json'])).stdout) as JsonPlan;
  expect(doc.action).toMatchObject({ kind: 'restart', service: 'rke2' });
  expect(doc.changes.map((c) => `${c.kind} ${c.path}`)).toContain('create /etc/rancher/rke2/registries.yaml');
});

test('kind nodes take the plain containerd path', async () => {
  const n = root('kind');
  const doc = JSON.parse((await runCli(['plan', ...n.args, '-o', 'json'])).stdout) as JsonPlan;
  expect(doc.target).toBe('containerd');
  expect(doc.changes.map((c) => c.path)).toContain('/etc/containerd/certs.d/quay.io/hosts.toml');
});

test('Talos, OpenShift and Bottlerocket nodes are refused with the native command to run', async () => {
  for (const [fixture, words] of [
    ['talos', 'talosctl patch mc'],
    ['openshift-rhcos-crio', 'render --target openshift'],
    ['bottlerocket', 'apiclient apply'],
  ] as const) {
    const n = root(fixture);
    const plan = await runCli(['plan', ...n.args]);
    expect(plan.code).toBe(5);
    expect(plan.stderr).toContain(words);
  }
});
