// containerd request order from hosts.toml, table-driven. The cases restate what runtime-semantics.md
// §7 recorded from containerd 1.6.20 on Debian 12 (ctr --hosts-dir against unreachable 127.0.0.x
// ports, request URLs read from --debug), plus the version gates of §0.1.
import { describe, expect, it } from 'vitest';
import { explainContainerd } from './explain-containerd.js';
import { parseExplainImage } from './explain-image.js';
import type { ExplainedImage } from './types.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const CERTS = '/etc/containerd/certs.d';

function image(ref: string): ExplainedImage {
  const i = parseExplainImage(ref);
  if ('severity' in i) throw new Error(i.message);
  return i;
}

interface Case {
  name: string;
  files: Record<string, string>;
  image: string;
  version?: string;
  urls: string[];
  roles?: string[];
  codes?: string[];
}

const cases: Case[] = [
  {
    name: 'file order, server last, /cache gets /v2 appended, ?ns on mirrors only',
    files: {
      'docker.io/hosts.toml':
        'server = "https://registry-1.docker.io"\n[host."http://127.0.0.5:5993/cache"]\n  capabilities = ["pull", "resolve"]\n[host."https://m2.example.com/v2"]\n  capabilities = ["pull", "resolve"]\n',
    },
    image: 'nginx:1.27',
    urls: [
      'http://127.0.0.5:5993/cache/v2/library/nginx/manifests/1.27?ns=docker.io',
      'https://m2.example.com/v2/library/nginx/manifests/1.27?ns=docker.io',
      'https://registry-1.docker.io/v2/library/nginx/manifests/1.27',
    ],
    roles: ['mirror', 'mirror', 'source'],
  },
  {
    name: 'override_path keeps /v2/proj and appends the full repository (the seed: no ?ns on the same host)',
    files: {
      'icr.io/hosts.toml':
        'server = "https://icr.io"\n[host."https://icr.io/v2/dpod"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n',
    },
    image: 'icr.io/cpopen/cpopen-test:1.0',
    urls: [
      'https://icr.io/v2/dpod/cpopen/cpopen-test/manifests/1.0',
      'https://icr.io/v2/cpopen/cpopen-test/manifests/1.0',
    ],
    roles: ['mirror', 'source'],
  },
  {
    name: 'override_path without /v2 requests no /v2 at all',
    files: {
      'icr.io/hosts.toml':
        'server = "https://icr.io"\n[host."https://icr.io/dpod"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n',
    },
    image: 'icr.io/cpopen/x:1',
    urls: ['https://icr.io/dpod/cpopen/x/manifests/1', 'https://icr.io/v2/cpopen/x/manifests/1'],
  },
  {
    name: 'a pull-only host is skipped for a tag',
    files: {
      'docker.io/hosts.toml':
        'server = "https://registry-1.docker.io"\n[host."https://m.example.com"]\n  capabilities = ["pull"]\n',
    },
    image: 'nginx',
    urls: ['https://registry-1.docker.io/v2/library/nginx/manifests/latest'],
    codes: ['explain.containerd.capability-skip'],
  },
  {
    name: 'a pull-only host serves a digest: manifests on every host, then the blobs fallback',
    files: {
      'docker.io/hosts.toml':
        'server = "https://registry-1.docker.io"\n[host."https://m.example.com"]\n  capabilities = ["pull"]\n',
    },
    image: `nginx@${DIGEST}`,
    urls: [
      `https://m.example.com/v2/library/nginx/manifests/${DIGEST}?ns=docker.io`,
      `https://registry-1.docker.io/v2/library/nginx/manifests/${DIGEST}`,
      `https://m.example.com/v2/library/nginx/blobs/${DIGEST}?ns=docker.io`,
      `https://registry-1.docker.io/v2/library/nginx/blobs/${DIGEST}`,
    ],
  },
  {
    name: '_default applies to a registry without its own directory; the registry itself is appended',
    files: {
      '_default/hosts.toml': '[host."https://m.example.com"]\n  capabilities = ["pull", "resolve"]\n',
    },
    image: 'quay.io/coreos/etcd:v3.5',
    version: '1.6.20',
    urls: [
      'https://m.example.com/v2/coreos/etcd/manifests/v3.5?ns=quay.io',
      'https://quay.io/v2/coreos/etcd/manifests/v3.5',
    ],
  },
  {
    name: '_default does not exist before 1.6.17',
    files: {
      '_default/hosts.toml': '[host."https://m.example.com"]\n  capabilities = ["pull", "resolve"]\n',
    },
    image: 'quay.io/coreos/etcd:v3.5',
    version: '1.6.16',
    urls: ['https://quay.io/v2/coreos/etcd/manifests/v3.5'],
  },
  {
    name: 'host_port_ directory matches host:port; loopback upstream defaults to http',
    files: {
      '127.0.0.2_5999_/hosts.toml': '[host."http://127.0.0.3:5000"]\n  capabilities = ["pull", "resolve"]\n',
    },
    image: '127.0.0.2:5999/team/app:2',
    urls: [
      // containerd escapes the query with Go's url.Values.Encode (seen in a real mirror's access log)
      'http://127.0.0.3:5000/v2/team/app/manifests/2?ns=127.0.0.2%3A5999',
      'http://127.0.0.2:5999/v2/team/app/manifests/2',
    ],
  },
  {
    name: 'an empty directory shadows _default (upstream only)',
    files: {
      'quay.io/ca.crt': 'PEM',
      '_default/hosts.toml': '[host."https://m.example.com"]\n  capabilities = ["pull", "resolve"]\n',
    },
    image: 'quay.io/a/b:1',
    urls: ['https://quay.io/v2/a/b/manifests/1'],
    codes: ['explain.containerd.empty-dir'],
  },
  {
    name: 'a hosts.toml with only server is rejected on 1.6 (invalid `host` tree): upstream only',
    files: { 'quay.io/hosts.toml': 'server = "https://m.example.com"\n' },
    image: 'quay.io/a/b:1',
    version: '1.6.20',
    urls: ['https://quay.io/v2/a/b/manifests/1'],
    codes: ['explain.containerd.hosts-toml'],
  },
  {
    name: 'the same file is fine on 2.0: server is the only host',
    files: { 'quay.io/hosts.toml': 'server = "https://m.example.com"\n' },
    image: 'quay.io/a/b:1',
    version: '2.0.0',
    urls: ['https://m.example.com/v2/a/b/manifests/1?ns=quay.io'],
    roles: ['mirror'],
  },
  {
    name: 'referrers is an unknown capability before 2.2: whole file ignored',
    files: {
      'quay.io/hosts.toml':
        'server = "https://quay.io"\n[host."https://m.example.com"]\n  capabilities = ["pull", "resolve", "referrers"]\n',
    },
    image: 'quay.io/a/b:1',
    version: '1.6.20',
    urls: ['https://quay.io/v2/a/b/manifests/1'],
    codes: ['explain.containerd.hosts-toml'],
  },
  {
    name: 'referrers is accepted from 2.2',
    files: {
      'quay.io/hosts.toml':
        'server = "https://quay.io"\n[host."https://m.example.com"]\n  capabilities = ["pull", "resolve", "referrers"]\n',
    },
    image: 'quay.io/a/b:1',
    version: '2.2.0',
    urls: ['https://m.example.com/v2/a/b/manifests/1?ns=quay.io', 'https://quay.io/v2/a/b/manifests/1'],
  },
  {
    name: 'http:// host with skip_verify tries HTTPS first on 1.7.24+ (any port but 80)',
    files: {
      'quay.io/hosts.toml':
        'server = "https://quay.io"\n[host."http://m.example.com"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n',
    },
    image: 'quay.io/a/b:1',
    version: '1.7.24',
    urls: ['https://m.example.com/v2/a/b/manifests/1?ns=quay.io', 'https://quay.io/v2/a/b/manifests/1'],
  },
  {
    name: '… but not on 1.6.20 (straight to HTTP)',
    files: {
      'quay.io/hosts.toml':
        'server = "https://quay.io"\n[host."http://m.example.com:5993"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n',
    },
    image: 'quay.io/a/b:1',
    version: '1.6.20',
    urls: ['http://m.example.com:5993/v2/a/b/manifests/1?ns=quay.io', 'https://quay.io/v2/a/b/manifests/1'],
  },
  {
    name: 'no host can resolve a tag when every host is pull-only (server included)',
    files: {
      'quay.io/hosts.toml':
        'server = "https://m.example.com"\ncapabilities = ["pull"]\n[host."https://m.example.com"]\n  capabilities = ["pull"]\n',
    },
    image: 'quay.io/a/b:1',
    urls: [],
    codes: [
      'explain.containerd.capability-skip',
      'explain.containerd.capability-skip',
      'explain.containerd.no-resolve-host',
    ],
  },
];

describe('explainContainerd (hosts.toml resolution)', () => {
  it.each(cases)('$name', ({ files, image: ref, version, urls, roles, codes }) => {
    const r = explainContainerd(
      {
        files: Object.entries(files).map(([p, content]) => ({ path: `${CERTS}/${p}`, content })),
        certsDir: CERTS,
        ...(version === undefined ? {} : { version }),
      },
      image(ref),
    );
    expect(r.requests.map((q) => q.url)).toEqual(urls);
    if (roles) expect(r.requests.map((q) => q.role)).toEqual(roles);
    expect(r.diagnostics.map((d) => d.code)).toEqual(codes ?? []);
  });
});
