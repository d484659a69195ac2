// runPreflight over explain's real resolution with a scripted registry client: the verdicts,
// the runtime's stop-at-first-success order, one probe per URL, and the concurrency bound.
import { describe, expect, it } from 'vitest';
import { entry, mirror, mirrorSet } from '../../test/golden/explain/spec-builder.js';
import type { Endpoint, ManifestProbe, RegistryClient } from '../registry/client.js';
import { formatReportText } from './report.js';
import { runPreflight, type TargetRuntime } from './run.js';

const D = `sha256:${'d'.repeat(64)}`;
const found: ManifestProbe = {
  outcome: 'found',
  httpStatus: 200,
  digest: D,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  digestChecked: true,
  latencyMs: 3,
  requests: 2,
};
const html: ManifestProbe = {
  outcome: 'invalid',
  httpStatus: 200,
  mediaType: 'text/html',
  message: 'answered 200 with Content-Type text/html: a web page, not a registry',
  latencyMs: 1,
  requests: 1,
};
const schema1: ManifestProbe = {
  ...found,
  mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
};
const missing: ManifestProbe = { outcome: 'missing', httpStatus: 404, latencyMs: 2, requests: 1 };
const refused: ManifestProbe = {
  outcome: 'error',
  failure: 'connect',
  message: 'ECONNREFUSED',
  latencyMs: 1,
  requests: 3,
};
const noDns: ManifestProbe = {
  outcome: 'error',
  failure: 'dns',
  message: 'ENOTFOUND',
  latencyMs: 1,
  requests: 1,
};
const tlsFail: ManifestProbe = {
  outcome: 'error',
  failure: 'tls',
  message: 'EPROTO',
  latencyMs: 1,
  requests: 1,
};

/** Answers from a URL → probe table (anything else: DNS failure, as in an air gap). */
function scriptedClient(table: Record<string, ManifestProbe>) {
  const calls: Array<{ url: string; repository: string; endpoint: Endpoint | undefined }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const client: RegistryClient = {
    ping: async () => ({ outcome: 'ok', httpStatus: 200, latencyMs: 0, requests: 1 }),
    headManifest: async (url, repository, endpoint) => {
      calls.push({ url, repository, endpoint });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return table[url] ?? noDns;
    },
  };
  return { client, calls, maxInFlight: () => maxInFlight };
}

const M = 'http://10.0.0.5:5000';
const spec = mirrorSet('preflight-unit', [
  entry('docker.io', [mirror(M)], { fallback: false }),
  entry('quay.io', [
    mirror('https://m.example/v2/quay', {
      pathMode: 'api-root',
      tls: { insecureSkipVerify: false, caFile: 'ca.pem' },
    }),
  ]),
]);
const assets = { 'ca.pem': '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n' };
const images = (...refs: string[]) => refs.map((reference) => ({ reference, origins: ['t'] }));
const containerd: TargetRuntime[] = [{ target: 'containerd', runtimeVersion: '1.6.20' }];

