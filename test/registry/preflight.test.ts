// `mirrorctl preflight` end to end against real docker-registry instances: a plain HTTP mirror,
// a stand-in upstream, a TLS mirror with a generated CA, an htpasswd mirror (credentials from an
// auth file) and a closed port. Images present at the mirror, missing, only upstream, and
// unreachable; a manifests directory as input; the JSON and text reports are golden files.
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreflightReport } from '../../src/checks/types.js';
import { runCli } from '../../src/cli/testing.js';
import { makeCa, makeTempDir, pushImage, type Registry, startRegistry } from './harness.js';

const CASE = join(import.meta.dirname, '../golden/preflight/manifests');
let dir: string;
let mirror: Registry;
let upstream: Registry;
let tlsMirror: Registry;
let authMirror: Registry;
let closed: string;
let vars: Record<string, string>;

/** Copies the case's input tree into `dir`, substituting ${NAME} placeholders. */
async function instantiate(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) {
    const src = join(from, name);
    if ((await stat(src)).isDirectory()) await instantiate(src, join(to, name));
    else
      await writeFile(
        join(to, name),
        (await readFile(src, 'utf8')).replace(/\$\{([A-Z_]+)\}/g, (m, k: string) => vars[k] ?? m),
      );
  }
}

/** Ports and timings vary per run: name the registries and zero the latencies. */
function normalize(text: string): string {
  let out = text;
  // containerd escapes ?ns= like Go's url.Values (host%3Aport), so the host appears both ways.
  for (const [name, host] of Object.entries({
    MIRROR: mirror.host,
    UPSTREAM: upstream.host,
    TLS_MIRROR: tlsMirror.host,
    AUTH_MIRROR: authMirror.host,
    CLOSED: closed,
  }))
    out = out.split(host).join(name).split(host.replace(':', '%3A')).join(name);
  return out
    .split(dir)
    .join('<tmp>')
    .replace(/"latencyMs": [\d.]+/g, '"latencyMs": 0')
    .replace(/\(\d+ ms\)/g, '(N ms)')
    .replace(/connect ECONNREFUSED [^"\s;]+/g, 'connect ECONNREFUSED');
}

const cli = (argv: string[]) => runCli(argv, { cwd: join(dir, 'case') });

beforeAll(async () => {
  dir = await makeTempDir('preflight');
  const ca = await makeCa(dir);
  [mirror, upstream, tlsMirror, authMirror] = await Promise.all([
    startRegistry(join(dir, 'mirror')),
    startRegistry(join(dir, 'upstream')),
    startRegistry(join(dir, 'tls'), { tls: { certFile: ca.certFile, keyFile: ca.keyFile } }),
    startRegistry(join(dir, 'auth'), { basicAuth: { username: 'puller', password: 'pw' } }),
  ]);
  const gone = await startRegistry(join(dir, 'closed'));
  closed = gone.host;
  await gone.stop();
  const [, , quayDigest] = await Promise.all([
    pushImage(mirror, 'library/nginx:1.27'),
    pushImage(upstream, 'proj/app:1'),
    pushImage(tlsMirror, 'team/app:2'),
    pushImage(authMirror, 'pause:3.9', { creds: 'puller:pw' }),
  ]);
  vars = {
    MIRROR: mirror.host,
    UPSTREAM: upstream.host,
    TLS_MIRROR: tlsMirror.host,
    AUTH_MIRROR: authMirror.host,
    CLOSED: closed,
    QUAY_DIGEST: quayDigest,
  };
  await instantiate(join(CASE, 'input'), join(dir, 'case'));
  await cp(ca.caFile, join(dir, 'case', 'ca.crt'));
  const auth = { auths: { [authMirror.host]: { auth: Buffer.from('puller:pw').toString('base64') } } };
  await writeFile(join(dir, 'case', 'auth.json'), JSON.stringify(auth));
});

afterAll(async () => {
  await Promise.all([mirror?.stop(), upstream?.stop(), tlsMirror?.stop(), authMirror?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('mirrorctl preflight --manifests (containerd 1.6.20, CRI-O 1.29.1)', () => {
  const args = [
    'preflight',
    '-f',
    'mirrors.yaml',
    '--manifests',
    'manifests',
    '--auth-file',
    'auth.json',
    '--target',
    'containerd@1.6.20',
    '--target',
    'crio@1.29.1',
    '--retries',
    '0',
  ];

  it('JSON report matches the golden file; exit 1 because images would fail', async () => {
    const { code, stdout, stderr } = await cli([...args, '-o', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    await expect(normalize(stdout)).toMatchFileSnapshot(join(CASE, 'expected/report.json'));
    const report = JSON.parse(stdout) as PreflightReport;
    const verdict = (ref: string, target: string) =>
      report.images.find((i) => i.reference === ref)?.targets.find((t) => t.target === target)?.status;
    // GIVEN the registries above, THEN per image and runtime:
    expect(verdict('docker.io/library/nginx:1.27', 'containerd')).toBe('mirror');
    expect(verdict('docker.io/library/nginx:1.27', 'crio')).toBe('mirror');
    expect(verdict('docker.io/library/redis:7', 'containerd')).toBe('missing');
    expect(verdict(`${upstream.host}/proj/app:1`, 'containerd')).toBe('source');
    expect(verdict('quay.io/team/app:2', 'containerd')).toBe('mirror');
    expect(verdict(`quay.io/team/app@${vars.QUAY_DIGEST}`, 'crio')).toBe('mirror');
    expect(verdict('registry.k8s.io/pause:3.9', 'containerd')).toBe('mirror');
    expect(verdict('ghcr.io/acme/tools:1', 'containerd')).toBe('unreachable');
    expect(report.summary.breaksWithoutFallback).toBeGreaterThan(0);
    // The mirror saw exactly the request containerd would make (?ns= included).
    expect(await mirror.logged('"HEAD /v2/library/nginx/manifests/1.27?ns=docker.io HTTP/1.1" 200')).toBe(
      true,
    );
  });

  it('text report matches the golden file', async () => {
    const { code, stdout } = await cli(args);
    expect(code).toBe(1);
    await expect(normalize(stdout)).toMatchFileSnapshot(join(CASE, 'expected/report.txt'));
  });

  it('without the auth file the basic-auth mirror is unauthorized', async () => {
    const { stdout } = await cli([
      'preflight',
      '-f',
      'mirrors.yaml',
      '--manifests',
      'manifests',
      '-o',
      'json',
    ]);
    const report = JSON.parse(stdout) as PreflightReport;
    const pause = report.images.find((i) => i.reference === 'registry.k8s.io/pause:3.9')?.targets[0];
    expect(pause).toMatchObject({ status: 'unreachable', ok: false });
    expect(pause?.requests[0]).toMatchObject({ outcome: 'unauthorized', httpStatus: 401 });
  });
});

describe('mirrorctl preflight --images', () => {
  it('exit 0 when every listed image is served by a mirror', async () => {
    await writeFile(join(dir, 'case', 'ok.txt'), `# served by mirrors\nnginx:1.27\nquay.io/team/app:2\n`);
    const { code, stdout } = await cli([
      'preflight',
      '-f',
      'mirrors.yaml',
      '--images',
      'ok.txt',
      '--concurrency',
      '1',
    ]);
    expect(stdout).toContain(
      '✓ 2 images × 1 targets: 2 from a mirror, 0 from the source only, 0 missing, 0 unreachable',
    );
    expect(code).toBe(0);
  });

  it.each([
    { name: 'no image source', args: ['preflight', '-f', 'mirrors.yaml'], message: 'exactly one of' },
    {
      name: 'two image sources',
      args: ['preflight', '-f', 'mirrors.yaml', '--images', 'ok.txt', '--cluster'],
      message: 'exactly one of',
    },
    {
      name: 'bad concurrency',
      args: ['preflight', '-f', 'mirrors.yaml', '--images', 'ok.txt', '--concurrency', '0'],
      message: '--concurrency must be an integer ≥ 1',
    },
    {
      name: 'missing list file',
      args: ['preflight', '-f', 'mirrors.yaml', '--images', 'nope.txt'],
      message: 'image list file not found',
    },
    {
      name: 'missing spec',
      args: ['preflight', '-f', 'nope.yaml', '--images', 'ok.txt'],
      message: 'spec file not found',
    },
  ])('exit 2 on invalid input: $name', async ({ args, message }) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
