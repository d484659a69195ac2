// verify's evidence for one image: does what was shown tie the runtime's pull to a mirror? No
// runtime records which host served a pull, so the tie is built from what mirrorctl can see:
// (1) in the runtime's order the first endpoint that has the manifest is a mirror, serving digest M;
// (2) the image the runtime pulled has repo digest M (CRI ImageStatus);
// (3) no source endpoint could have served M: the runtime has none for this image (mirror-only
//     resolution, e.g. fallback: false), or each one, probed from this node, does not serve M.
// Without (3) the source may have answered the runtime (a mirror that failed for it, other
// credentials): the same digest alone does not say which host served the bytes.
import type { FailureKind } from '../registry/transport.js';
import type { ProbedRequest, TargetCheck } from './types.js';
import type { PullEvidence, VerifyCheck } from './verify-types.js';

export interface PulledImage {
  /** What CRI PullImage returned (containerd: the image ID). */
  imageRef: string;
  /** The digests (`sha256:…`) of ImageStatus's repo digests for this image's name. */
  repoDigests: string[];
}

export interface EvidenceInput {
  reference: string;
  /** The probe of the runtime's order (absent without a spec: the mirrors were not probed). */
  check?: TargetCheck;
  /** Every source request of that order with its outcome, probed even where the runtime's order
   *  stopped before it (the probe marks those not-tried). */
  sources: ProbedRequest[];
  pulled: PulledImage;
  strict: boolean;
}

/** Failures that mean this node cannot reach the source at all (so neither can its runtime, which
 *  shares the node's network; a proxy only the runtime uses is the exception docs/design.md names). */
const UNREACHABLE: ReadonlySet<FailureKind> = new Set(['connect', 'dns', 'tls', 'timeout']);

/** Whether a source's answer rules it out as the origin of digest `m`. */
function rulesOut(s: ProbedRequest, m: string): boolean {
  if (s.outcome === 'missing' || s.outcome === 'invalid') return true;
  if (s.outcome === 'found') return s.digest !== undefined && s.digest !== m;
  return s.outcome === 'error' && s.failure !== undefined && UNREACHABLE.has(s.failure);
}

function answer(r: ProbedRequest): string {
  if (r.outcome === 'found') return `has ${r.digest ?? 'it'}`;
  if (r.outcome === 'missing') return 'answered 404';
  const unreachable = r.outcome === 'error' && r.failure !== undefined && UNREACHABLE.has(r.failure);
  return unreachable ? `is unreachable (${r.message ?? r.failure})` : (r.message ?? r.outcome);
}

export function pullEvidence(input: EvidenceInput): VerifyCheck {
  const { reference, check, sources, pulled, strict } = input;
  const mirrorOnly = check !== undefined && !check.requests.some((r) => r.role === 'source');
  const served =
    check?.status === 'mirror' ? check.requests.find((r) => r.url === check.servedBy) : undefined;
  const evidence: PullEvidence = {
    tied: false,
    pulled,
    mirrorOnly,
    sources: sources.map((s) => ({
      url: s.url,
      outcome: s.outcome,
      ...(s.digest ? { digest: s.digest } : {}),
      ...(s.message ? { message: s.message } : {}),
    })),
  };
  if (served?.digest) evidence.mirror = { url: served.url, digest: served.digest };
  const id = `evidence:${reference}`;
  const notTied = (detail: string): VerifyCheck => ({ id, ok: false, counted: strict, detail, evidence });
  const pulledAs = pulled.repoDigests.join(', ');

  if (!check)
    return notTied('no spec (-f): the mirrors were not probed, so nothing ties the pull to a mirror');
  if (!served?.digest) {
    if (check.status === 'source') {
      const same = check.digest !== undefined && pulled.repoDigests.includes(check.digest);
      return notTied(
        `the pull was not served by a mirror: ${check.reason ?? 'no mirror has it'}` +
          (same ? `, and the pulled image has the source's digest ${check.digest}` : ''),
      );
    }
    return notTied(`no mirror serves it (${check.reason ?? check.status}), yet the runtime pulled it`);
  }
  const m = served.digest;
  const has = `the mirror ${served.url} has manifest ${m}`;
  if (pulled.repoDigests.length === 0)
    return notTied(`${has}, but the runtime reports no repo digest for the pulled image: nothing to compare`);
  if (!pulled.repoDigests.includes(m))
    return notTied(
      `${has}, the pulled image ${pulledAs}: the pull did not come from this mirror ` +
        '(the source served it, or the tag moved between the probe and the pull)',
    );
  const same = `${has} and the pulled image has the same digest`;
  if (mirrorOnly)
    return tied(`${same}; the runtime has no source endpoint for this image, so the pull came from a mirror`);
  const open = sources.filter((s) => !rulesOut(s, m));
  if (open.length > 0)
    return notTied(
      `${same}, but the source ${open.map((s) => `${s.url} ${answer(s)}`).join('; ')}: ` +
        'the pull may have come from either (fallback: false leaves the mirrors as the only endpoints)',
    );
  return tied(
    `${same}; the source does not serve it from this node (${sources.map((s) => `${s.url} ${answer(s)}`).join('; ')}), ` +
      'so the pull came from a mirror',
  );

  function tied(detail: string): VerifyCheck {
    return { id, ok: true, counted: true, detail, evidence: { ...evidence, tied: true } };
  }
}
