// Credentials through import and convert (issue 17): whatever a foreign file holds (config.toml
// configs.auth, registries.yaml configs.auth, a hosts.toml Authorization: Basic header, Talos and
// Bottlerocket auth) goes to a separate 0600 auth.json named with --auth-out and is referenced from
// the spec, or is left out with a warning; it never appears in the spec or on stdout/stderr. Writing
// k3s/Talos/Bottlerocket with credentials happens only into a 0600 file (-o).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../src/cli/testing.js';
import { type K3sRegistries, patchRegistriesYaml } from '../../src/foreign/k3s-registries-yaml.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const PASSWORD = 'Sekr3t-Foreign-9q';
const SECRETS = [PASSWORD, b64(`puller:${PASSWORD}`)];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mirrorctl-creds-'));
  dirs.push(d);
  return d;
}
const put = (dir: string, p: string, text: string): string => {
  mkdirSync(join(dir, p, '..'), { recursive: true });
  writeFileSync(join(dir, p), text);
  return join(dir, p);
};
async function cli(argv: string[], cwd: string) {
  const r = await runCli(argv, { cwd });
  for (const s of SECRETS)
    expect(`${r.stdout}${r.stderr}`, `${argv.join(' ')} printed a secret`).not.toContain(s);
  return r;
}
const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

const K3S = `mirrors:
  docker.io:
    endpoint: ["https://harbor.example.com:8443"]
configs:
  "harbor.example.com:8443":
    auth:
      username: puller
      password: ${PASSWORD}
  "source-only.example.com":
    auth: { username: x, password: y }
`;

describe('convert --from k3s --to spec', () => {
  it('--auth-out writes the credentials (0600) and the spec names the file, relative to it', async () => {
    const d = tmp();
    put(d, 'registries.yaml', K3S);
    mkdirSync(join(d, 'out'));
    const r = await cli(
      [
        'convert',
        '--from',
        'k3s',
        '--to',
        'spec',
        'registries.yaml',
        '-o',
        'out/mirrors.yaml',
        '--auth-out',
        'out/auth.json',
      ],
      d,
    );
    expect(r.code, r.stderr).toBe(0);
    const spec = readFileSync(join(d, 'out/mirrors.yaml'), 'utf8');
    expect(spec).not.toContain(PASSWORD);
    expect(parse(spec).spec.registries[0].mirrors[0].auth).toEqual({ file: 'auth.json' });
    expect(mode(join(d, 'out/auth.json'))).toBe('600');
    expect(JSON.parse(readFileSync(join(d, 'out/auth.json'), 'utf8'))).toEqual({
      auths: { 'harbor.example.com:8443': { auth: b64(`puller:${PASSWORD}`) } },
    });
    expect(r.stderr).toContain('credentials for source-only.example.com were left out');
    // The written spec loads: the auth file has the mirror's entry.
    const explained = await cli(
      ['explain', 'nginx', '-f', join(d, 'out/mirrors.yaml'), '--target', 'crio'],
      d,
    );
    expect(explained.stdout).toContain('user puller (from auth.json), CRI-O auth file');
  });

  it('without --auth-out they are left out, with a warning naming the hosts and the flag', async () => {
    const d = tmp();
    put(d, 'registries.yaml', K3S);
    const r = await cli(['convert', '--from', 'k3s', '--to', 'spec', 'registries.yaml'], d);
    expect(r.code).toBe(0);
    expect(parse(r.stdout).spec.registries[0].mirrors[0].auth).toBeUndefined();
    expect(r.stderr).toContain(
      'credentials for harbor.example.com:8443 were found but a spec never holds them inline',
    );
    expect(r.stderr).toContain('--auth-out FILE');
  });
});

