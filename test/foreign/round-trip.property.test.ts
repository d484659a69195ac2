// spec → format → spec is the identity wherever the format can express the spec (issue 6). Each
// generator produces exactly the specs its format can hold, in the canonical form the reader
// produces (e.g. Talos reads a namespace mirror without path as the origin URL).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { hasErrors } from '../../src/diagnostics.js';
import { formatNamed } from '../../src/foreign/convert-table.js';
import {
  docToSpec,
  type EntryDoc,
  type MirrorDoc,
  specDoc,
  type WriteOptions,
} from '../../src/foreign/spec-doc.js';
import type { MirrorSet } from '../../src/spec/types.js';

const HOSTS = ['docker.io', 'quay.io', 'ghcr.io', 'registry.example.com:5000', 'icr.io'];
const PATHS = ['', 'team', 'a/b'];
const MIRROR_HOSTS = ['m0.example.com', 'm1.example.com', 'm2.example.com:8443', '10.0.0.5:5000'];
/** TLS is per mirror host in every format: derive it from the host so entries never disagree. */
const insecureHost = (h: string): boolean => h === 'm1.example.com';

function specFrom(entries: EntryDoc[]): MirrorSet {
  const r = docToSpec(specDoc('prop', entries), 'generated');
  if (!r.spec || hasErrors(r.diagnostics)) throw new Error(JSON.stringify(r.diagnostics));
  return r.spec;
}

function roundTrip(format: string, set: MirrorSet, opts: WriteOptions = {}): MirrorSet | undefined {
  const f = formatNamed(format)!;
  const written = f.write(set, {}, opts);
  expect(hasErrors(written.diagnostics), JSON.stringify(written.diagnostics)).toBe(false);
  const read = f.read!(written.text, 'out');
  return docToSpec(specDoc('prop', read.entries), 'out').spec;
}

const mirrorHosts = fc.uniqueArray(fc.constantFrom(...MIRROR_HOSTS), { minLength: 1, maxLength: 3 });
const sourceHosts = fc.uniqueArray(fc.constantFrom(...HOSTS, '*'), { minLength: 1, maxLength: 4 });
const tls = (scheme: string, h: string): Partial<MirrorDoc> =>
  scheme === 'https' && insecureHost(h) ? { tls: { insecureSkipVerify: true } } : {};
const scheme = (h: string): 'http' | 'https' => (h.startsWith('10.') ? 'http' : 'https');

describe('k3s/RKE2 registries.yaml', () => {
  const entry = (host: string) =>
    fc
      .record({
        path: host === '*' ? fc.constant('') : fc.constantFrom(...PATHS),
        q: fc.constantFrom(...PATHS),
        mode: fc.constantFrom('namespace', 'api-root', 'mount'),
        hosts: mirrorHosts,
      })
      .map(({ path, q, mode, hosts }): EntryDoc => {
        // A rename needs a rewrite, which only namespace mirrors take; roots carry the full repository.
        const m = path === '' ? mode : 'namespace';
        const mirrors = hosts.map((h): MirrorDoc => {
          const s = scheme(h);
          const base = `${s}://${h}`;
          if (m === 'api-root') return { url: `${base}/v2/${q || 'r'}`, path: 'api-root', ...tls(s, h) };
          if (m === 'mount') return { url: `${base}/${q || 'p'}`, path: 'mount', ...tls(s, h) };
          return { url: q ? `${base}/${q}` : base, ...tls(s, h) };
        });
        return { source: path ? `${host}/${path}` : host, mirrors };
      });
  const specs = sourceHosts.chain((hs) => fc.tuple(...hs.map(entry))).map(specFrom);
  test.each(['k3s', 'rke2'])('%s', (format) => {
    fc.assert(
      fc.property(specs, (set) => {
        expect(roundTrip(format, set)).toEqual(set);
      }),
      { numRuns: 100 },
    );
  });
});

const onlyTags = (e: EntryDoc): boolean => e.mirrors.every((m) => m.pullFrom === 'tag-only');

describe('OpenShift IDMS + ITMS', () => {
  const entry = (host: string) =>
    fc
      .record({
        path: fc.constantFrom(...PATHS),
        q: fc.constantFrom(...PATHS),
        pullFrom: fc.constantFrom('all', 'digest-only', 'tag-only'),
        fallback: fc.boolean(),
        hosts: fc.uniqueArray(fc.constantFrom('m0.example.com', 'm1.example.com', 'm2.example.com:8443'), {
          minLength: 1,
          maxLength: 3,
        }),
      })
      .map(
        ({ path, q, pullFrom, fallback, hosts }): EntryDoc => ({
          source: path ? `${host}/${path}` : host,
          ...(fallback ? {} : { fallback: false }),
          mirrors: hosts.map((h) => ({
            url: q ? `https://${h}/${q}` : `https://${h}`,
            ...(pullFrom === 'all' ? {} : { pullFrom: pullFrom as MirrorDoc['pullFrom'] }),
          })),
        }),
      );
  const specs = fc
    .uniqueArray(fc.constantFrom(...HOSTS), { minLength: 1, maxLength: 4 })
    .chain((hs) => fc.tuple(...hs.map(entry)))
    // Tag-only sources exist only in the ITMS, which is read after the IDMS: generate them last.
    .map((es) => specFrom([...es].sort((a, b) => Number(onlyTags(a)) - Number(onlyTags(b)))));
  test('openshift', () => {
    fc.assert(
      fc.property(specs, (set) => {
        expect(roundTrip('openshift', set)).toEqual(set);
      }),
      { numRuns: 100 },
    );
  });
});

