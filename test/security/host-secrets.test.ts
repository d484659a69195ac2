// Credentials already on the host (issue 15.14): a password, auth, identitytoken, header value or
// proxy password in config.toml, hosts.toml, registries.conf.d, daemon.json or registries.yaml never
// reaches any output — plan (text, -o json/yaml), apply (text, --dry-run, -o json), status, rollback,
// uninstall, import, detect — while the files keep them byte for byte and `apply --plan FILE` still
// applies a plan whose file holds no secret (it takes them from the node, checked by hash).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/testing.js';

const FIXTURES = new URL('../fixtures/hosts/', import.meta.url).pathname;
/** Every secret planted below; none may appear in any output. */
const SECRETS = [
  'PASSWORD-7c1e',
  'AUTH-B64-2e8b',
  'IDTOKEN-3f7c',
  'HEADER-VALUE-4a6d',
  'AUTHS-PASSWORD-9d0f',
  'PROXY-PASSWORD-5b2e',
  'DROPIN-TOKEN-6c3a',
  'HOSTS-HEADER-8e1b',
  'K3S-PASSWORD-0a9c',
  'MIRROR-PASSWORD-1f4d',
];

const CONFIG_SECRETS = `      [plugins."io.containerd.grpc.v1.cri".registry.auths]
        "https://gcr.io" = { username = "svc", password = "AUTHS-PASSWORD-9d0f" }

      [plugins."io.containerd.grpc.v1.cri".registry.configs]
        [plugins."io.containerd.grpc.v1.cri".registry.configs."registry.corp.example".auth]
          username = "svc"
          password = "PASSWORD-7c1e"
          auth = 'AUTH-B64-2e8b'
          identitytoken = "IDTOKEN-3f7c"

      [plugins."io.containerd.grpc.v1.cri".registry.headers]
        X-Meta-Token = ["HEADER-VALUE-4a6d"]
`;
const CONFIG_EMPTY = `      [plugins."io.containerd.grpc.v1.cri".registry.auths]

      [plugins."io.containerd.grpc.v1.cri".registry.configs]

      [plugins."io.containerd.grpc.v1.cri".registry.headers]
`;

