// Minimal real-registry harness for the registry client and preflight tests: a loopback
// docker-registry (distribution 2.8) with temp storage, optionally htpasswd basic auth and TLS
// from a CA generated with openssl, and tiny images pushed with skopeo from hand-made OCI layouts.
// (test/e2e/harness/ had no registry helper when this was written.)
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const run = promisify(execFile);

export interface Registry {
  /** `http://127.0.0.1:PORT` or `https://…`. */
  url: string;
  /** `127.0.0.1:PORT`. */
  host: string;
  /** Request lines seen so far (distribution logs every request with its method and path). */
  requests(): string[];
  /** Waits (up to 5 s) until an access-log line contains `text`: the log is written after the response. */
  logged(text: string): Promise<boolean>;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  basicAuth?: { username: string; password: string };
  tls?: { certFile: string; keyFile: string };
  /** Bearer-token auth against a token server (token-server.ts). */
  tokenAuth?: { realm: string; service: string; issuer: string; rootCertFile: string };
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `mirrorctl-${prefix}-`));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startRegistry(dir: string, opts: RegistryOptions = {}): Promise<Registry> {
  const port = await freePort();
  await mkdir(join(dir, 'storage'), { recursive: true });
  const lines = [
    'version: 0.1',
    'log: { level: info, accesslog: { disabled: false } }',
    `storage: { filesystem: { rootdirectory: ${join(dir, 'storage')} }, delete: { enabled: true } }`,
    `http:`,
    `  addr: 127.0.0.1:${port}`,
  ];
  if (opts.tls) lines.push(`  tls: { certificate: ${opts.tls.certFile}, key: ${opts.tls.keyFile} }`);
  if (opts.basicAuth) {
    const { stdout } = await run('htpasswd', ['-Bbn', opts.basicAuth.username, opts.basicAuth.password]);
    await writeFile(join(dir, 'htpasswd'), stdout);
    lines.push(`auth: { htpasswd: { realm: test-realm, path: ${join(dir, 'htpasswd')} } }`);
  }
  if (opts.tokenAuth) {
    const t = opts.tokenAuth;
    lines.push(
      `auth: { token: { realm: "${t.realm}", service: ${t.service}, issuer: ${t.issuer}, rootcertbundle: ${t.rootCertFile} } }`,
    );
  }
  await writeFile(join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const collect = (chunk: Buffer) => log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const scheme = opts.tls ? 'https' : 'http';
  const host = `127.0.0.1:${port}`;
  await waitForPort(port, child, log);
  return {
    url: `${scheme}://${host}`,
    host,
    requests: () => log.filter((l) => /"(GET|HEAD|PUT|POST|PATCH) \/v2/.test(l)),
    logged: async (text) => {
      for (let i = 0; i < 100; i++) {
        if (log.some((l) => l.includes(text))) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, log: string[]): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log.join('\n')}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not listen on ${port}: ${log.join('\n')}`);
}

/** A CA and a server certificate for 127.0.0.1/localhost signed by it. */
export async function makeCa(dir: string): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const p = (f: string) => join(dir, f);
  const ssl = (...args: string[]) => run('openssl', args);
  await ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=mirrorctl test CA',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.crt'),
  );
  await ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    p('server.key'),
    '-out',
    p('server.csr'),
  );
  await writeFile(p('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await ssl(
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.crt'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    p('san.ext'),
    '-out',
    p('server.crt'),
  );
  return { caFile: p('ca.crt'), certFile: p('server.crt'), keyFile: p('server.key') };
}

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/**
 * Writes an OCI layout holding one single-layer image tagged `tag`; `label` makes its digest
 * unique. Returns the manifest digest.
 */
export async function makeOciLayout(dir: string, tag: string, label: string): Promise<string> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const content = join(dir, 'content');
  await mkdir(content, { recursive: true });
  await writeFile(join(content, 'hello.txt'), `${label}\n`);
  // Fixed mtime/owner/order and zlib's zero gzip timestamp: the same label gives the same digest.
  await run('tar', [
    '-cf',
    join(dir, 'layer.tar'),
    '--sort=name',
    '--mtime=@0',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '-C',
    content,
    '.',
  ]);
  const tar = await readFile(join(dir, 'layer.tar'));
  const layer = gzipSync(tar);
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'mirrorctl.test': label } },
    rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha256(config),
      size: config.length,
    },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length },
    ],
  });
  const blob = (d: string) => join(dir, 'blobs', 'sha256', d.slice('sha256:'.length));
  await writeFile(blob(sha256(layer)), layer);
  await writeFile(blob(sha256(config)), config);
  await writeFile(blob(sha256(manifest)), manifest);
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sha256(manifest),
        size: manifest.length,
        annotations: { 'org.opencontainers.image.ref.name': tag },
      },
    ],
  };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  return sha256(manifest);
}

/**
 * Pushes an image to `registry` as `repository:tag` with skopeo and returns its digest; the
 * content (hence the digest) depends only on `label`, which defaults to `repository:tag`.
 * skopeo (as root) writes a blob-info cache under /var/lib/containers, so it runs in a private
 * mount namespace with a tmpfs over /var/lib: the machine's own /var/lib is never touched.
 */
export async function pushImage(
  registry: Registry,
  repositoryAndTag: string,
  opts: { creds?: string; label?: string } = {},
): Promise<string> {
  const work = await makeTempDir('oci');
  try {
    const tag = repositoryAndTag.split(':')[1] ?? 'latest';
    const digest = await makeOciLayout(work, tag, opts.label ?? repositoryAndTag);
    const args = ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false', '--preserve-digests'];
    if (opts.creds) args.push('--dest-creds', opts.creds);
    args.push(`oci:${work}:${tag}`, `docker://${registry.host}/${repositoryAndTag}`);
    await run('unshare', [
      '--mount',
      'sh',
      '-c',
      'mount -t tmpfs tmpfs /var/lib && exec skopeo "$@"',
      'skopeo',
      ...args,
    ]);
    return digest;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
