// containerd's deprecated CRI registry.mirrors: exact host key else "*", endpoint paths verbatim as
// the API root, scheme-less endpoints (http for localhost), upstream appended unless listed.
import { describe, expect, it } from 'vitest';
import { explainContainerdLegacy } from './explain-containerd-legacy.js';
import { parseExplainImage } from './explain-image.js';
import type { ExplainedImage } from './types.js';

const image = (ref: string): ExplainedImage => {
  const i = parseExplainImage(ref);
  if ('severity' in i) throw new Error(i.message);
  return i;
};

describe('explainContainerdLegacy', () => {
  it.each([
    [
      'path used verbatim (no /v2 added), ?ns on mirrors, upstream appended',
      { 'icr.io': ['https://harbor.example.com/v2/icr-proxy', 'https://m.example.com/foo'] },
      'icr.io/cpopen/x:1',
      [
        'https://harbor.example.com/v2/icr-proxy/cpopen/x/manifests/1?ns=icr.io',
        'https://m.example.com/foo/cpopen/x/manifests/1?ns=icr.io',
        'https://icr.io/v2/cpopen/x/manifests/1',
      ],
    ],
    [
      'scheme-less endpoints: https, or http for loopback',
      { 'docker.io': ['mirror.example.com', '127.0.0.1:5000'] },
      'nginx',
      [
        'https://mirror.example.com/v2/library/nginx/manifests/latest?ns=docker.io',
        'http://127.0.0.1:5000/v2/library/nginx/manifests/latest?ns=docker.io',
        'https://registry-1.docker.io/v2/library/nginx/manifests/latest',
      ],
    ],
    [
      '"*" applies to registries without their own key',
      { '*': ['https://m.example.com'], 'docker.io': ['https://hub.example.com'] },
      'quay.io/a/b:1',
      ['https://m.example.com/v2/a/b/manifests/1?ns=quay.io', 'https://quay.io/v2/a/b/manifests/1'],
    ],
    [
      'an endpoint on the registry host itself: no upstream appended',
      { 'quay.io': ['https://mirror.example.com', 'https://quay.io'] },
      'quay.io/a/b:1',
      ['https://mirror.example.com/v2/a/b/manifests/1?ns=quay.io', 'https://quay.io/v2/a/b/manifests/1'],
    ],
  ])('%s', (_name, mirrors, ref, urls) => {
    expect(explainContainerdLegacy(mirrors, image(ref)).requests.map((q) => q.url)).toEqual(urls);
  });
});
