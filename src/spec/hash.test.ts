import { describe, expect, it } from 'vitest';
import { canonicalJson, specHash } from './hash.js';
import { validateSpec } from './validate.js';

const a = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: x }
spec:
  registries:
    - source: icr.io/cpopen
      fallback: true
      mirrors:
        - url: https://icr.io/dpod
          headers: { B: [b], A: [a] }
          tls: { insecureSkipVerify: false }
`;
// Same spec: keys reordered, defaults spelled out or left out, aliases and case differences.
const b = `kind: MirrorSet
spec:
  registries:
    - mirrors:
        - tls: {}
          headers: { A: [a], B: [b] }
          path: namespace
          url: HTTPS://ICR.IO:443/dpod/
          capabilities: [pull, resolve]
      source: ICR.io/cpopen/
metadata: { name: x }
apiVersion: mirrorctl/v1
`;

const hashOf = (text: string): string => {
  const r = validateSpec(text, 'm.yaml');
  if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
  return specHash(r.spec);
};

describe('specHash', () => {
  it('is lowercase hex sha256', () => expect(hashOf(a)).toMatch(/^[0-9a-f]{64}$/));
  it('is the same for reordered keys, defaults and equivalent spellings', () =>
    expect(hashOf(b)).toBe(hashOf(a)));
  it.each([
    ['fallback', a.replace('fallback: true', 'fallback: false')],
    ['url path', a.replace('/dpod', '/dpod2')],
    ['header value', a.replace('[b]', '[c]')],
    ['source', a.replace('cpopen', 'cpopen2')],
  ])('changes when %s changes', (_, changed) => expect(hashOf(changed)).not.toBe(hashOf(a)));
  it('is pinned for a known spec (changing it invalidates every applied plan)', () => {
    expect(hashOf(a)).toBe('9ca80ce646262cd9f18af8760078aa6497cbbbd10eaaff1a82625420c4612619');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: null }], c: 'é' } })).toBe(
      '{"a":{"c":"é","d":[1,{"x":null,"z":1}]},"b":1}',
    );
  });
});
