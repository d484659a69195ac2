// A 200 is not a manifest (issue 15.5): catch-all HTTP servers answering HTML, JSON of another media
// type, or a manifest whose body is not its Docker-Content-Digest, as the client sees them, as
// `preflight` reports them and as `verify` reports them; a real docker-registry as the control.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreflightReport } from '../../src/checks/types.js';
import { runCli } from '../../src/cli/testing.js';
import { nodeTransport } from '../../src/host/http-transport.js';
import { createRegistryClient } from '../../src/registry/client.js';
import {
  type CatchAll,
  type CatchAllKind,
  MANIFEST_DIGEST,
  startCatchAll,
  WRONG_DIGEST,
} from './catch-all-server.js';
import { makeTempDir, pushImage, type Registry, startRegistry } from './harness.js';

let dir: string;
let upstream: Registry;
let pushed: string;
const servers = {} as Record<CatchAllKind, CatchAll>;
const client = () => createRegistryClient({ transport: nodeTransport, retries: 0 });
const mirrorEndpoint = { verifyBody: true };

beforeAll(async () => {
  dir = await makeTempDir('not-a-registry');
  upstream = await startRegistry(join(dir, 'upstream'));
  pushed = await pushImage(upstream, 'proj/app:1');
  for (const kind of ['html', 'config-json', 'wrong-digest', 'manifest'] as const)
    servers[kind] = await startCatchAll(kind);
});

