// spec → hosts.toml (the real containerd renderer) → import --from-node → spec is the identity for
// every spec containerd can express in canonical form: the importer reads back exactly what mirrorctl
// writes (server = last mirror for fallback: false, capabilities for digest-only, override_path …).
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { hasErrors } from '../../src/diagnostics.js';
import { docToSpec, type EntryDoc, type MirrorDoc, specDoc } from '../../src/foreign/spec-doc.js';
import { DEFAULT_PATHS } from '../../src/formats/node-paths.js';
import { memoryFs } from '../../src/host/memory-fs.js';
import { importFromNode } from '../../src/planner/import-node.js';
import { renderContainerdHosts } from '../../src/render/containerd-hosts.js';

const HOSTS = ['docker.io', 'quay.io', 'registry.example.com:5000', '*'];
const MIRRORS = ['m0.example.com', 'm1.example.com', 'm2.example.com:8443', '10.0.0.5:5000'];

const mirror = fc
  .record({
    host: fc.constantFrom(...MIRRORS),
    mode: fc.constantFrom('namespace', 'api-root', 'mount'),
    q: fc.constantFrom('r', 'a/b'),
    digestOnly: fc.boolean(),
    insecure: fc.boolean(),
    header: fc.boolean(),
  })
  .map(({ host, mode, q, digestOnly, insecure, header }): MirrorDoc => {
    const scheme = host.startsWith('10.') ? 'http' : 'https';
    const base = `${scheme}://${host}`;
    const d: MirrorDoc =
      mode === 'api-root'
        ? { url: `${base}/v2/${q}`, path: 'api-root' }
        : mode === 'mount'
          ? { url: `${base}/${q}`, path: 'mount' }
          : { url: base };
    if (digestOnly) d.pullFrom = 'digest-only';
    if (insecure && scheme === 'https') d.tls = { insecureSkipVerify: true };
    if (header) d.headers = { 'X-Mirror': ['a'] };
    return d;
  });

const entry = (source: string) =>
  fc
    .record({
      fallback: fc.boolean(),
      mirrors: fc.uniqueArray(mirror, { minLength: 1, maxLength: 3, selector: (m) => m.url }),
    })
    // A digest-only last mirror as `server` with fallback: false cannot resolve tags: the renderer refuses it.
    .filter(({ fallback, mirrors }) => fallback || mirrors.every((m) => m.pullFrom === undefined))
    .map(
      ({ fallback, mirrors }): EntryDoc => ({ source, ...(fallback ? {} : { fallback: false }), mirrors }),
    );

const specs = fc
  .uniqueArray(fc.constantFrom(...HOSTS), { minLength: 1, maxLength: 4 })
  .chain((hs) => fc.tuple(...hs.map(entry)))
  // Directory listing order: `*` (_default) sorts before the hosts.
  .map((es) =>
    [...es].sort((a, b) => (a.source === '*' ? -1 : b.source === '*' ? 1 : a.source.localeCompare(b.source))),
  )
  .map((es) => {
    const r = docToSpec(specDoc('prop', es), 'generated');
    if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
    return r.spec;
  });

test('containerd hosts.toml round trip through import --from-node', async () => {
  await fc.assert(
    fc.asyncProperty(specs, async (set) => {
      const rendered = renderContainerdHosts(set, {
        target: 'containerd',
        runtimeVersion: '1.7.24',
        assets: {},
        paths: DEFAULT_PATHS,
      });
      expect(hasErrors(rendered.diagnostics), JSON.stringify(rendered.diagnostics)).toBe(false);
      const fs = memoryFs({});
      for (const f of rendered.files) await fs.writeFileAtomic(f.path, f.content, f.mode);
      const found = await importFromNode(fs, DEFAULT_PATHS);
      const back = docToSpec(specDoc('prop', found.entries), 'node').spec;
      expect(back).toEqual(set);
    }),
    { numRuns: 100 },
  );
});
