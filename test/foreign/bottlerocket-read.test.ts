// convert --from bottlerocket (issue 19 item 5): Bottlerocket settings read back into spec entries, in
// both forms Bottlerocket's container-registry model accepts (array of {registry, endpoint} tables, and
// the older registry → endpoints table), from TOML user data or `apiclient get` JSON.
import { describe, expect, it } from 'vitest';
import { readBottlerocket, specToBottlerocket } from '../../src/foreign/bottlerocket.js';
import { docToSpec, specDoc } from '../../src/foreign/spec-doc.js';

describe('readBottlerocket', () => {
  it('reads the JSON of apiclient get, endpoints as CRI reads them (scheme added, path = API root)', () => {
    const json = JSON.stringify({
      settings: {
        'container-registry': {
          mirrors: [
            {
              registry: 'docker.io',
              endpoint: ['localhost:5000', 'cache.example.com', 'https://m.example.com/v2'],
            },
            { registry: 'quay.io', endpoint: ['https://m.example.com/quay'] },
          ],
        },
      },
    });
    const r = readBottlerocket(json, 'settings.json');
    expect(r.diagnostics).toEqual([]);
    expect(r.entries).toEqual([
      {
        source: 'docker.io',
        mirrors: [
          { url: 'http://localhost:5000' },
          { url: 'https://cache.example.com' },
          { url: 'https://m.example.com' },
        ],
      },
      // A path without /v2 is still the API root verbatim: the spec says so (and explain/lints flag it).
      { source: 'quay.io', mirrors: [{ url: 'https://m.example.com/quay', path: 'api-root' }] },
    ]);
  });

  it('reads the older table form and leaves out a mirror without endpoints, saying so', () => {
    const r = readBottlerocket(
      '[settings.container-registry.mirrors]\n"docker.io" = ["https://cache.example.com"]\n"ghcr.io" = []\n',
      'user-data.toml',
    );
    expect(r.entries).toEqual([{ source: 'docker.io', mirrors: [{ url: 'https://cache.example.com' }] }]);
    expect(r.diagnostics.map((d) => [d.code, d.field])).toEqual([
      ['convert.bottlerocket.no-endpoints', 'settings.container-registry.mirrors."ghcr.io"'],
    ]);
  });

  it('refuses what is not Bottlerocket settings, naming the file', () => {
    expect(readBottlerocket('[plugins]\nx = 1\n', 'config.toml').diagnostics).toMatchObject([
      { severity: 'error', code: 'convert.bottlerocket.settings', file: 'config.toml' },
    ]);
    expect(readBottlerocket('[settings\n', 'bad.toml').diagnostics).toMatchObject([
      { severity: 'error', code: 'convert.parse', file: 'bad.toml', line: 1 },
    ]);
    expect(readBottlerocket('{"settings": ', 'bad.json').diagnostics[0]?.code).toBe('convert.parse');
  });

  it('a mount mirror comes back as the API root it was written as (same requests)', () => {
    const r = docToSpec(
      specDoc('t', [
        { source: 'ghcr.io', mirrors: [{ url: 'https://proxy.example.com/ghcr', path: 'mount' }] },
      ]),
      'spec',
    );
    const written = specToBottlerocket(r.spec!, {});
    expect(readBottlerocket(written.text, 'out').entries).toEqual([
      { source: 'ghcr.io', mirrors: [{ url: 'https://proxy.example.com/ghcr/v2', path: 'api-root' }] },
    ]);
  });
});
