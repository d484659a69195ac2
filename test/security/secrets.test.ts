// Secrets: header values and client keys never appear in plans, diffs, JSON output, logs, status,
// rollback/uninstall results or the agent's result line; the files holding them are written 0600,
// and so are mirrorctl's own copies (journal, backups) that must hold them.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/testing.js';
import { DEFAULT_PATHS } from '../../src/formats/node-paths.js';
import { renderContainerdHosts } from '../../src/render/containerd-hosts.js';
import { renderContainerdLegacy } from '../../src/render/containerd-legacy.js';
import { renderDockerDaemon } from '../../src/render/docker-daemon.js';
import { renderRegistriesConf } from '../../src/render/registries-conf.js';
import type { RenderContext, RenderedFile } from '../../src/render/types.js';
import type { Mirror, MirrorSet, Target } from '../../src/spec/types.js';

const FIXTURES = new URL('../fixtures/hosts/', import.meta.url).pathname;
const TLS = new URL('../spec-corpus/tls/', import.meta.url).pathname;
const HEADER_SECRET = 'Bearer SECRET-HEADER-4f1c9e';
const KEY_PEM = readFileSync(join(TLS, 'client.key'), 'utf8');
/** Every base64 line of the private key: none may leak, not even one. */
const KEY_LINES = KEY_PEM.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));