afterAll(async () => {
  await Promise.all([upstream?.stop(), ...Object.values(servers).map((s) => s.stop())]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const manifestUrl = (base: string) => `${base}/v2/proj/app/manifests/1`;

describe('the registry client judges a 200 by its Content-Type and digest', () => {
  it.each([
    { kind: 'html', message: 'answered 200 with Content-Type text/html: a web page, not a registry' },
    {
      kind: 'config-json',
      message:
        'answered 200 with Content-Type application/vnd.oci.image.config.v1+json: not an image manifest',
    },
    {
      kind: 'wrong-digest',
      message: `answered a body whose digest is ${MANIFEST_DIGEST}, not the Docker-Content-Digest of the HEAD ${WRONG_DIGEST}`,
    },
  ] as const)('a mirror answering $kind is invalid, not found', async ({ kind, message }) => {
    const probe = await client().headManifest(manifestUrl(servers[kind].url), 'proj/app', mirrorEndpoint);
    expect(probe).toMatchObject({ outcome: 'invalid', httpStatus: 200 });
    expect(probe.outcome === 'invalid' && probe.message).toContain(message);
  });

  it('a catch-all that serves a real manifest with its own digest is found (the checks are not blanket refusals)', async () => {
    const probe = await client().headManifest(manifestUrl(servers.manifest.url), 'proj/app', mirrorEndpoint);
    expect(probe).toMatchObject({ outcome: 'found', digest: MANIFEST_DIGEST, digestChecked: true });
  });

  it('a source is HEADed only (no GET against a pull rate limit): HTML is still refused by its Content-Type', async () => {
    const html = await client().headManifest(manifestUrl(servers.html.url), 'proj/app');
    expect(html).toMatchObject({ outcome: 'invalid' });
    expect(servers.html.requests.at(-1)).toBe('HEAD /v2/proj/app/manifests/1');
    // containerd trusts a HEAD with a manifest type, digest and length: so does a source probe.
    const trusted = await client().headManifest(manifestUrl(servers['wrong-digest'].url), 'proj/app');
    expect(trusted).toMatchObject({ outcome: 'found', digest: WRONG_DIGEST, digestChecked: false });
  });

  it('docker-registry: HEAD then GET, the body hashes to the digest skopeo pushed', async () => {
    const probe = await client().headManifest(manifestUrl(upstream.url), 'proj/app', mirrorEndpoint);
    expect(probe).toMatchObject({
      outcome: 'found',
      digest: pushed,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digestChecked: true,
    });
    expect(await upstream.logged('"HEAD /v2/proj/app/manifests/1 HTTP/1.1" 200')).toBe(true);
    expect(await upstream.logged('"GET /v2/proj/app/manifests/1 HTTP/1.1" 200')).toBe(true);
  });

  it('docker-registry by digest: a digest in the URL must match the body', async () => {
    const url = `${upstream.url}/v2/proj/app/manifests/${pushed}`;
    expect(await client().headManifest(url, 'proj/app', mirrorEndpoint)).toMatchObject({
      outcome: 'found',
      digest: pushed,
      digestChecked: true,
    });
    const wrong = await client().headManifest(
      `${servers.manifest.url}/v2/proj/app/manifests/${WRONG_DIGEST}`,
      'proj/app',
      mirrorEndpoint,
    );
    expect(wrong).toMatchObject({ outcome: 'invalid' });
    expect(wrong.outcome === 'invalid' && wrong.message).toContain(
      `not the digest requested in the URL ${WRONG_DIGEST}`,
    );
  });
});

async function specFor(mirror: CatchAll): Promise<string> {
  const file = join(dir, `spec-${mirror.host.replace(':', '-')}.yaml`);
  await mkdir(dir, { recursive: true });
  await writeFile(
    file,
    `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: catch-all }
spec:
  registries:
    - source: ${upstream.host}
      mirrors: [{ url: "${mirror.url}" }]
`,
  );
  return file;
}

describe('preflight: a mirror that answers 200 with something else fails the image', () => {
  it.each([
    { kind: 'html', says: 'text/html: a web page, not a registry' },
    { kind: 'config-json', says: 'application/vnd.oci.image.config.v1+json: not an image manifest' },
    { kind: 'wrong-digest', says: `not the Docker-Content-Digest of the HEAD ${WRONG_DIGEST}` },
  ] as const)(
    '$kind: status invalid, the source is not tried (the runtime stops at a 200)',
    async ({ kind, says }) => {
      const spec = await specFor(servers[kind]);
      const list = join(dir, 'images.txt');
      await writeFile(list, `${upstream.host}/proj/app:1\n`);
      const base = ['preflight', '-f', spec, '--images', list, '--retries', '0'];
      const targets = ['--target', 'containerd@1.7.24', '--target', 'crio@1.29.1'];
      const json = await runCli([...base, ...targets, '-o', 'json']);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as PreflightReport;
      expect(report.images[0]?.targets.map((t) => t.status)).toEqual(['invalid', 'invalid']);
      for (const t of report.images[0]?.targets ?? []) {
        // CRI-O tries https:// first for an http:// mirror (that fails): the http:// answer is the stop.
        const at = t.requests.findIndex((r) => r.outcome === 'invalid');
        expect(t.requests[at]).toMatchObject({
          role: 'mirror',
          url: expect.stringContaining(servers[kind].url),
        });
        expect(t.requests[at]?.httpStatus).toBe(200);
        const after = t.requests.slice(at + 1);
        expect(after.length).toBeGreaterThan(0);
        expect(after.map((r) => r.outcome)).toEqual(after.map(() => 'not-tried'));
      }
      const text = await runCli([...base, ...targets]);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain(
        `✖ ${upstream.host}/proj/app:1 [containerd] invalid: ${servers[kind].url}`,
      );
      expect(text.stdout).toContain(says);
      expect(text.stdout).not.toContain('✓ ');
    },
  );
});

describe('verify: the mirror check says what the mirror answered', () => {
  it('an HTML catch-all is not "served by mirror"', async () => {
    const spec = await specFor(servers.html);
    const root = join(dir, 'root');
    await mkdir(root, { recursive: true });
    const image = `${upstream.host}/proj/app:1`;
    const r = await runCli([
      'verify',
      '-f',
      spec,
      '--image',
      image,
      '--no-pull',
      '--root',
      root,
      '--runtime',
      'containerd',
      '--runtime-version',
      '1.7.24',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { checks: { id: string; ok: boolean; detail: string }[] };
    const check = report.checks.find((c) => c.id === `mirror:${image}`);
    expect(check).toMatchObject({ ok: false });
    expect(check?.detail).toContain('text/html: a web page, not a registry');
    expect(check?.detail).not.toContain('served by mirror');
  });
});