describe('runPreflight (containerd 1.6.20)', () => {
  it('classifies mirror hit, source-only, missing with fallback: false, unreachable and unmirrored', async () => {
    const { client, calls } = scriptedClient({
      [`${M}/v2/library/nginx/manifests/1.27?ns=docker.io`]: found,
      [`${M}/v2/library/redis/manifests/7?ns=docker.io`]: missing,
      'https://m.example/v2/quay/a/b/manifests/1?ns=quay.io': missing,
      'https://quay.io/v2/a/b/manifests/1': found,
      'https://m.example/v2/quay/c/d/manifests/2?ns=quay.io': refused,
      'https://ghcr.io/v2/x/y/manifests/1': found,
    });
    const report = await runPreflight({
      spec,
      assets,
      images: images(
        'docker.io/library/nginx:1.27',
        'docker.io/library/redis:7',
        'quay.io/a/b:1',
        'quay.io/c/d:2',
        'ghcr.io/x/y:1',
      ),
      targets: containerd,
      client,
      concurrency: 2,
    });
    const verdicts = report.images.map((i) => [
      i.reference,
      i.targets[0]?.status,
      i.targets[0]?.breaksWithoutFallback,
    ]);
    expect(verdicts).toEqual([
      ['docker.io/library/nginx:1.27', 'mirror', false],
      ['docker.io/library/redis:7', 'missing', false],
      ['quay.io/a/b:1', 'source', true],
      ['quay.io/c/d:2', 'unreachable', false],
      ['ghcr.io/x/y:1', 'source', false],
    ]);
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual({
      images: 5,
      checks: 5,
      mirror: 1,
      source: 2,
      missing: 1,
      unreachable: 1,
      invalid: 0,
      breaksWithoutFallback: 1,
    });
    const nginx = report.images[0]?.targets[0];
    expect(nginx).toMatchObject({
      servedBy: `${M}/v2/library/nginx/manifests/1.27?ns=docker.io`,
      digest: D,
      mirrored: true,
    });
    // fallback: false → hosts.toml lists the mirror as [host] and as server: the same URL, probed once.
    expect(nginx?.requests.map((r) => r.outcome)).toEqual(['found', 'not-tried']);
    expect(calls.filter((c) => c.url.includes('nginx'))).toHaveLength(1);
    // The mirror's TLS trust and the repository named by the api-root URL reach the client.
    const quay = calls.find((c) => c.url.startsWith('https://m.example/v2/quay/a/b'));
    expect(quay?.repository).toBe('quay/a/b');
    expect(quay?.endpoint?.tls?.caPem).toBe(assets['ca.pem']);
    expect(calls.find((c) => c.url.startsWith('https://quay.io'))?.endpoint).toEqual({});
    expect(report.images[3]?.targets[0]?.reason).toContain('ECONNREFUSED');
  });

  it('is ok when every image is served by a mirror; the text report says so', async () => {
    const { client } = scriptedClient({ [`${M}/v2/library/nginx/manifests/1.27?ns=docker.io`]: found });
    const report = await runPreflight({
      spec,
      assets,
      images: images('docker.io/library/nginx:1.27'),
      targets: containerd,
      client,
      concurrency: 1,
    });
    expect(report.ok).toBe(true);
    expect(formatReportText(report)).toContain(
      '✓ 1 images × 1 targets: 1 from a mirror, 0 from the source only, 0 missing, 0 unreachable',
    );
  });

  it('probes each distinct URL once across images and targets, never more than N at a time', async () => {
    const refs = Array.from({ length: 12 }, (_, i) => `docker.io/library/img${i % 6}:1`);
    const { client, calls, maxInFlight } = scriptedClient({});
    const progress: number[] = [];
    await runPreflight({
      spec,
      assets,
      images: images(...new Set(refs)),
      targets: [...containerd, { target: 'containerd', runtimeVersion: '1.7.0' }],
      client,
      concurrency: 3,
      onProgress: (done) => progress.push(done),
    });
    expect(new Set(calls.map((c) => c.url)).size).toBe(calls.length);
    expect(calls).toHaveLength(6);
    expect(maxInFlight()).toBeLessThanOrEqual(3);
    expect(progress).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('runPreflight (crio)', () => {
  it('an http:// mirror: HTTPS without verification first, then HTTP serves it', async () => {
    const { client, calls } = scriptedClient({
      'https://10.0.0.5:5000/v2/library/nginx/manifests/1.27': tlsFail,
      'http://10.0.0.5:5000/v2/library/nginx/manifests/1.27': found,
    });
    const report = await runPreflight({
      spec,
      assets,
      images: images('docker.io/library/nginx:1.27'),
      targets: [{ target: 'crio' }],
      client,
      concurrency: 1,
    });
    expect(report.images[0]?.targets[0]).toMatchObject({
      status: 'mirror',
      servedBy: 'http://10.0.0.5:5000/v2/library/nginx/manifests/1.27',
    });
    expect(calls[0]?.endpoint?.tls?.insecureSkipVerify).toBe(true);
  });
});

describe('runPreflight (digest-only mirror, containerd 1.6.20)', () => {
  const digestOnly = mirrorSet('digest-only', [
    entry('quay.io', [mirror(M, { pullFrom: 'digest-only', capabilities: ['pull'] })]),
  ]);

  it('a tag skips the mirror (source only, breaks with fallback: false); the digest is served by the mirror', async () => {
    const { client } = scriptedClient({
      'https://quay.io/v2/a/b/manifests/1': found,
      [`${M}/v2/a/b/manifests/${D}?ns=quay.io`]: found,
    });
    const report = await runPreflight({
      spec: digestOnly,
      assets: {},
      images: images('quay.io/a/b:1', `quay.io/a/b@${D}`),
      targets: containerd,
      client,
      concurrency: 2,
    });
    const [tag, digest] = report.images.map((i) => i.targets[0]);
    expect(tag).toMatchObject({
      status: 'source',
      mirrored: false,
      breaksWithoutFallback: true,
      reason: 'the matching entry has no mirror for this reference (e.g. a digest-only mirror and a tag)',
    });
    expect(tag?.requests.map((r) => r.role)).toEqual(['source']);
    expect(digest).toMatchObject({ status: 'mirror', servedBy: `${M}/v2/a/b/manifests/${D}?ns=quay.io` });
  });
});

describe('a 200 that is not a manifest (issue 15.5)', () => {
  const hub = mirrorSet('hub', [entry('docker.io', [mirror(M)])]);
  const nginx = 'docker.io/library/nginx:1.27';
  const table = {
    [`${M}/v2/library/nginx/manifests/1.27?ns=docker.io`]: html,
    [`${M}/v2/library/nginx/manifests/1.27`]: html,
    'https://registry-1.docker.io/v2/library/nginx/manifests/1.27': found,
  };

  it('containerd and CRI-O stop at it: invalid, the source is not tried, the report fails', async () => {
    const { client } = scriptedClient(table);
    const report = await runPreflight({
      spec: hub,
      assets: {},
      images: images(nginx),
      targets: [{ target: 'containerd', runtimeVersion: '1.7.24' }],
      client,
      concurrency: 1,
    });
    const t = report.images[0]?.targets[0];
    expect(t).toMatchObject({ status: 'invalid', ok: false });
    expect(t?.requests.map((r) => r.outcome)).toEqual(['invalid', 'not-tried']);
    expect(t?.reason).toContain('text/html: a web page, not a registry');
    expect(report.summary.invalid).toBe(1);
    expect(report.ok).toBe(false);
    const text = formatReportText(report);
    expect(text).toContain(
      `✖ ${nginx} [containerd] invalid: ${M}/v2/library/nginx/manifests/1.27?ns=docker.io`,
    );
    expect(text).toContain('0 unreachable, 1 invalid (a 200 that is not the manifest)');
  });

  it('dockerd falls back from the mirror: source only, and the reason names what the mirror answered', async () => {
    const { client } = scriptedClient(table);
    const report = await runPreflight({
      spec: hub,
      assets: {},
      images: images(nginx),
      targets: [{ target: 'docker' }],
      client,
      concurrency: 1,
    });
    const t = report.images[0]?.targets[0];
    expect(t).toMatchObject({ status: 'source', breaksWithoutFallback: true });
    expect(t?.reason).toMatch(/^no mirror served it \(.*text\/html.*\); served by the source/);
  });

  it.each([
    { version: '2.1.9', status: 'invalid' },
    { version: '1.7.24', status: 'mirror' },
  ])('a schema 1 manifest on containerd $version: $status', async ({ version, status }) => {
    const { client } = scriptedClient({ [`${M}/v2/library/nginx/manifests/1.27?ns=docker.io`]: schema1 });
    const report = await runPreflight({
      spec: hub,
      assets: {},
      images: images(nginx),
      targets: [{ target: 'containerd', runtimeVersion: version }],
      client,
      concurrency: 1,
    });
    const t = report.images[0]?.targets[0];
    expect(t?.status).toBe(status);
    if (status === 'invalid') expect(t?.reason).toContain('containerd 2.1.9 refuses schema 1');
  });
});
