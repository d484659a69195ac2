import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatImageRef, manifestReference, parseImageRef } from './reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef', () => {
  const cases: Array<[string, string]> = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['library/nginx', 'docker.io/library/nginx:latest'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['docker.io/nginx', 'docker.io/library/nginx:latest'],
    ['index.docker.io/library/nginx:1', 'docker.io/library/nginx:1'],
    ['registry-1.docker.io/foo/bar', 'registry-1.docker.io/foo/bar:latest'],
    ['icr.io/cpopen/cpopen-test:1.0', 'icr.io/cpopen/cpopen-test:1.0'],
    ['localhost/foo', 'localhost/foo:latest'],
    ['localhost:5000/foo/bar:v1', 'localhost:5000/foo/bar:v1'],
    ['127.0.0.1:5000/a', '127.0.0.1:5000/a:latest'],
    ['[::1]:5000/a:b', '[::1]:5000/a:b'],
    [`quay.io/a/b@${D}`, `quay.io/a/b@${D}`],
    [`quay.io/a/b:v1@${D}`, `quay.io/a/b:v1@${D}`],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`],
    ['Registry/foo', 'Registry/foo:latest'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
    ['a.b/c__d/e-f.g:h', 'a.b/c__d/e-f.g:h'],
  ];
  it.each(cases)('%s → %s', (input, expected) => {
    const parsed = parseImageRef(input);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(formatImageRef(parsed.ref)).toBe(expected);
  });

  const invalid: Array<[string, RegExp]> = [
    ['', /empty/],
    ['Nginx', /lowercase/],
    ['foo/Bar', /lowercase/],
    ['nginx:-bad', /invalid tag/],
    ['nginx@sha256:123', /invalid digest/],
    ['quay.io//a', /invalid repository/],
    ['quay.io/a/', /invalid repository/],
    ['-a.io/b', /invalid registry/],
    [`a.io/${'x'.repeat(260)}`, /longer than 255/],
  ];
  it.each(invalid)('rejects %j', (input, reason) => {
    const parsed = parseImageRef(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('requests the digest when pinned, else the tag', () => {
    const a = parseImageRef(`nginx:1@${D}`);
    const b = parseImageRef('nginx');
    expect(a.ok && manifestReference(a.ref)).toBe(D);
    expect(b.ok && manifestReference(b.ref)).toBe('latest');
  });

  it('formatting a parsed ref and parsing again is the identity', () => {
    const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,8})?$/);
    const host = fc.constantFrom(
      'docker.io',
      'quay.io',
      'localhost:5000',
      'r.example.com:443',
      '10.0.0.5:5000',
    );
    const tag = fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined });
    const digest = fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined });
    fc.assert(
      fc.property(host, fc.array(component, { minLength: 1, maxLength: 3 }), tag, digest, (h, path, t, d) => {
        const text = `${h}/${path.join('/')}${t ? `:${t}` : ''}${d ? `@sha256:${d}` : ''}`;
        const first = parseImageRef(text);
        if (!first.ok) throw new Error(`${text}: ${first.reason}`);
        const again = parseImageRef(formatImageRef(first.ref));
        expect(again).toEqual(first);
      }),
    );
  });
});
