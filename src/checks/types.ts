// The preflight report: per image × target, which endpoint would serve the pull, and what
// would break if the spec's `fallback: false` were set. Printed by `preflight -o json`
// (stable: sorted, no timestamps; latency is the only run-dependent figure).
import type { Diagnostic } from '../diagnostics.js';
import type { ExplainRequest } from '../explain/types.js';
import type { FailureKind } from '../registry/transport.js';
import type { Target } from '../spec/types.js';

export const PREFLIGHT_API_VERSION = 'mirrorctl/preflight-v1';

/**
 * - mirror: a mirror has the manifest; the pull works in an air gap.
 * - source: no mirror served it but the source did (via fallback, or no mirror applies).
 * - missing: nothing served it and an endpoint said 404 (push the image to the mirror).
 * - unreachable: nothing served it; every endpoint failed (network, TLS, auth, 5xx).
 * - invalid: the endpoint the runtime stops at answered 200 with something that is not the image
 *   manifest (a web page, JSON of another type, a body that is not its announced digest): the
 *   runtime takes that answer, so the pull fails.
 */
export type ImageStatus = 'mirror' | 'source' | 'missing' | 'unreachable' | 'invalid';

export type ProbeOutcome = 'found' | 'missing' | 'unauthorized' | 'invalid' | 'error' | 'not-tried';

export interface ProbedRequest {
  url: string;
  role: ExplainRequest['role'];
  capability: ExplainRequest['capability'];
  outcome: ProbeOutcome;
  httpStatus?: number;
  digest?: string;
  /** Media type of a found manifest (or of an invalid answer, when it had one). */
  mediaType?: string;
  /** A found manifest's body was fetched and hashes to `digest` (false: HEAD's header trusted). */
  digestChecked?: boolean;
  failure?: FailureKind;
  message?: string;
  /** Latency of the manifest request (excluded from golden comparisons). */
  latencyMs?: number;
}

export interface TargetCheck {
  target: Target;
  status: ImageStatus;
  /** The pull would succeed as configured (status mirror or source). */
  ok: boolean;
  /** A mirror request exists for this image on this target. */
  mirrored: boolean;
  /** It works now only because the source is reachable: `fallback: false` would break it. */
  breaksWithoutFallback: boolean;
  servedBy?: string;
  digest?: string;
  /** One line for humans when not served by a mirror. */
  reason?: string;
  requests: ProbedRequest[];
}

export interface ImageCheck {
  reference: string;
  origins: string[];
  targets: TargetCheck[];
}

export interface PreflightSummary {
  images: number;
  checks: number;
  mirror: number;
  source: number;
  missing: number;
  unreachable: number;
  invalid: number;
  breaksWithoutFallback: number;
}

export interface PreflightReport {
  apiVersion: typeof PREFLIGHT_API_VERSION;
  kind: 'PreflightReport';
  spec: string;
  targets: Target[];
  ok: boolean;
  summary: PreflightSummary;
  images: ImageCheck[];
  diagnostics: Diagnostic[];
}
