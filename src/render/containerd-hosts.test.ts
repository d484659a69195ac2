// Property: for random specs and containerd versions, every rendered hosts.toml passes containerd's
// reader rules for that version, files are unique and deterministic, and an entry with an error
// never gets a file (no silently different config).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHostsToml } from '../formats/containerd-hosts-check.js';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import type { Capability, Mirror, MirrorSet, RegistryEntry } from '../spec/types.js';
import { parseToml } from '../toml/parse.js';
import { containerdHostsDir, renderContainerdHosts } from './containerd-hosts.js';

const pathArb = fc.constantFrom('', '/v2', '/cache', '/v2/proj', '/proj/a', '/a');
const mirrorArb: fc.Arbitrary<Mirror> = fc
  .record({
    scheme: fc.constantFrom('http' as const, 'https' as const),
    host: fc.constantFrom('m1.example.com', 'm2.example.com:5000', '10.0.0.5:8080'),
    path: pathArb,
    pathMode: fc.constantFrom('namespace' as const, 'api-root' as const, 'mount' as const),
    pullFrom: fc.constantFrom('all' as const, 'digest-only' as const, 'tag-only' as const),
    skip: fc.boolean(),
    ca: fc.boolean(),
    headers: fc.boolean(),
    dialTimeout: fc.option(fc.constantFrom('1s', '3s'), { nil: undefined }),
  })
  .map((r) => ({
    url: `${r.scheme}://${r.host}${r.path}`,
    scheme: r.scheme,
    host: r.host,
    path: r.path,
    pathMode: r.pathMode,
    pullFrom: r.pullFrom,
    capabilities: ['pull', 'resolve'] as Capability[],
    tls: { insecureSkipVerify: r.skip, ...(r.ca ? { caFile: '/pki/ca.pem' } : {}) },
    headers: (r.headers ? { 'X-Token': ['t'] } : {}) as Record<string, string[]>,
    ...(r.dialTimeout ? { dialTimeout: r.dialTimeout } : {}),
  }));
const entryArb = fc.record({
  source: fc.constantFrom(
    'docker.io',
    'quay.io',
    'icr.io/cpopen',
    'icr.io',
    'r.example.com:5000/a',
    '*',
    'localhost:5000',
  ),
  fallback: fc.boolean(),
  mirrors: fc.array(mirrorArb, { minLength: 1, maxLength: 3 }),
});
const setArb: fc.Arbitrary<MirrorSet> = fc.array(entryArb, { minLength: 1, maxLength: 4 }).map((es) => ({
  apiVersion: 'mirrorctl/v1',
  kind: 'MirrorSet',
  name: 'prop',
  registries: es.map((e, index): RegistryEntry => {
    const slash = e.source.indexOf('/');
    return {
      index,
      source: e.source,
      sourceHost: slash < 0 ? e.source : e.source.slice(0, slash),
      sourcePath: slash < 0 ? '' : e.source.slice(slash + 1),
      fallback: e.fallback,
      mirrors: e.mirrors,
    };
  }),
}));
const versionArb = fc.constantFrom(undefined, '1.6.20', '1.7.24', '2.0.7', '2.1.9', '2.2.2');

describe('renderContainerdHosts property', () => {
  it('renders only files containerd accepts, and nothing for entries it cannot express', () => {
    fc.assert(
      fc.property(setArb, versionArb, (set, version) => {
        const ctx = {
          target: 'containerd' as const,
          runtimeVersion: version,
          assets: { '/pki/ca.pem': 'PEM' },
          paths: DEFAULT_PATHS,
        };
        const r = renderContainerdHosts(set, ctx);
        expect(renderContainerdHosts(set, ctx)).toEqual(r);
        const paths = r.files.map((f) => f.path);
        expect(new Set(paths).size).toBe(paths.length);
        for (const f of r.files.filter((x) => x.path.endsWith('/hosts.toml'))) {
          expect(checkHostsToml(f.content, f.path, version).filter((d) => d.severity !== 'info')).toEqual([]);
          const parsed = parseToml(f.content);
          if (!parsed.ok) throw new Error(parsed.diagnostic.message);
          const doc = parsed.value as { host: Record<string, { ca?: string }> };
          for (const h of Object.values(doc.host)) {
            if (h.ca) expect(paths).toContain(f.path.replace('hosts.toml', h.ca));
          }
          expect(f.secret === true).toBe(f.content.includes('header'));
        }
        const failed = new Set(
          r.diagnostics
            .filter((d) => d.severity === 'error')
            .map((d) => Number(/registries\[(\d+)\]/.exec(d.field ?? '')?.[1])),
        );
        for (const i of failed) {
          const dir = containerdHostsDir(set.registries[i]!.sourceHost);
          expect(paths).not.toContain(`${DEFAULT_PATHS.certsDir}/${dir}/hosts.toml`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
