// Docker Engine request order from daemon.json: Hub mirrors in order then registry-1.docker.io;
// other registries directly (HTTP fallback only when insecure: listed, in a CIDR, or loopback).
import { describe, expect, it } from 'vitest';
import { explainDocker } from './explain-docker.js';
import { parseExplainImage } from './explain-image.js';
import type { ExplainedImage } from './types.js';

const image = (ref: string): ExplainedImage => {
  const i = parseExplainImage(ref);
  if ('severity' in i) throw new Error(i.message);
  return i;
};
const DIGEST = `sha256:${'cd'.repeat(32)}`;
const daemon = JSON.stringify({
  'registry-mirrors': ['http://10.0.0.5:5000', 'https://m.example.com/cache/'],
  'insecure-registries': ['reg.example.com:5000', '10.1.0.0/16'],
});

describe('explainDocker', () => {
  it.each([
    [
      'nginx',
      [
        ['mirror', 'http://10.0.0.5:5000/v2/library/nginx/manifests/latest'],
        ['mirror', 'https://m.example.com/cache/v2/library/nginx/manifests/latest'],
        ['source', 'https://registry-1.docker.io/v2/library/nginx/manifests/latest'],
      ],
    ],
    [
      `org/app@${DIGEST}`,
      [
        ['mirror', `http://10.0.0.5:5000/v2/org/app/manifests/${DIGEST}`],
        ['mirror', `https://m.example.com/cache/v2/org/app/manifests/${DIGEST}`],
        ['source', `https://registry-1.docker.io/v2/org/app/manifests/${DIGEST}`],
      ],
    ],
    ['quay.io/a/b:1', [['source', 'https://quay.io/v2/a/b/manifests/1']]],
    [
      'reg.example.com:5000/a:1',
      [
        ['source', 'https://reg.example.com:5000/v2/a/manifests/1'],
        ['source', 'http://reg.example.com:5000/v2/a/manifests/1'],
      ],
    ],
    [
      '10.1.2.3:5000/a:1',
      [
        ['source', 'https://10.1.2.3:5000/v2/a/manifests/1'],
        ['source', 'http://10.1.2.3:5000/v2/a/manifests/1'],
      ],
    ],
    ['10.2.0.1:5000/a:1', [['source', 'https://10.2.0.1:5000/v2/a/manifests/1']]],
    [
      '127.0.0.1:5001/a:1',
      [
        ['source', 'https://127.0.0.1:5001/v2/a/manifests/1'],
        ['source', 'http://127.0.0.1:5001/v2/a/manifests/1'],
      ],
    ],
  ])('%s', (ref, expected) => {
    const r = explainDocker(daemon, image(ref));
    expect(r.requests.map((q) => [q.role, q.url])).toEqual(expected);
    expect(r.requests.every((q) => q.capability === (ref.includes('@') ? 'pull' : 'resolve'))).toBe(true);
  });

  it('reports an unreadable daemon.json instead of guessing', () => {
    expect(explainDocker('{', image('nginx')).diagnostics.map((d) => d.code)).toEqual([
      'explain.docker.daemon-json',
    ]);
  });
  it('without daemon.json every Hub pull goes to registry-1.docker.io', () => {
    expect(explainDocker(null, image('nginx')).requests.map((q) => q.url)).toEqual([
      'https://registry-1.docker.io/v2/library/nginx/manifests/latest',
    ]);
  });
});
