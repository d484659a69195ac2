// pullEvidence: when the facts verify saw tie a pull to a mirror, and the words it uses when they
// do not (issue 15.6). test/e2e/verify-evidence.test.ts proves the same against real containerd.
import { describe, expect, it } from 'vitest';
import type { ProbedRequest, TargetCheck } from './types.js';
import { pullEvidence } from './verify-evidence.js';

const M = `sha256:${'a'.repeat(64)}`;
const S = `sha256:${'5'.repeat(64)}`;
const IMG = 'icr.io/cpopen/app:1';
const mirrorUrl = 'http://10.0.0.5:5000/v2/dpod/cpopen/app/manifests/1?ns=icr.io';
const sourceUrl = 'https://icr.io/v2/cpopen/app/manifests/1';

const req = (
  over: Partial<ProbedRequest> & Pick<ProbedRequest, 'url' | 'role' | 'outcome'>,
): ProbedRequest => ({
  capability: 'resolve',
  ...over,
});
const mirrorFound = req({ url: mirrorUrl, role: 'mirror', outcome: 'found', digest: M, httpStatus: 200 });
const sourceNotTried = req({ url: sourceUrl, role: 'source', outcome: 'not-tried' });

function check(requests: ProbedRequest[], over: Partial<TargetCheck> = {}): TargetCheck {
  return {
    target: 'containerd',
    status: 'mirror',
    ok: true,
    mirrored: true,
    breaksWithoutFallback: false,
    servedBy: mirrorUrl,
    digest: M,
    requests,
    ...over,
  };
}
const pulled = (...repoDigests: string[]) => ({ imageRef: `sha256:${'c'.repeat(64)}`, repoDigests });

describe('pullEvidence ties a pull to a mirror', () => {
  it('same digest and no source endpoint (mirror-only resolution): tied, ✓ in either mode', () => {
    const e = pullEvidence({
      reference: IMG,
      check: check([mirrorFound]),
      sources: [],
      pulled: pulled(M),
      strict: false,
    });
    expect(e).toMatchObject({ id: `evidence:${IMG}`, ok: true, counted: true });
    expect(e.detail).toBe(
      `the mirror ${mirrorUrl} has manifest ${M} and the pulled image has the same digest; the runtime has no source endpoint for this image, so the pull came from a mirror`,
    );
    expect(e.evidence).toMatchObject({ tied: true, mirrorOnly: true, mirror: { url: mirrorUrl, digest: M } });
  });

  it.each([
    { name: 'unreachable (DNS)', source: { outcome: 'error', failure: 'dns', message: 'ENOTFOUND' } },
    { name: '404', source: { outcome: 'missing', httpStatus: 404 } },
    { name: 'another digest', source: { outcome: 'found', digest: S } },
  ] as const)('same digest and the source $name from this node: tied', ({ source }) => {
    const e = pullEvidence({
      reference: IMG,
      check: check([mirrorFound, sourceNotTried]),
      sources: [req({ url: sourceUrl, role: 'source', ...source })],
      pulled: pulled(M),
      strict: true,
    });
    expect(e).toMatchObject({ ok: true, counted: true, evidence: { tied: true, mirrorOnly: false } });
    expect(e.detail).toContain('the source does not serve it from this node');
  });
});

describe('pullEvidence does not claim what it did not see', () => {
  it('the source also serves the same digest: not tied (either may have served it)', () => {
    const e = pullEvidence({
      reference: IMG,
      check: check([mirrorFound, sourceNotTried]),
      sources: [req({ url: sourceUrl, role: 'source', outcome: 'found', digest: M })],
      pulled: pulled(M),
      strict: false,
    });
    // Without --strict: informational (· in the text report), never a ✓.
    expect(e).toMatchObject({ ok: false, counted: false, evidence: { tied: false } });
    expect(e.detail).toContain(`but the source ${sourceUrl} has ${M}: the pull may have come from either`);
  });

  it('the source answers 401: it may serve the runtime, so not tied; --strict counts it', () => {
    const e = pullEvidence({
      reference: IMG,
      check: check([mirrorFound, sourceNotTried]),
      sources: [req({ url: sourceUrl, role: 'source', outcome: 'unauthorized', message: 'no credentials' })],
      pulled: pulled(M),
      strict: true,
    });
    expect(e).toMatchObject({ ok: false, counted: true });
  });

  it('the pulled image has another digest than the mirror: the pull did not come from it', () => {
    const e = pullEvidence({
      reference: IMG,
      check: check([mirrorFound]),
      sources: [],
      pulled: pulled(S),
      strict: true,
    });
    expect(e).toMatchObject({ ok: false, counted: true });
    expect(e.detail).toContain(
      `has manifest ${M}, the pulled image ${S}: the pull did not come from this mirror`,
    );
  });

  it('the mirror lacks the image, the source serves it: not served by a mirror, with the digest match', () => {
    const t = check(
      [
        req({ url: mirrorUrl, role: 'mirror', outcome: 'missing', httpStatus: 404 }),
        req({ url: sourceUrl, role: 'source', outcome: 'found', digest: S }),
      ],
      {
        status: 'source',
        servedBy: sourceUrl,
        digest: S,
        reason: `no mirror has it; served by the source ${sourceUrl}`,
      },
    );
    const e = pullEvidence({ reference: IMG, check: t, sources: [], pulled: pulled(S), strict: true });
    expect(e.ok).toBe(false);
    expect(e.detail).toBe(
      `the pull was not served by a mirror: no mirror has it; served by the source ${sourceUrl}, and the pulled image has the source's digest ${S}`,
    );
    expect(e.evidence?.mirror).toBeUndefined();
  });

  it('no spec: the mirrors were not probed', () => {
    const e = pullEvidence({ reference: IMG, sources: [], pulled: pulled(M), strict: true });
    expect(e).toMatchObject({ ok: false, counted: true, detail: expect.stringContaining('no spec (-f)') });
  });

  it('no repo digest reported: nothing to compare', () => {
    const e = pullEvidence({
      reference: IMG,
      check: check([mirrorFound]),
      sources: [],
      pulled: pulled(),
      strict: true,
    });
    expect(e).toMatchObject({ ok: false, detail: expect.stringContaining('no repo digest') });
  });
});
