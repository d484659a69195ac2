// Mirror credentials named by a spec (issue 17) never reach any output: every verb — plan (text,
// -o json/yaml, --verbose), apply (--dry-run, text, -o json), explain (text, json), render, status,
// rollback, uninstall, verify, preflight, import, convert, detect — on every target that writes them
// (containerd header, containerd-legacy configs.auth, CRI-O auth.json, k3s registries.yaml, Docker's
// warning), with the password, base64(user:password) and base64(password) checked in all of it. The
// files that hold them are 0600 on the node, in the backups, and the plan file keeps hashes only.
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/testing.js';

const FIXTURES = new URL('../fixtures/hosts/', import.meta.url).pathname;
const USER = 'puller';
const PASSWORD = 'Mirror-Pw-7xQ2-zz9';
const b64 = (s: string): string => Buffer.from(s).toString('base64');
/** The secret as every form it could leak in. */
const SECRETS = [PASSWORD, b64(`${USER}:${PASSWORD}`), b64(PASSWORD)];
const MIRROR = 'harbor.example.com:8443';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Node {
  dir: string;
  root: string;
  spec: string;
}

/** A node tree (fixture or empty) and a spec whose one mirror names auth.json beside it. */
function node(fixture: string | undefined, source: string, only?: string): Node {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-spec-creds-'));
  dirs.push(dir);
  const root = join(dir, 'root');
  mkdirSync(root);
  if (fixture) cpSync(join(FIXTURES, fixture, 'tree'), root, { recursive: true });
  writeFileSync(
    join(dir, 'auth.json'),
    JSON.stringify({ auths: { [MIRROR]: { auth: b64(`${USER}:${PASSWORD}`) } } }),
  );
  const path = source === 'docker.io' ? '' : '/v2/dpod';
  const mode = source === 'docker.io' ? '' : '\n          path: api-root';
  writeFileSync(
    join(dir, 'mirrors.yaml'),
    `apiVersion: mirrorctl/v1\nkind: MirrorSet\nmetadata: { name: creds }\nspec:\n  registries:\n    - source: ${source}${only ? `\n      only: [${only}]` : ''}\n      mirrors:\n        - url: https://${MIRROR}${path}${mode}\n          auth: { file: auth.json }\n`,
  );
  return { dir, root, spec: join(dir, 'mirrors.yaml') };
}
const put = (root: string, p: string, text: string): void => {
  mkdirSync(join(root, p, '..'), { recursive: true });
  writeFileSync(join(root, p), text);
};

function recorder() {
  const outputs: [string, string][] = [];
  return {
    outputs,
    async run(what: string, argv: string[], cwd?: string): Promise<number> {
      const r = await runCli(argv, cwd ? { cwd } : {});
      outputs.push([what, r.stdout + r.stderr]);
      return r.code;
    },
    expectNoSecret(): void {
      expect(outputs.length).toBeGreaterThan(0);
      for (const [what, out] of outputs)
        for (const s of SECRETS) expect(out, `${what} leaks ${s}`).not.toContain(s);
    },
  };
}

/** Every file under `dir` holding the secret is 0600 (node files and mirrorctl's backups). */
function expectSecretFilesPrivate(dir: string): string[] {
  const holding: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && SECRETS.some((s) => readFileSync(p, 'utf8').includes(s))) {
        holding.push(p);
        expect((statSync(p).mode & 0o777).toString(8), p).toBe('600');
      }
    }
  };
  walk(dir);
  return holding;
}

