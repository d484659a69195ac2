import { describe, expect, it } from 'vitest';
import { entry, mirror, mirrorSet } from '../../test/golden/explain/spec-builder.js';
import { endpointFor, findMirror, isCovered, repositoryOf } from './endpoint.js';

const set = mirrorSet('e', [
  entry('docker.io', [mirror('https://m.example'), mirror('http://plain.example:5000')]),
  entry('quay.io', [
    mirror('https://m.example/v2/quay', {
      pathMode: 'api-root',
      tls: { insecureSkipVerify: false, caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem' },
      headers: { 'X-Token': ['t'] },
    }),
  ]),
]);
const assets = { 'ca.pem': 'CA', 'c.pem': 'CERT', 'k.pem': 'KEY' };

describe('findMirror / endpointFor', () => {
  it.each([
    ['https://m.example/v2/quay/a/b/manifests/1', 'https://m.example/v2/quay'],
    ['https://m.example/v2/library/nginx/manifests/1', 'https://m.example'],
    ['https://M.EXAMPLE/v2/quayx/a/manifests/1', 'https://m.example'],
    ['https://plain.example:5000/v2/a/manifests/1', 'http://plain.example:5000'],
    ['https://quay.io/v2/a/b/manifests/1', undefined],
    ['not a url', undefined],
  ])('%s → %s', (url, expected) => {
    expect(findMirror(set, url)?.url).toBe(expected);
  });

  it('carries the mirror CA, client cert, key, headers and the body check; sources get system defaults', () => {
    expect(endpointFor(set, assets, 'https://m.example/v2/quay/a/manifests/1')).toEqual({
      tls: { insecureSkipVerify: false, caPem: 'CA', certPem: 'CERT', keyPem: 'KEY' },
      headers: { 'X-Token': ['t'] },
      verifyBody: true,
    });
    expect(endpointFor(set, assets, 'https://registry-1.docker.io/v2/x/manifests/1')).toEqual({});
  });

  it('an http:// mirror probed over https (CRI-O insecure) skips verification', () => {
    expect(
      endpointFor(set, assets, 'https://plain.example:5000/v2/a/manifests/1').tls?.insecureSkipVerify,
    ).toBe(true);
    expect(
      endpointFor(set, assets, 'http://plain.example:5000/v2/a/manifests/1').tls?.insecureSkipVerify,
    ).toBe(false);
  });
});

describe('repositoryOf', () => {
  it.each([
    ['http://m/v2/library/nginx/manifests/1.27?ns=docker.io', 'library/nginx'],
    ['http://m/v2/dpod/cpopen/x/manifests/sha256:abc', 'dpod/cpopen/x'],
    ['http://m/cache/v2/a/b/manifests/1', 'a/b'],
    ['http://m/proxy/a/b/manifests/1', 'proxy/a/b'],
  ])('%s → %s', (url, expected) => {
    expect(repositoryOf(url)).toBe(expected);
  });
});

describe('isCovered', () => {
  const covered = mirrorSet('c', [
    entry('icr.io/cpopen', [mirror('https://m.example')]),
    entry('quay.io', [mirror('https://m.example')], { only: ['crio'] }),
  ]);
  const ref = (registry: string, repository: string) => ({ registry, repository, tag: '1' });
  it.each([
    ['icr.io', 'cpopen/x', 'containerd', true],
    ['icr.io', 'cpopen', 'containerd', true],
    ['icr.io', 'cpopenx/y', 'containerd', false],
    ['quay.io', 'a/b', 'crio', true],
    ['quay.io', 'a/b', 'containerd', false],
    ['ghcr.io', 'a/b', 'containerd', false],
  ] as const)('%s/%s on %s → %s', (registry, repository, target, expected) => {
    expect(isCovered(covered, ref(registry, repository), target)).toBe(expected);
  });

  it('the wildcard entry covers everything', () => {
    expect(
      isCovered(
        mirrorSet('w', [entry('*', [mirror('https://m.example')])]),
        ref('any.io', 'x'),
        'containerd',
      ),
    ).toBe(true);
  });
});

describe('endpointFor: the mirror credential', () => {
  it("carries the credential the mirror's auth names (the same lookup as the renderers)", () => {
    const withAuth = mirrorSet('a', [
      entry('icr.io', [mirror('https://m.example:5000/dpod', { auth: { file: 'auth.json' } })]),
    ]);
    const files = {
      'auth.json': JSON.stringify({ auths: { 'm.example:5000': { username: 'alice', password: 'pw' } } }),
    };
    expect(endpointFor(withAuth, files, 'https://m.example:5000/v2/dpod/x/manifests/1').credential).toEqual({
      kind: 'basic',
      username: 'alice',
      password: 'pw',
    });
    expect(
      endpointFor(withAuth, {}, 'https://m.example:5000/v2/dpod/x/manifests/1').credential,
    ).toBeUndefined();
  });
});

describe('findMirror: CRI-O requests /v2/<mirror path>/…', () => {
  it('a namespace mirror with a path is found from the URL CRI-O requests (its TLS/auth then apply)', () => {
    const crio = mirrorSet('c', [entry('icr.io/cpopen', [mirror('https://m.example/dpod')])]);
    expect(findMirror(crio, 'https://m.example/v2/dpod/operator/manifests/1.0')?.url).toBe(
      'https://m.example/dpod',
    );
    expect(findMirror(crio, 'https://m.example/v2/dpodx/operator/manifests/1.0')).toBeUndefined();
  });
});