const spec = (dir: string): string => `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: dpod }
spec:
  registries:
    - source: quay.io
      mirrors:
        - url: https://mirror.example.com
          headers:
            Authorization: ["${HEADER_SECRET}"]
          tls:
            certFile: ${join(dir, 'client.pem')}
            keyFile: ${join(dir, 'client.key')}
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function node(): { dir: string; root: string; spec: string; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-secrets-'));
  dirs.push(dir);
  cpSync(join(FIXTURES, 'debian12-containerd16', 'tree'), join(dir, 'root'), { recursive: true });
  cpSync(join(TLS, 'client.pem'), join(dir, 'client.pem'));
  cpSync(join(TLS, 'client.key'), join(dir, 'client.key'));
  const text = spec(dir);
  writeFileSync(join(dir, 'mirrors.yaml'), text);
  return { dir, root: join(dir, 'root'), spec: join(dir, 'mirrors.yaml'), text };
}

function expectNoSecret(what: string, out: string): void {
  expect(out, `${what} leaks the header value`).not.toContain('SECRET-HEADER-4f1c9e');
  for (const line of KEY_LINES) expect(out, `${what} leaks the private key`).not.toContain(line);
}

/** Files under `dir` whose bytes hold a secret, with their permission bits. */
function secretHolders(dir: string): { path: string; mode: number }[] {
  const out: { path: string; mode: number }[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    else if (st.isFile()) {
      const text = readFileSync(p, 'latin1');
      if (text.includes('SECRET-HEADER-4f1c9e') || KEY_LINES.some((l) => text.includes(l)))
        out.push({ path: p, mode: st.mode & 0o777 });
    }
  };
  walk(dir);
  return out;
}

describe('secrets stay out of every output', () => {
  test('plan, plan -o json, apply, apply -o json, status, rollback, uninstall', async () => {
    const n = node();
    const base = ['-f', n.spec, '--root', n.root, '--runtime', 'containerd', '--runtime-version', '1.6.20'];
    const tx = ['--root', n.root, '--no-runtime-action'];
    const outputs: [string, string][] = [];
    const run = async (what: string, argv: string[]): Promise<number> => {
      const r = await runCli(argv);
      outputs.push([what, r.stdout + r.stderr]);
      return r.code;
    };
    expect(await run('plan', ['plan', ...base])).toBe(1);
    expect(await run('plan -o json', ['plan', ...base, '-o', 'json'])).toBe(1);
    expect(await run('plan --verbose', ['--verbose', 'plan', ...base])).toBe(1);
    expect(await run('apply --dry-run', ['apply', ...base, '--dry-run'])).toBeTypeOf('number');
    expect(await run('apply', ['apply', ...base, '--no-runtime-action'])).toBe(0);
    // Headers and keys were really written (so the checks above had something to leak).
    const certs = join(n.root, 'etc/containerd/certs.d/quay.io');
    expect(readFileSync(join(certs, 'hosts.toml'), 'utf8')).toContain(HEADER_SECRET);
    writeFileSync(n.spec, n.text.replace('SECRET-HEADER-4f1c9e', 'SECRET-HEADER-4f1c9e-rotated'));
    expect(await run('plan after rotation', ['plan', ...base])).toBe(1);
    expect(
      await run('apply -o json (rotation)', ['apply', ...base, '--no-runtime-action', '-o', 'json']),
    ).toBe(0);
    const out = join(n.dir, 'rendered');
    expect(await run('render --out', ['render', '-f', n.spec, '--target', 'containerd', '--out', out])).toBe(
      0,
    );
    expect(statSync(join(out, 'etc/containerd/certs.d/quay.io/hosts.toml')).mode & 0o777).toBe(0o600);
    expect(await run('verify', ['verify', ...base])).toBeTypeOf('number');
    expect(await run('verify -o json', ['verify', ...base, '-o', 'json'])).toBeTypeOf('number');
    expect(await run('status', ['status', '--root', n.root])).toBeTypeOf('number');
    expect(await run('status -o json', ['status', '--root', n.root, '-o', 'json'])).toBeTypeOf('number');
    expect(await run('rollback -o json', ['rollback', ...tx, '-o', 'json'])).toBe(0);
    expect(await run('uninstall -o json', ['uninstall', ...tx, '-o', 'json'])).toBeTypeOf('number');
    for (const [what, out] of outputs) expectNoSecret(what, out);
    // The redaction is visible, not silent: the plan says why the contents are not shown.
    expect(outputs[0]![1]).toContain('contents not shown: secret');
  });

  test('after apply, every file holding a header or key is 0600 (node files, journal and backups)', async () => {
    const n = node();
    const base = ['-f', n.spec, '--root', n.root, '--runtime', 'containerd', '--runtime-version', '1.6.20'];
    expect((await runCli(['apply', ...base, '--no-runtime-action'])).code).toBe(0);
    writeFileSync(n.spec, n.text.replace('SECRET-HEADER-4f1c9e', 'SECRET-HEADER-4f1c9e-rotated'));
    expect((await runCli(['apply', ...base, '--no-runtime-action'])).code).toBe(0);
    const holders = secretHolders(n.root);
    // hosts.toml (header) + the client key on the node, and mirrorctl's backup of the old hosts.toml.
    expect(holders.map((h) => h.path.slice(n.root.length)).sort()).toEqual(
      expect.arrayContaining(['/etc/containerd/certs.d/quay.io/hosts.toml']),
    );
    expect(holders.some((h) => h.path.endsWith('.pem') && h.path.includes('key'))).toBe(true);
    expect(holders.some((h) => h.path.includes('/var/lib/mirrorctl/'))).toBe(true);
    for (const h of holders)
      expect({ path: h.path.slice(n.root.length), mode: h.mode.toString(8) }).toEqual({
        path: h.path.slice(n.root.length),
        mode: '600',
      });
  });
  // The cluster agent's status, Events and log: test/cluster/agent-secrets.test.ts.
});

describe('every renderer marks key and header files secret and 0600', () => {
  const HEADER = 'SECRET-HEADER-4f1c9e';
  const KEY = 'PRIVATE-KEY-BYTES-77aa';
  const assets = { '/c.pem': 'CERT\n', '/k.pem': `${KEY}\n`, '/ca.pem': 'CA\n' };
  const m = (headers: Record<string, string[]>): Mirror => ({
    url: 'https://mirror.example.com/v2',
    scheme: 'https',
    host: 'mirror.example.com',
    path: '/v2',
    pathMode: 'api-root',
    pullFrom: 'all',
    capabilities: ['pull', 'resolve'],
    tls: { insecureSkipVerify: false, caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' },
    headers,
  });
  const set = (source: string, headers: Record<string, string[]>): MirrorSet => ({
    apiVersion: 'mirrorctl/v1',
    kind: 'MirrorSet',
    name: 'dpod',
    registries: [
      { index: 0, source, sourceHost: source, sourcePath: '', fallback: true, mirrors: [m(headers)] },
    ],
  });
  const ctx = (target: Target, runtimeVersion: string): RenderContext => ({
    target,
    runtimeVersion,
    assets,
    paths: DEFAULT_PATHS,
  });
  const rendered: [string, RenderedFile[]][] = [
    [
      'containerd',
      renderContainerdHosts(set('quay.io', { Authorization: [HEADER] }), ctx('containerd', '1.7.27')).files,
    ],
    [
      'containerd-legacy',
      renderContainerdLegacy(set('quay.io', {}), ctx('containerd-legacy', '1.6.20')).files,
    ],
    ['crio', renderRegistriesConf(set('quay.io', {}), ctx('crio', '1.30.0')).files],
    ['docker', renderDockerDaemon(set('docker.io', {}), ctx('docker', '27.0.0'), null).files],
  ];
  test.each(rendered)('%s', (_t, files) => {
    const holders = files.filter((f) => f.content.includes(HEADER) || f.content.includes(KEY));
    expect(holders.length).toBeGreaterThan(0);
    for (const f of holders)
      expect({ path: f.path, mode: f.mode, secret: f.secret }).toEqual({
        path: f.path,
        mode: 0o600,
        secret: true,
      });
  });
});