/** The verbs every target shares, run around one apply. */
async function everyVerb(
  n: Node,
  base: string[],
  out: ReturnType<typeof recorder>,
  target: string,
): Promise<void> {
  const list = join(n.dir, 'images.txt');
  writeFileSync(list, 'icr.io/cpopen/x:1\ndocker.io/library/nginx:1\n');
  expect(await out.run('plan', ['plan', ...base])).toBeTypeOf('number');
  expect(await out.run('plan -o json', ['plan', ...base, '-o', 'json'])).toBeTypeOf('number');
  expect(await out.run('plan -o yaml', ['plan', ...base, '-o', 'yaml'])).toBeTypeOf('number');
  expect(await out.run('plan --verbose', ['--verbose', 'plan', ...base])).toBeTypeOf('number');
  expect(await out.run('apply --dry-run', ['apply', ...base, '--dry-run'])).toBe(0);
  expect(await out.run('apply --dry-run -o json', ['apply', ...base, '--dry-run', '-o', 'json'])).toBe(0);
  expect(await out.run('apply --verbose', ['--verbose', 'apply', ...base, '--no-runtime-action'])).toBe(0);
  expect(await out.run('apply again -o json', ['apply', ...base, '--no-runtime-action', '-o', 'json'])).toBe(
    0,
  );
  expect(await out.run('status', ['status', '--root', n.root])).toBeTypeOf('number');
  expect(await out.run('status -o json', ['status', '--root', n.root, '-o', 'json'])).toBeTypeOf('number');
  expect(await out.run('explain', ['explain', 'icr.io/cpopen/x:1', 'nginx:1', '-f', n.spec])).toBe(0);
  expect(
    await out.run('explain -o json', ['explain', 'icr.io/cpopen/x:1', 'nginx:1', '-f', n.spec, '-o', 'json']),
  ).toBe(0);
  expect(
    await out.run('render', ['render', '-f', n.spec, '--target', target, '--out', join(n.dir, 'render')]),
  ).toBeTypeOf('number');
  expect(
    await out.run('preflight', [
      'preflight',
      '-f',
      n.spec,
      '--images',
      list,
      '--timeout',
      '1',
      '--retries',
      '0',
    ]),
  ).toBe(1);
  expect(
    await out.run('preflight -o json', [
      'preflight',
      '-f',
      n.spec,
      '--images',
      list,
      '--timeout',
      '1',
      '--retries',
      '0',
      '-o',
      'json',
    ]),
  ).toBe(1);
  expect(
    await out.run('verify', [
      'verify',
      '-f',
      n.spec,
      '--root',
      n.root,
      '--image',
      'icr.io/cpopen/x:1',
      '--no-pull',
    ]),
  ).toBeTypeOf('number');
  expect(
    await out.run('verify -o json', [
      'verify',
      '-f',
      n.spec,
      '--root',
      n.root,
      '--image',
      'nginx:1',
      '--no-pull',
      '-o',
      'json',
    ]),
  ).toBeTypeOf('number');
  expect(await out.run('detect -o json', ['detect', '--root', n.root, '-o', 'json'])).toBeTypeOf('number');
  expect(await out.run('import', ['import', '--from-node', '--root', n.root])).toBeTypeOf('number');
  expect(
    await out.run('import --auth-out', [
      'import',
      '--from-node',
      '--root',
      n.root,
      '--auth-out',
      join(n.dir, 'imported-auth.json'),
    ]),
  ).toBeTypeOf('number');
  for (const to of ['spec', 'k3s', 'talos', 'bottlerocket', 'openshift', 'docker'])
    expect(await out.run(`convert --to ${to}`, ['convert', '--to', to, n.spec])).toBeTypeOf('number');
  expect(await out.run('uninstall --dry-run', ['uninstall', '--root', n.root, '--dry-run'])).toBeTypeOf(
    'number',
  );
  expect(await out.run('rollback', ['rollback', '--root', n.root, '--no-runtime-action'])).toBeTypeOf(
    'number',
  );
  // rollback backed up the files it replaced, secret ones included: 0600 there too.
  expectSecretFilesPrivate(n.root);
  expect(
    await out.run('uninstall -o json', ['uninstall', '--root', n.root, '--no-runtime-action', '-o', 'json']),
  ).toBeTypeOf('number');
}

/** Before anything is applied: the plan as a file shows the secret files by hash or placeholder. */
async function planFile(_n: Node, base: string[], out: ReturnType<typeof recorder>): Promise<void> {
  expect(await out.run('plan -o json (file)', ['plan', ...base, '-o', 'json'])).toBe(1);
  expect(out.outputs.at(-1)?.[1]).toMatch(/<redacted(: secret, sha256:[0-9a-f]{64}|:\d+)>/);
}

