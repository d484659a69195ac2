// Pure verdict for one image on one target from the probes made in the runtime's order: the
// first endpoint that has the manifest serves the pull, unless an endpoint before it answered 200
// with something else and the runtime stops there (invalid); otherwise a 404 anywhere means the
// image is missing (actionable: push it), else everything failed (unreachable).

import type { Target } from '../spec/types.js';
import type { ImageStatus, ProbedRequest, TargetCheck } from './types.js';

/** Whether the runtime takes a 200 that is not a manifest as its answer (the pull then fails) or
 *  falls back to the next endpoint: containerd stops at any 2xx (core/remotes/docker/resolver.go),
 *  c/image at any 200 GET (docker/docker_image_src.go ensureManifestIsLoaded); dockerd falls back
 *  from a mirror on an error it does not recognise (moby distribution/errors.go continueOnError). */
export const stopsAtInvalid = (target: Target): boolean => target !== 'docker';

const describe = (r: ProbedRequest): string => `${r.url}: ${r.message ?? r.outcome}`;

/**
 * `covered`: a spec entry matches the image on this target, so its `fallback: false` would apply
 * even when no mirror request was made (a tag with a digest-only mirror).
 */
export function classify(target: Target, requests: ProbedRequest[], covered = false): TargetCheck {
  const mirrored = requests.some((r) => r.role === 'mirror');
  const stop = requests.find(
    (r) => r.outcome === 'found' || (r.outcome === 'invalid' && stopsAtInvalid(target)),
  );
  const served = stop?.outcome === 'found' ? stop : undefined;
  let status: ImageStatus;
  let reason: string | undefined;
  if (stop && !served) {
    status = 'invalid';
    reason = `${describe(stop)} (the runtime takes this answer and does not try another endpoint)`;
  } else if (served) {
    status = served.role === 'mirror' ? 'mirror' : 'source';
    // "No mirror has it" only when every mirror said 404; otherwise say what each one answered.
    const mirrors = requests.filter((r) => r.role === 'mirror');
    if (status === 'source')
      reason = mirrored
        ? mirrors.every((r) => r.outcome === 'missing')
          ? `no mirror has it; served by the source ${served.url}`
          : `no mirror served it (${mirrors.map(describe).join('; ')}); served by the source ${served.url}`
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
        : [...new Set(requests.filter((r) => r.outcome !== 'not-tried').map(describe))].join('; ');
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