describe('convert --to k3s | talos | bottlerocket with credentials', () => {
  const spec = (d: string): string => {
    put(
      d,
      'auth.json',
      JSON.stringify({ auths: { 'harbor.example.com': { auth: b64(`puller:${PASSWORD}`) } } }),
    );
    return put(
      d,
      'mirrors.yaml',
      'apiVersion: mirrorctl/v1\nkind: MirrorSet\nmetadata: { name: creds }\nspec:\n  registries:\n    - source: docker.io\n      mirrors:\n        - url: https://harbor.example.com\n          auth: { file: auth.json }\n',
    );
  };

  it.each([
    [
      'k3s',
      [],
      (t: string) =>
        expect(parse(t).configs['harbor.example.com'].auth).toEqual({
          username: 'puller',
          password: PASSWORD,
        }),
    ],
    [
      'talos',
      [],
      (t: string) =>
        expect(t).toContain(
          `kind: RegistryAuthConfig\nname: harbor.example.com\nusername: puller\npassword: ${PASSWORD}`,
        ),
    ],
    [
      'talos',
      ['--talos-version', '1.11'],
      (t: string) =>
        expect(parse(t.replace(/^#.*\n/gm, '')).machine.registries.config['harbor.example.com'].auth).toEqual(
          {
            username: 'puller',
            password: PASSWORD,
          },
        ),
    ],
    [
      'bottlerocket',
      [],
      (t: string) =>
        expect(t).toContain(`registry = "harbor.example.com"\nusername = "puller"\npassword = "${PASSWORD}"`),
    ],
  ])('--to %s %j -o FILE: the native auth field, file 0600; stdout: left out', async (to, extra, check) => {
    const d = tmp();
    const s = spec(d);
    const r = await cli(['convert', '--to', to, ...extra, s, '-o', 'out.txt'], d);
    expect(r.code, r.stderr).toBe(0);
    check(readFileSync(join(d, 'out.txt'), 'utf8'));
    expect(mode(join(d, 'out.txt'))).toBe('600');
    const printed = await cli(['convert', '--to', to, ...extra, s], d);
    expect(printed.stdout).not.toContain('puller');
    expect(printed.stderr).toContain('are not printed');
  });
});

describe('import --from-node', () => {
  it('configs.auth of config.toml and a Basic header of hosts.toml become a referenced auth file', async () => {
    const root = tmp();
    const out = tmp();
    put(
      root,
      'etc/containerd/config.toml',
      `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/etc/containerd/certs.d"\n[plugins."io.containerd.grpc.v1.cri".registry.configs."harbor.example.com".auth]\nusername = "puller"\npassword = "${PASSWORD}"\n`,
    );
    put(
      root,
      'etc/containerd/certs.d/docker.io/hosts.toml',
      `server = "https://registry-1.docker.io"\n[host."https://harbor.example.com"]\ncapabilities = ["pull", "resolve"]\n`,
    );
    put(
      root,
      'etc/containerd/certs.d/quay.io/hosts.toml',
      `server = "https://quay.io"\n[host."https://cache.example.com"]\ncapabilities = ["pull", "resolve"]\n[host."https://cache.example.com".header]\nAuthorization = ["Basic ${b64(`puller:${PASSWORD}`)}"]\nX-Route = ["a"]\n`,
    );
    const r = await cli(
      [
        'import',
        '--from-node',
        '--root',
        root,
        '-o',
        join(out, 'mirrors.yaml'),
        '--auth-out',
        join(out, 'auth.json'),
      ],
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const spec = parse(readFileSync(join(out, 'mirrors.yaml'), 'utf8')).spec.registries;
    expect(spec).toEqual([
      { source: 'docker.io', mirrors: [{ url: 'https://harbor.example.com', auth: { file: 'auth.json' } }] },
      {
        source: 'quay.io',
        mirrors: [
          { url: 'https://cache.example.com', headers: { 'X-Route': ['a'] }, auth: { file: 'auth.json' } },
        ],
      },
    ]);
    expect(mode(join(out, 'auth.json'))).toBe('600');
    expect(Object.keys(JSON.parse(readFileSync(join(out, 'auth.json'), 'utf8')).auths).sort()).toEqual([
      'cache.example.com',
      'harbor.example.com',
    ]);
  });
});

describe('registries.yaml editor: configs.<host>.auth', () => {
  const want = (auth?: { username: string; password: string }): K3sRegistries => ({
    mirrors: { 'docker.io': { endpoint: ['https://harbor.example.com'] } },
    configs: auth ? { 'harbor.example.com': { auth } } : {},
  });
  it("writes the spec's credentials marked as mirrorctl's, removes only those, keeps anyone else's", () => {
    const foreign = `configs:\n  other.example.com:\n    auth:\n      username: a\n      password: b\n`;
    const withAuth = patchRegistriesYaml(
      foreign,
      want({ username: 'puller', password: 'pw' }),
      'creds',
      'r.yaml',
    );
    expect(withAuth.hasCredentials).toBe(true);
    expect(parse(withAuth.text!).configs['harbor.example.com'].auth).toEqual({
      username: 'puller',
      password: 'pw',
    });
    const without = patchRegistriesYaml(withAuth.text!, want(), 'creds', 'r.yaml');
    expect(parse(without.text!).configs).toEqual({
      'other.example.com': { auth: { username: 'a', password: 'b' } },
    });
  });
  it('a second run with the same spec changes nothing and calls nothing hand-made (the marker of a first key is found)', () => {
    const w = want({ username: 'puller', password: 'pw' });
    const once = patchRegistriesYaml(null, w, 'creds', 'r.yaml');
    const twice = patchRegistriesYaml(once.text!, w, 'creds', 'r.yaml');
    expect(twice.diagnostics).toEqual([]);
    expect(twice.text).toBe(once.text);
  });
  it('warns when it replaces a hand-written auth of a host', () => {
    const hand = `configs:\n  harbor.example.com:\n    auth: { username: hand, password: x }\n`;
    const r = patchRegistriesYaml(hand, want({ username: 'puller', password: 'pw' }), 'creds', 'r.yaml');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['distro.k3s.replaces-auth']);
  });
});
