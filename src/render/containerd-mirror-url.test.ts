import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Mirror, PathMode, RegistryEntry } from '../spec/types.js';
import { containerdApiRoot, containerdHostUrl } from './containerd-mirror-url.js';

const seg = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const repoPath = fc.array(seg, { minLength: 0, maxLength: 3 }).map((s) => s.join('/'));

function entry(sourcePath: string, mirrorPath: string, pathMode: PathMode): RegistryEntry {
  const m: Mirror = {
    url: `https://m.example.com${mirrorPath}`,
    scheme: 'https',
    host: 'm.example.com',
    path: mirrorPath,
    pathMode,
    pullFrom: 'all',
    capabilities: ['pull', 'resolve'],
    tls: { insecureSkipVerify: false },
    headers: {},
  };
  return {
    index: 0,
    source: sourcePath ? `icr.io/${sourcePath}` : 'icr.io',
    sourceHost: 'icr.io',
    sourcePath,
    fallback: true,
    mirrors: [m],
  };
}

/** The manifest URL containerd requests for `repo` through a `[host."url"]` table (hosts.go rules). */
function containerdRequest(hostUrl: string, overridePath: boolean, repo: string): string {
  const u = new URL(hostUrl);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}${containerdApiRoot(path, overridePath)}/${repo}/manifests/latest`;
}

const join = (...parts: string[]): string => parts.filter((p) => p !== '').join('/');

describe('containerdHostUrl makes containerd request what the path mode says', () => {
  it('api-root: <url>/<full repo>', () => {
    fc.assert(
      fc.property(repoPath, repoPath, seg, (p, q, name) => {
        const r = containerdHostUrl(entry(p, q ? `/${q}` : '', 'api-root'), 0, 'containerd');
        if (!r.ok) throw new Error('api-root is always expressible');
        const repo = join(p, name);
        expect(containerdRequest(r.host.url, r.host.overridePath, repo)).toBe(
          `https://m.example.com${q ? `/${q}` : ''}/${repo}/manifests/latest`,
        );
      }),
    );
  });

  it('mount: <url>/v2/<full repo>', () => {
    fc.assert(
      fc.property(
        repoPath,
        fc.oneof(
          repoPath,
          repoPath.map((q) => join(q, 'v2')),
        ),
        seg,
        (p, q, name) => {
          const r = containerdHostUrl(entry(p, q ? `/${q}` : '', 'mount'), 0, 'containerd');
          if (!r.ok) throw new Error('mount is always expressible');
          const repo = join(p, name);
          expect(containerdRequest(r.host.url, r.host.overridePath, repo)).toBe(
            `https://m.example.com${q ? `/${q}` : ''}/v2/${repo}/manifests/latest`,
          );
        },
      ),
    );
  });

  it('namespace: H/P/x → M/v2/Q/x exactly when Q ends with P (or P is empty), else remap error', () => {
    fc.assert(
      fc.property(repoPath, repoPath, fc.boolean(), seg, (p, base, suffix, name) => {
        const q = suffix ? join(base, p) : base;
        const r = containerdHostUrl(entry(p, q ? `/${q}` : '', 'namespace'), 0, 'containerd');
        const expressible = p === '' || q === p || q.endsWith(`/${p}`);
        expect(r.ok).toBe(expressible);
        if (!r.ok) {
          expect(r.diagnostic.code).toBe('render.containerd.remap');
          return;
        }
        expect(containerdRequest(r.host.url, r.host.overridePath, join(p, name))).toBe(
          `https://m.example.com/v2${q ? `/${q}` : ''}/${name}/manifests/latest`,
        );
      }),
    );
  });
});
