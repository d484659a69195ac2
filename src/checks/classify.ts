// Pure verdict for one image on one target from the probes made in the runtime's order: the
// first endpoint that has the manifest serves the pull; otherwise a 404 anywhere means the image
// is missing (actionable: push it), else everything failed (unreachable).

import type { Target } from '../spec/types.js';
import type { ImageStatus, ProbedRequest, TargetCheck } from './types.js';

/**
 * `covered`: a spec entry matches the image on this target, so its `fallback: false` would apply
 * even when no mirror request was made (a tag with a digest-only mirror).
 */
export function classify(target: Target, requests: ProbedRequest[], covered = false): TargetCheck {
  const mirrored = requests.some((r) => r.role === 'mirror');
  const served = requests.find((r) => r.outcome === 'found');
  let status: ImageStatus;
  let reason: string | undefined;
  if (served) {
    status = served.role === 'mirror' ? 'mirror' : 'source';
    if (status === 'source')
      reason = mirrored
        ? `no mirror has it; served by the source ${served.url}`
        : covered
          ? 'the matching entry has no mirror for this reference (e.g. a digest-only mirror and a tag)'
          : 'no spec entry applies to this image';
  } else if (requests.length === 0) {
    status = 'unreachable';
    reason = 'the runtime would make no request for this image (blocked, or no endpoint applies)';
  } else {
    const missing = requests.filter((r) => r.outcome === 'missing');
    status = missing.length > 0 ? 'missing' : 'unreachable';
    reason =
      status === 'missing'
        ? `not found at ${[...new Set(missing.map((r) => r.url))].join(', ')}`
        : [
            ...new Set(
              requests
                .filter((r) => r.outcome !== 'not-tried')
                .map((r) => `${r.url}: ${r.message ?? r.outcome}`),
            ),
          ].join('; ');
  }
  const check: TargetCheck = {
    target,
    status,
    ok: status === 'mirror' || status === 'source',
    mirrored,
    breaksWithoutFallback: status === 'source' && (mirrored || covered),
    requests,
  };
  if (served) {
    check.servedBy = served.url;
    if (served.digest) check.digest = served.digest;
  }
  if (reason) check.reason = reason;
  return check;
}