describe('Talos RegistryMirrorConfig', () => {
  const entry = (host: string) =>
    fc
      .record({
        mode: fc.constantFrom('namespace', 'api-root', 'mount'),
        q: fc.constantFrom('r', 'a/b'),
        fallback: fc.boolean(),
        hosts: mirrorHosts,
      })
      .map(
        ({ mode, q, fallback, hosts }): EntryDoc => ({
          source: host,
          ...(fallback ? {} : { fallback: false }),
          mirrors: hosts.map((h): MirrorDoc => {
            const s = scheme(h);
            const base = `${s}://${h}`;
            if (mode === 'api-root') return { url: `${base}/v2/${q}`, path: 'api-root', ...tls(s, h) };
            if (mode === 'mount') return { url: `${base}/${q}`, path: 'mount', ...tls(s, h) };
            return { url: base, ...tls(s, h) };
          }),
        }),
      );
  const specs = sourceHosts.chain((hs) => fc.tuple(...hs.map(entry))).map(specFrom);
  test('talos', () => {
    fc.assert(
      fc.property(specs, (set) => {
        expect(roundTrip('talos', set)).toEqual(set);
      }),
      { numRuns: 100 },
    );
  });
  // Talos 1.10/1.11: machine.registries, one overridePath per registry. Each generated entry uses one
  // path mode for all its mirrors, which that shape writes exactly as it is read back.
  test.each(['1.10', 'v1.11.2', 'Talos (v1.11.2)'])('talos machine.registries (--talos-version %s)', (v) => {
    fc.assert(
      fc.property(specs, (set) => {
        const written = formatNamed('talos')!.write(set, {}, { talosVersion: v });
        expect(written.text).toContain('\nmachine:\n  registries:\n');
        expect(roundTrip('talos', set, { talosVersion: v })).toEqual(set);
      }),
      { numRuns: 100 },
    );
  });
});

describe('Bottlerocket settings', () => {
  // Endpoints are legacy CRI mirrors (path = API root verbatim), and Bottlerocket always falls back:
  // no renames, no fallback: false, no TLS but trusted CAs (which the reader reports, not carries).
  const entry = (host: string) =>
    fc
      .record({
        mode: fc.constantFrom('namespace', 'api-root', 'mount'),
        q: fc.constantFrom('r', 'a/b'),
        hosts: mirrorHosts,
      })
      .map(
        ({ mode, q, hosts }): EntryDoc => ({
          source: host,
          mirrors: hosts.map((h): MirrorDoc => {
            const base = `${scheme(h)}://${h}`;
            // The reader's canonical form: a mount <url>/<q> is written as the endpoint <url>/<q>/v2
            // and read back as that API root (the same requests), so generate it that way.
            if (mode === 'api-root') return { url: `${base}/v2/${q}`, path: 'api-root' };
            if (mode === 'mount') return { url: `${base}/${q}/v2`, path: 'api-root' };
            return { url: base };
          }),
        }),
      );
  const specs = sourceHosts.chain((hs) => fc.tuple(...hs.map(entry))).map(specFrom);
  test('bottlerocket', () => {
    fc.assert(
      fc.property(specs, (set) => {
        expect(roundTrip('bottlerocket', set)).toEqual(set);
      }),
      { numRuns: 100 },
    );
  });
});

test('Docker daemon.json (Docker Hub mirrors)', () => {
  const specs = mirrorHosts
    .chain((hosts) =>
      // Mirror paths need Docker 24.0.8+ (version-gated by the renderer): hosts only here.
      fc.tuple(...hosts.map((h) => fc.constant('').map((p) => ({ h, p })))),
    )
    .map((ms) =>
      specFrom([
        {
          source: 'docker.io',
          mirrors: ms.map(({ h, p }): MirrorDoc => {
            const s = scheme(h);
            const url = `${s}://${h}${p ? `/${p}` : ''}`;
            return { url, ...(p ? { path: 'mount' } : {}), ...tls(s, h) };
          }),
        },
      ]),
    );
  fc.assert(
    fc.property(specs, (set) => {
      expect(roundTrip('docker', set)).toEqual(set);
    }),
    { numRuns: 100 },
  );
});
