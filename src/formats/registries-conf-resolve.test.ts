// containers/image's prefix matching and pull-source order (sysregistriesv2 FindRegistry,
// refMatchingPrefix, PullSourcesFromReference), table-driven plus fast-check properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadRegistriesConf } from './registries-conf.js';
import { findRegistry, pullSources, refMatchingPrefix, rewriteReference } from './registries-conf-resolve.js';

describe('refMatchingPrefix', () => {
  it.each([
    ['icr.io/cpopen/foo:1', 'icr.io/cpopen', 13],
    ['icr.io/cpopenx/foo:1', 'icr.io/cpopen', -1],
    ['icr.io/cpopen', 'icr.io/cpopen', 13],
    ['icr.io/cpopen@sha256:x', 'icr.io/cpopen', 13],
    // upstream: "example.com" also matches "example.com:5000/…" (documented as unintended)
    ['example.com:5000/a', 'example.com', 11],
    ['a.b.example.com/x:1', '*.example.com', 15],
    ['example.com/x:1', '*.example.com', -1],
    ['evil.com/a.example.com/x', '*.example.com', -1],
  ])('%s vs %s → %d', (ref, prefix, n) => expect(refMatchingPrefix(ref, prefix)).toBe(n));
});

const conf = (text: string) => {
  const r = loadRegistriesConf(text, true);
  if (!r.ok) throw new Error(r.error);
  return r.config;
};

describe('findRegistry: the longest matching prefix wins', () => {
  const c = conf(
    '[[registry]]\nlocation = "icr.io"\n[[registry]]\nprefix = "icr.io/cpopen"\nlocation = "m.example.com/cp"\n[[registry]]\nprefix = "*.icr.io"\nlocation = "w.example.com"\n',
  );
  it.each([
    ['icr.io/cpopen/foo', 'icr.io/cpopen'],
    ['icr.io/other/foo', 'icr.io'],
    ['eu.icr.io/x/y', '*.icr.io'],
    ['quay.io/a/b', undefined],
  ])('%s → %s', (name, prefix) => expect(findRegistry(c, name)?.prefix).toBe(prefix));
});

describe('pullSources', () => {
  const c = conf(
    '[[registry]]\nprefix = "quay.io/org"\nlocation = "quay.io/org"\n[[registry.mirror]]\nlocation = "d.example.com/q"\npull-from-mirror = "digest-only"\n[[registry.mirror]]\nlocation = "t.example.com/q"\npull-from-mirror = "tag-only"\n[[registry.mirror]]\nlocation = "a.example.com/q"\n',
  );
  const reg = findRegistry(c, 'quay.io/org/app');
  it('tag: tag-only and all mirrors, then the primary', () => {
    expect(pullSources(reg!, 'quay.io/org/app:1', false).sources.map((s) => s.reference)).toEqual([
      't.example.com/q/app:1',
      'a.example.com/q/app:1',
      'quay.io/org/app:1',
    ]);
  });
  it('digest: digest-only and all mirrors, then the primary', () => {
    expect(pullSources(reg!, 'quay.io/org/app@sha256:x', true).sources.map((s) => s.reference)).toEqual([
      'd.example.com/q/app@sha256:x',
      'a.example.com/q/app@sha256:x',
      'quay.io/org/app@sha256:x',
    ]);
  });
  it('mirror-by-digest-only: a tag goes to the primary only', () => {
    const d = conf(
      '[[registry]]\nlocation = "icr.io/cpopen"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = "icr.io/dpod"\n',
    );
    const r = pullSources(findRegistry(d, 'icr.io/cpopen/x')!, 'icr.io/cpopen/x:1', false);
    expect(r.sources.map((s) => s.reference)).toEqual(['icr.io/cpopen/x:1']);
    expect(r.skipped).toHaveLength(1);
  });
});

const component = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const path = fc.array(component, { minLength: 1, maxLength: 3 }).map((p) => p.join('/'));
const host = fc.tuple(component, component).map(([a, b]) => `${a}.${b}`);

describe('properties', () => {
  it('rewriting swaps exactly the prefix and keeps the rest of the reference', () => {
    fc.assert(
      fc.property(
        host,
        path,
        path,
        host,
        path,
        fc.stringMatching(/^[a-z0-9]{1,8}$/),
        (h, p, rest, mh, mp, tag) => {
          const prefix = `${h}/${p}`;
          const ref = `${prefix}/${rest}:${tag}`;
          const location = `${mh}/${mp}`;
          expect(rewriteReference(ref, prefix, location)).toBe(`${location}/${rest}:${tag}`);
        },
      ),
    );
  });
  it('a prefix never matches a sibling that merely starts with the same characters', () => {
    fc.assert(
      fc.property(host, path, component, (h, p, extra) => {
        expect(refMatchingPrefix(`${h}/${p}${extra}/x:1`, `${h}/${p}`)).toBe(-1);
      }),
    );
  });
});
