// Hand-built MirrorSets carrying attacker-influenced text in every field that reaches a path, a
// TOML/JSON key or a comment. The validator rejects most of these; renderers must hold anyway.
import type { Mirror, MirrorSet, RegistryEntry } from '../../src/spec/types.js';

/** Named hostile fragments: path traversal, separators, control bytes, quoting, TOML syntax, look-alikes. */
export const HOSTILE: Readonly<Record<string, string>> = {
  'dot-dot': '../../../etc',
  'dot-dot-host': '..',
  slash: 'a/b',
  'abs-path': '/etc/shadow',
  backslash: 'a\\..\\..\\b',
  nul: 'icr.io\u0000evil',
  'double-quote': 'icr.io"evil',
  'single-quote': "icr.io'evil",
  newline: 'icr.io\nserver = "https://evil.example"',
  cr: 'icr.io\r[host."https://evil.example"]',
  'close-bracket': 'icr.io]\n[evil',
  hash: 'icr.io#evil',
  'cyrillic-i': 'icr.\u0456o',
  'fullwidth-dot': 'icr\uff0eio',
  'trailing-dot': 'icr.io.',
  'dot-only': '.',
  u2028: 'icr.io\u2028server = "x"',
  'bidi-override': 'icr.io\u202eoi.lave',
  'toml-table': '[plugins]',
  'json-break': '","registry-mirrors":["https://evil.example"],"x":"',
};

export const mirror = (over: Partial<Mirror> = {}): Mirror => ({
  url: 'https://mirror.example.com',
  scheme: 'https',
  host: 'mirror.example.com',
  path: '',
  pathMode: 'namespace',
  pullFrom: 'all',
  capabilities: ['pull', 'resolve'],
  tls: { insecureSkipVerify: false },
  headers: {},
  ...over,
});

export const entry = (over: Partial<RegistryEntry> = {}): RegistryEntry => ({
  index: 0,
  source: 'icr.io',
  sourceHost: 'icr.io',
  sourcePath: '',
  fallback: true,
  mirrors: [mirror()],
  ...over,
});

export const set = (registries: RegistryEntry[], name = 'dpod'): MirrorSet => ({
  apiVersion: 'mirrorctl/v1',
  kind: 'MirrorSet',
  name,
  registries,
});

/** Every way one hostile string `s` can reach a renderer: as source, mirror host/path, name, header, TLS path. */
export function placements(s: string): Record<string, MirrorSet> {
  return {
    source: set([entry({ source: s, sourceHost: s })]),
    'source-docker-only': set([entry({ source: s, sourceHost: s, only: ['docker'] })]),
    'source-path': set([entry({ source: `icr.io/${s}`, sourcePath: s })]),
    'mirror-host': set([entry({ mirrors: [mirror({ host: s, url: `https://${s}` })] })]),
    'mirror-host-hub': set([
      entry({
        source: 'docker.io',
        sourceHost: 'docker.io',
        mirrors: [
          mirror({ host: s, url: `https://${s}`, tls: { insecureSkipVerify: false, caFile: '/ca.pem' } }),
        ],
      }),
    ]),
    'mirror-path': set([
      entry({
        mirrors: [
          mirror({ path: `/v2/${s}`, url: `https://mirror.example.com/v2/${s}`, pathMode: 'api-root' }),
        ],
      }),
    ]),
    'mirror-tls-host': set([
      entry({
        mirrors: [
          mirror({
            host: s,
            url: `https://${s}`,
            tls: { insecureSkipVerify: false, caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' },
          }),
        ],
      }),
    ]),
    name: set([entry()], s),
    'header-value': set([entry({ mirrors: [mirror({ headers: { 'X-Token': [s] } })] })]),
    'header-name': set([entry({ mirrors: [mirror({ headers: { [s]: ['v'] } })] })]),
    'fallback-false': set([entry({ source: s, sourceHost: s, fallback: false })]),
  };
}

export const ASSETS = { '/ca.pem': 'CA\n', '/c.pem': 'CERT\n', '/k.pem': 'KEY\n' };
