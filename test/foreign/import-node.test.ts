// import --from-node over the captured host trees (through the CLI, read-only temp copies): what
// each runtime's files say comes back as a spec that validates, and what has no field is reported.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../src/cli/testing.js';

const FIXTURES = new URL('../fixtures/hosts/', import.meta.url).pathname;
const dirs: string[] = [];
function root(fixture?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-import-'));
  dirs.push(dir);
  if (fixture) cpSync(join(FIXTURES, fixture, 'tree'), dir, { recursive: true });
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const put = (r: string, p: string, text: string): void => {
  mkdirSync(join(r, p, '..'), { recursive: true });
  writeFileSync(join(r, p), text);
};
const registries = (stdout: string): unknown =>
  (parse(stdout) as { spec: { registries: unknown } }).spec.registries;

test.each([
  [
    'ubuntu-containerd17-legacy-mirrors',
    [
      { source: 'docker.io', mirrors: [{ url: 'https://mirror.example.com' }] },
      {
        source: 'icr.io',
        mirrors: [
          {
            url: 'https://harbor.example.com/v2/icr-proxy',
            path: 'api-root',
            tls: { caFile: '/etc/containerd/harbor-ca.pem' },
          },
        ],
      },
    ],
  ],
  ['k3s', [{ source: 'docker.io', mirrors: [{ url: 'https://mirror.example.com' }] }]],
  ['docker-cri-dockerd', [{ source: 'docker.io', mirrors: [{ url: 'https://mirror.example.com' }] }]],
  ['containerd21-v3', [{ source: 'docker.io', mirrors: [{ url: 'https://mirror.example.com' }] }]],
])('%s', async (fixture, want) => {
  const r = await runCli(['import', '--from-node', '--root', root(fixture)]);
  expect(r.code, r.stderr).toBe(0);
  expect(registries(r.stdout)).toEqual(want);
});

test('hosts.toml written by mirrorctl reads back (fallback false = last mirror as server, digest-only, headers)', async () => {
  const r = root();
  put(
    r,
    '/etc/containerd/certs.d/registry.k8s.io/hosts.toml',
    `server = "https://m2.example.com/v2/k8s"
override_path = true
capabilities = ["pull", "resolve"]

[host."https://m1.example.com"]
capabilities = ["pull"]
skip_verify = true
ca = "m1-ca.pem"
[host."https://m1.example.com".header]
Authorization = ["Basic abc"]
`,
  );
  put(
    r,
    '/etc/containerd/certs.d/_default/hosts.toml',
    `[host."http://10.0.0.5:5000"]\ncapabilities = ["pull", "resolve"]\n`,
  );
  const out = await runCli(['import', '--from-node', '--root', r]);
  expect(out.code, out.stderr).toBe(0);
  expect(registries(out.stdout)).toEqual([
    { source: '*', mirrors: [{ url: 'http://10.0.0.5:5000' }] },
    {
      source: 'registry.k8s.io',
      fallback: false,
      mirrors: [
        {
          url: 'https://m1.example.com',
          pullFrom: 'digest-only',
          tls: { insecureSkipVerify: true, caFile: '/etc/containerd/certs.d/registry.k8s.io/m1-ca.pem' },
          headers: { Authorization: ['Basic abc'] },
        },
        { url: 'https://m2.example.com/v2/k8s', path: 'api-root' },
      ],
    },
  ]);
});

test('registries.conf.d: blocked + digest-only + insecure; a second file for the same registry is reported', async () => {
  const r = root();
  put(
    r,
    '/etc/containers/registries.conf.d/10-mirrors.conf',
    `[[registry]]
prefix = "quay.io/team"
location = "quay.io/team"
blocked = true
mirror-by-digest-only = true
[[registry.mirror]]
location = "mirror.example.com/team"
insecure = true
`,
  );
  put(r, '/etc/docker/daemon.json', '{"registry-mirrors": ["https://hub.example.com"]}');
  put(
    r,
    '/etc/rancher/k3s/registries.yaml',
    'mirrors:\n  docker.io:\n    endpoint: ["https://other.example.com"]\n',
  );
  const out = await runCli(['import', '--from-node', '--root', r]);
  expect(out.code, out.stderr).toBe(0);
  expect(registries(out.stdout)).toEqual([
    { source: 'docker.io', mirrors: [{ url: 'https://other.example.com' }] },
    {
      source: 'quay.io/team',
      fallback: false,
      mirrors: [
        {
          url: 'https://mirror.example.com/team',
          pullFrom: 'digest-only',
          tls: { insecureSkipVerify: true },
        },
      ],
    },
  ]);
  expect(out.stderr).toContain('docker.io is configured here too');
});

test('a node without mirrors is an error naming the root', async () => {
  const out = await runCli(['import', '--from-node', '--root', root('ubuntu-crio')]);
  expect(out.code).toBe(2);
  expect(out.stderr).toContain('no registry mirrors');
});

// Issue 15.10: import runs the renderers' lints on the spec it produces (what explain and plan would
// say), and says when a file it read is one the node's runtime does not read.
const SEED_HOSTS = new URL(
  '../golden/containerd/seed-dpod/expected/etc/containerd/certs.d/icr.io/hosts.toml',
  import.meta.url,
).pathname;

test("the seed's hosts.toml: import warns what explain warns about the spec it produced", async () => {
  const r = root();
  put(r, '/etc/containerd/certs.d/icr.io/hosts.toml', readFileSync(SEED_HOSTS, 'utf8'));
  const out = await runCli(['import', '--from-node', '--root', r]);
  expect(out.code, out.stderr).toBe(0);
  expect(out.stderr).toContain('api-root URL has no /v2 in its path');
  const spec = join(r, 'imported.yaml');
  writeFileSync(spec, out.stdout);
  const explained = await runCli(['explain', 'icr.io/cpopen/foo:1', '-f', spec, '--target', 'containerd']);
  const finding = /api-root URL has no \/v2 in its path[^\n]*/.exec(explained.stdout)?.[0];
  expect(finding).toBeDefined();
  expect(out.stderr).toContain(`imported spec: ${finding}`);
});

test('a Docker node: /etc/containers/registries.conf is imported with a warning that dockerd never reads it', async () => {
  const r = root('docker-cri-dockerd');
  put(
    r,
    '/etc/containers/registries.conf',
    '[[registry]]\nprefix = "quay.io"\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = "quay-mirror.example.com"\n',
  );
  const out = await runCli(['import', '--from-node', '--root', r, '--runtime-version', '24.0.7']);
  expect(out.code, out.stderr).toBe(0);
  expect(out.stderr).toContain(
    '/etc/containers/registries.conf docker does not read /etc/containers/registries.conf',
  );
  expect(out.stderr).toContain('has no effect on');
  // … and the Docker renderer's verdict on the imported quay.io entry.
  expect(out.stderr).toContain('"quay.io" cannot be mirrored through daemon.json');
  expect(out.stderr).not.toContain('/etc/docker/daemon.json docker does not read');
});

test('containerd without config_path does not read certs.d: said at import', async () => {
  const r = root('debian12-containerd16');
  put(r, '/etc/containerd/certs.d/docker.io/hosts.toml', '[host."https://cache.example.com"]\n');
  const out = await runCli(['import', '--from-node', '--root', r, '--runtime-version', '1.6.20']);
  expect(out.code, out.stderr).toBe(0);
  expect(out.stderr).toContain("containerd's config_path does not name /etc/containerd/certs.d");
  // With config_path naming it (containerd21-v3), the same file is read: no such warning.
  const read = await runCli(['import', '--from-node', '--root', root('containerd21-v3')]);
  expect(read.code, read.stderr).toBe(0);
  expect(read.stderr).not.toContain('does not read');
});