describe('a spec naming mirror credentials: no output of any verb holds them', () => {
  test('containerd (Authorization header in hosts.toml)', async () => {
    const n = node('debian12-containerd16', 'icr.io', 'containerd');
    const base = ['-f', n.spec, '--root', n.root, '--runtime', 'containerd', '--runtime-version', '1.6.20'];
    const out = recorder();
    await planFile(n, base, out);
    expect((await runCli(['apply', ...base, '--no-runtime-action'])).code).toBe(0);
    const hosts = join(n.root, 'etc/containerd/certs.d/icr.io/hosts.toml');
    expect(readFileSync(hosts, 'utf8')).toContain(b64(`${USER}:${PASSWORD}`));
    expect(expectSecretFilesPrivate(n.root)).toContain(hosts);
    await everyVerb(n, base, out, 'containerd');
    out.expectNoSecret();
  });

  test('containerd-legacy (config.toml configs.auth)', async () => {
    const n = node('debian12-containerd16', 'icr.io', 'containerd-legacy');
    const base = [
      '-f',
      n.spec,
      '--root',
      n.root,
      '--runtime',
      'containerd-legacy',
      '--runtime-version',
      '1.6.20',
    ];
    const out = recorder();
    await planFile(n, base, out);
    expect(await out.run('apply', ['apply', ...base, '--no-runtime-action'])).toBe(0);
    expect(readFileSync(join(n.root, 'etc/containerd/config.toml'), 'utf8')).toContain(PASSWORD);
    await everyVerb(n, base, out, 'containerd-legacy');
    out.expectNoSecret();
  });

  test('crio (the containers auth file, merged)', async () => {
    const n = node(undefined, 'icr.io/cpopen', 'crio');
    put(n.root, 'etc/containers/registries.conf', 'unqualified-search-registries = []\n');
    put(
      n.root,
      'etc/containers/auth.json',
      JSON.stringify({ auths: { 'quay.io': { auth: b64('q:other-secret') } } }),
    );
    const base = ['-f', n.spec, '--root', n.root, '--runtime', 'crio', '--runtime-version', '1.25.4'];
    const out = recorder();
    await planFile(n, base, out);
    expect(await out.run('apply', ['apply', ...base, '--no-runtime-action'])).toBe(0);
    const auth = join(n.root, 'etc/containers/auth.json');
    expect(expectSecretFilesPrivate(n.root)).toContain(auth);
    await everyVerb(n, base, out, 'crio');
    out.expectNoSecret();
    for (const [what, o] of out.outputs) expect(o, what).not.toContain(b64('q:other-secret'));
  });

  test('docker (nothing written; the warning names no secret)', async () => {
    const n = node('docker-cri-dockerd', 'docker.io', 'docker');
    const base = ['-f', n.spec, '--root', n.root, '--runtime', 'docker', '--runtime-version', '24.0.7'];
    const out = recorder();
    await everyVerb(n, base, out, 'docker');
    expect(out.outputs.map(([, o]) => o).join('')).toContain('dockerd has no credential setting');
    out.expectNoSecret();
  });

  test('k3s (registries.yaml configs.<mirror>.auth, 0600)', async () => {
    const n = node('k3s', 'docker.io');
    const base = ['-f', n.spec, '--root', n.root];
    const out = recorder();
    await planFile(n, base, out);
    expect(await out.run('apply', ['apply', ...base, '--no-runtime-action'])).toBe(0);
    const yaml = join(n.root, 'etc/rancher/k3s/registries.yaml');
    expect(readFileSync(yaml, 'utf8')).toContain(PASSWORD);
    expect(expectSecretFilesPrivate(n.root)).toContain(yaml);
    await everyVerb(n, base, out, 'k3s');
    out.expectNoSecret();
  });

  test('convert -o FILE with credentials writes them only into the 0600 file', async () => {
    const n = node(undefined, 'docker.io');
    const out = recorder();
    for (const to of ['k3s', 'talos', 'bottlerocket']) {
      const file = join(n.dir, `out-${to}`);
      expect(await out.run(`convert --to ${to} -o`, ['convert', '--to', to, n.spec, '-o', file])).toBe(0);
      expect(readFileSync(file, 'utf8')).toContain(PASSWORD);
      expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    }
    out.expectNoSecret();
  });
});
