// The manifest judge: media types the runtimes pull, digests as distribution computes them (schema 1
// signatures stripped), and the messages for what is not a manifest.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  digestInUrl,
  digestOf,
  headerVerdict,
  judgeManifestBody,
  OCI_MANIFEST,
  SCHEMA1,
  SCHEMA1_SIGNED,
} from './manifest-media.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const sha = (alg: string, s: string) => `${alg}:${createHash(alg).update(s).digest('hex')}`;

/** A pretty-printed JWS as libtrust writes it: the payload minus its tail, the signatures, the tail. */
function signedSchema1(payload: string): string {
  const formatLength = payload.lastIndexOf('\n}');
  const tail = payload.slice(formatLength);
  const header = {
    formatLength,
    formatTail: Buffer.from(tail).toString('base64url'),
    time: '2016-01-01T00:00:00Z',
  };
  const protectedHeader = Buffer.from(JSON.stringify(header)).toString('base64url');
  const sig = `,\n   "signatures": [{"header": {"alg": "ES256"}, "signature": "x", "protected": "${protectedHeader}"}]`;
  return payload.slice(0, formatLength) + sig + tail;
}

describe('headerVerdict', () => {
  it.each([
    [OCI_MANIFEST, 'manifest'],
    ['application/vnd.docker.distribution.manifest.list.v2+json; charset=utf-8', 'manifest'],
    [SCHEMA1_SIGNED, 'manifest'],
    ['text/plain', 'needs-body'],
    ['application/json', 'needs-body'],
    ['text/html', 'not-manifest'],
    ['application/vnd.oci.image.config.v1+json', 'not-manifest'],
    [undefined, 'not-manifest'],
  ])('%s → %s', (type, verdict) => {
    expect(headerVerdict(type)).toBe(verdict);
  });
});

describe('judgeManifestBody', () => {
  const body = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}';

  it('an OCI manifest matching every expected digest (sha256 and sha512) is a manifest', () => {
    const verdict = judgeManifestBody(OCI_MANIFEST, bytes(body), [
      { digest: sha('sha512', body), what: 'Docker-Content-Digest' },
    ]);
    expect(verdict).toEqual({ ok: true, mediaType: OCI_MANIFEST, digest: sha('sha256', body) });
  });

  it('a digest mismatch names both digests and who announced the wrong one', () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    expect(
      judgeManifestBody(OCI_MANIFEST, bytes(body), [{ digest: wrong, what: 'Docker-Content-Digest' }]),
    ).toEqual({
      ok: false,
      message: `answered a body whose digest is ${sha('sha256', body)}, not the Docker-Content-Digest ${wrong}`,
    });
  });

  it('an unknown digest algorithm is not accepted', () => {
    const verdict = judgeManifestBody(OCI_MANIFEST, bytes(body), [
      { digest: 'md5:abcd', what: 'Docker-Content-Digest' },
    ]);
    expect(verdict).toMatchObject({ ok: false, message: expect.stringContaining('digest algorithm') });
  });

  it('a signed schema 1 manifest is digested without its signatures, as distribution does', () => {
    const payload = '{\n   "schemaVersion": 1,\n   "name": "a/b",\n   "tag": "1",\n   "fsLayers": []\n}';
    const signed = signedSchema1(payload);
    expect(digestOf(bytes(signed), 'sha256:', SCHEMA1_SIGNED)).toBe(sha('sha256', payload));
    expect(
      judgeManifestBody(SCHEMA1_SIGNED, bytes(signed), [{ digest: sha('sha256', payload), what: 'header' }]),
    ).toMatchObject({ ok: true, mediaType: SCHEMA1_SIGNED });
    // containerd reads text/plain as schema 1 (registry.access.redhat.com): so does the judge, by the body.
    expect(judgeManifestBody('text/plain', bytes(signed), [])).toMatchObject({
      ok: true,
      mediaType: SCHEMA1_SIGNED,
    });
    expect(judgeManifestBody('application/json', bytes(payload), [])).toMatchObject({
      ok: true,
      mediaType: SCHEMA1,
    });
  });

  it.each([
    ['text/html; charset=utf-8', '<html></html>', 'Content-Type text/html: a web page, not a registry'],
    ['text/plain', 'OK', 'Content-Type text/plain: not an image manifest media type'],
    [undefined, body, 'answered 200 without a Content-Type'],
  ])('%s is not a manifest', (type, text, message) => {
    expect(judgeManifestBody(type, bytes(text), [])).toEqual({
      ok: false,
      message: expect.stringContaining(message),
    });
  });

  it('a body over 4 MiB is refused as too large', () => {
    const big = new Uint8Array(4 * 1024 * 1024 + 1);
    expect(judgeManifestBody(OCI_MANIFEST, big, [])).toMatchObject({ ok: false, tooLarge: true });
  });
});

describe('digestInUrl', () => {
  it.each([
    [`http://m/v2/a/manifests/sha256:${'a'.repeat(64)}?ns=docker.io`, `sha256:${'a'.repeat(64)}`],
    ['http://m/v2/a/manifests/1.27?ns=docker.io', undefined],
    ['http://m/v2/a/manifests/latest', undefined],
  ])('%s → %s', (url, digest) => {
    expect(digestInUrl(url)).toBe(digest);
  });
});