const spec = (extra = ''): string => `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: dpod }
spec:
  registries:
    - source: docker.io
      mirrors:
        - url: https://cache.example.com${extra}
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function node(fixture: string, specText = spec()): { dir: string; root: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-host-secrets-'));
  dirs.push(dir);
  cpSync(join(FIXTURES, fixture, 'tree'), join(dir, 'root'), { recursive: true });
  writeFileSync(join(dir, 'mirrors.yaml'), specText);
  return { dir, root: join(dir, 'root'), spec: join(dir, 'mirrors.yaml') };
}
const put = (root: string, path: string, text: string): void => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
function plantConfigSecrets(root: string): string {
  const file = join(root, 'etc/containerd/config.toml');
  const before = readFileSync(file, 'utf8');
  expect(before).toContain(CONFIG_EMPTY);
  writeFileSync(file, before.replace(CONFIG_EMPTY, CONFIG_SECRETS));
  return readFileSync(file, 'utf8');
}

/** Runs every verb given, keeping what each printed. */
function recorder() {
  const outputs: [string, string][] = [];
  return {
    outputs,
    run: async (what: string, argv: string[]): Promise<number> => {
      const r = await runCli(argv);
      outputs.push([what, r.stdout + r.stderr]);
      return r.code;
    },
    expectNoSecret(): void {
      for (const [what, out] of outputs)
        for (const s of SECRETS) expect(out, `${what} leaks ${s}`).not.toContain(s);
    },
  };
}

describe('host secrets stay out of every output', () => {
  test('containerd config.toml: auths, configs.auth (password, auth, identitytoken), registry.headers', async () => {
    const n = node('debian12-containerd16');
    const original = plantConfigSecrets(n.root);
    const base = ['-f', n.spec, '--root', n.root, '--runtime', 'containerd', '--runtime-version', '1.6.20'];
    const out = recorder();
    expect(await out.run('plan', ['plan', ...base])).toBe(1);
    expect(await out.run('plan -o json', ['plan', ...base, '-o', 'json'])).toBe(1);
    expect(await out.run('plan -o yaml', ['plan', ...base, '-o', 'yaml'])).toBe(1);
    expect(await out.run('plan --verbose', ['--verbose', 'plan', ...base])).toBe(1);
    expect(await out.run('apply --dry-run', ['apply', ...base, '--dry-run'])).toBe(0);
    expect(await out.run('apply --dry-run -o json', ['apply', ...base, '--dry-run', '-o', 'json'])).toBe(0);
    expect(await out.run('detect', ['detect', '--root', n.root])).toBeTypeOf('number');
    expect(await out.run('detect -o json', ['detect', '--root', n.root, '-o', 'json'])).toBeTypeOf('number');
    expect(await out.run('import', ['import', '--from-node', '--root', n.root])).toBeTypeOf('number');
    expect(await out.run('apply -o json', ['apply', ...base, '--no-runtime-action', '-o', 'json'])).toBe(0);
    // The secrets are still on the node, exactly where they were (only config_path was added).
    const after = readFileSync(join(n.root, 'etc/containerd/config.toml'), 'utf8');
    expect(after).toContain(CONFIG_SECRETS);
    expect(after.replace('config_path = "/etc/containerd/certs.d"', 'config_path = ""')).toBe(original);
    expect(await out.run('status -o json', ['status', '--root', n.root, '-o', 'json'])).toBeTypeOf('number');
    expect(await out.run('uninstall --dry-run', ['uninstall', '--root', n.root, '--dry-run'])).toBe(0);
    expect(
      await out.run('rollback -o json', ['rollback', '--root', n.root, '--no-runtime-action', '-o', 'json']),
    ).toBe(0);
    expect(readFileSync(join(n.root, 'etc/containerd/config.toml'), 'utf8')).toBe(original);
    out.expectNoSecret();
    // The redaction is visible: the diff says where a value was hidden.
    expect(out.outputs[0]![1]).toContain('<redacted');
  });

  test('a header dropped from the spec: the old hosts.toml in the diff shows no value', async () => {
    const n = node(
      'debian12-containerd16',
      spec('\n          headers: { Authorization: ["Bearer HOSTS-HEADER-8e1b"] }'),
    );
    const base = ['-f', n.spec, '--root', n.root, '--runtime', 'containerd', '--runtime-version', '1.6.20'];
    expect((await runCli(['apply', ...base, '--no-runtime-action'])).code).toBe(0);
    writeFileSync(n.spec, spec());
    const out = recorder();
    expect(await out.run('plan', ['plan', ...base])).toBe(1);
    expect(await out.run('plan -o json', ['plan', ...base, '-o', 'json'])).toBe(1);
    expect(await out.run('apply', ['apply', ...base, '--no-runtime-action'])).toBe(0);
    out.expectNoSecret();
    expect(out.outputs[0]![1]).toContain('-Authorization = [ "<redacted');
  });

  test('import copies header values into the spec (it needs them), says so, and writes the file 0600', async () => {
    const n = node(
      'debian12-containerd16',
      spec('\n          headers: { Authorization: ["Bearer HOSTS-HEADER-8e1b"] }'),
    );
    const base = ['-f', n.spec, '--root', n.root, '--runtime', 'containerd', '--runtime-version', '1.6.20'];
    expect((await runCli(['apply', ...base, '--no-runtime-action'])).code).toBe(0);
    const file = join(n.dir, 'imported.yaml');
    const r = await runCli(['import', '--from-node', '--root', n.root, '-o', file]);
    expect(r.code, r.stderr).toBe(0);
    for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
    expect(r.stderr).toContain('the spec carries the header values of hosts.toml');
    expect(readFileSync(file, 'utf8')).toContain('Bearer HOSTS-HEADER-8e1b');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test('daemon.json: a proxy password and credential keys', async () => {
    const n = node('docker-cri-dockerd');
    put(
      n.root,
      '/etc/docker/daemon.json',
      `${JSON.stringify(
        {
          'log-driver': 'json-file',
          proxies: { 'http-proxy': 'http://proxyuser:PROXY-PASSWORD-5b2e@proxy.corp:3128' },
          'registry-mirrors': ['https://mirroruser:MIRROR-PASSWORD-1f4d@old.example.com'],
          'example-plugin': { password: 'PASSWORD-7c1e', identitytoken: 'IDTOKEN-3f7c' },
        },
        null,
        2,
      )}\n`,
    );
    const base = ['-f', n.spec, '--root', n.root, '--runtime-version', '24.0.7'];
    const out = recorder();
    expect(await out.run('plan', ['plan', ...base])).toBe(1);
    expect(await out.run('plan -o json', ['plan', ...base, '-o', 'json'])).toBe(1);
    expect(await out.run('apply --dry-run', ['apply', ...base, '--dry-run'])).toBe(0);
    expect(await out.run('detect -o json', ['detect', '--root', n.root, '-o', 'json'])).toBeTypeOf('number');
    expect(await out.run('import', ['import', '--from-node', '--root', n.root])).toBeTypeOf('number');
    expect(await out.run('apply -o json', ['apply', ...base, '--no-runtime-action', '-o', 'json'])).toBe(0);
    out.expectNoSecret();
    expect(out.outputs[0]![1]).toContain('proxyuser:<redacted');
    const written = readFileSync(join(n.root, 'etc/docker/daemon.json'), 'utf8');
    expect(written).toContain('PROXY-PASSWORD-5b2e');
    expect(written).toContain('PASSWORD-7c1e');
  });

  // The cluster agent's status, Events and log: test/cluster/agent-secrets.test.ts.

  test('registries.conf.d: a hand-made file at mirrorctl’s path, taken over', async () => {
    const n = node('ubuntu-crio');
    put(
      n.root,
      '/etc/containers/registries.conf.d/50-mirrorctl-dpod.conf',
      '# hand-made\ntoken = "DROPIN-TOKEN-6c3a"\n[[registry]]\nprefix = "docker.io"\nlocation = "docker.io"\n',
    );
    const base = ['-f', n.spec, '--root', n.root, '--runtime-version', '1.25.4', '--take-over'];
    const out = recorder();
    expect(await out.run('plan', ['plan', ...base])).toBe(1);
    expect(await out.run('plan -o json', ['plan', ...base, '-o', 'json'])).toBe(1);
    expect(await out.run('apply -o json', ['apply', ...base, '--no-runtime-action', '-o', 'json'])).toBe(0);
    out.expectNoSecret();
  });

  test('k3s registries.yaml with registry credentials', async () => {
    const n = node('k3s');
    put(
      n.root,
      '/etc/rancher/k3s/registries.yaml',
      'mirrors:\n  docker.io:\n    endpoint: ["https://old.example.com"]\nconfigs:\n  registry.corp.example:\n    auth:\n      username: svc\n      password: K3S-PASSWORD-0a9c\n',
    );
    const base = ['-f', n.spec, '--root', n.root];
    const out = recorder();
    expect(await out.run('plan', ['plan', ...base])).toBe(1);
    expect(await out.run('plan -o json', ['plan', ...base, '-o', 'json'])).toBe(1);
    expect(await out.run('apply --dry-run', ['apply', ...base, '--dry-run'])).toBe(0);
    expect(await out.run('import', ['import', '--from-node', '--root', n.root])).toBeTypeOf('number');
    out.expectNoSecret();
  });
});

describe('apply --plan FILE: the file holds no secret, the apply still writes them', () => {
  /** A containerd 1.6 node with secrets in config.toml, and `plan -o json` saved to plan.json. */
  async function plannedNode() {
    const n = node('debian12-containerd16');
    const original = plantConfigSecrets(n.root);
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
    const planFile = join(n.dir, 'plan.json');
    writeFileSync(planFile, planned.stdout);
    const apply = () => runCli(['apply', '--plan', planFile, '--root', n.root, '--no-runtime-action']);
    return { n, original, planned, apply };
  }

  test('the node’s secrets are taken from the node, checked by hash', async () => {
    const { n, original, planned, apply } = await plannedNode();
    expect(planned.code, planned.stderr).toBe(1);
    for (const s of SECRETS) expect(planned.stdout).not.toContain(s);
    const applied = await apply();
    expect(applied.code, applied.stderr).toBe(0);
    for (const s of SECRETS) expect(applied.stdout + applied.stderr).not.toContain(s);
    const after = readFileSync(join(n.root, 'etc/containerd/config.toml'), 'utf8');
    expect(after.replace('config_path = "/etc/containerd/certs.d"', 'config_path = ""')).toBe(original);
  });

  test('a secret changed on the node since the plan: refused, nothing written', async () => {
    const { n, original, apply } = await plannedNode();
    const rotated = original.replace('PASSWORD-7c1e', 'PASSWORD-rotated');
    writeFileSync(join(n.root, 'etc/containerd/config.toml'), rotated);
    const r = await apply();
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('changed since the plan was made');
    expect(readFileSync(join(n.root, 'etc/containerd/config.toml'), 'utf8')).toBe(rotated);
  });
});
