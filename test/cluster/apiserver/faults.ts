// Injected failures and latency, per verb / resource / path: 429 with Retry-After (API priority and
// fairness rejecting), 500, 503, 504 … a fixed number of times or at a rate, plus added delays. Random
// choices come from a seeded generator so a failing run can be replayed.
import { ApiError } from './types.js';

export interface RequestInfo {
  method: string;
  path: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection, log. */
  verb: string;
  /** plural, or plural/subresource (`mirrornodes/status`, `pods/eviction`); '' for non-resource paths. */
  resource: string;
  namespace?: string;
  name?: string;
}

export interface Fault {
  /** Legacy: prefix of `METHOD /path` (e.g. 'GET /api/v1/nodes'). */
  match?: string;
  /** Kubernetes verb(s) or HTTP method(s). */
  verb?: string | string[];
  /** plural or plural/subresource. */
  resource?: string;
  status: number;
  /** How many more requests fail; undefined = no limit. */
  times?: number;
  /** Probability that a matching request fails (default 1). */
  rate?: number;
  /** Retry-After seconds (sent with 429 and 503). */
  retryAfter?: number;
  message?: string;
}

export interface Delay {
  match?: string;
  verb?: string | string[];
  resource?: string;
  ms: number;
  jitterMs?: number;
}

/** mulberry32: small, seedable, good enough for choosing which request fails. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matches(
  rule: { match?: string; verb?: string | string[]; resource?: string },
  r: RequestInfo,
): boolean {
  if (rule.match !== undefined && !`${r.method} ${r.path}`.startsWith(rule.match)) return false;
  if (rule.verb !== undefined) {
    const verbs = Array.isArray(rule.verb) ? rule.verb : [rule.verb];
    if (!verbs.includes(r.verb) && !verbs.includes(r.method)) return false;
  }
  if (rule.resource !== undefined && rule.resource !== r.resource) return false;
  return true;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The first fault that fires for this request, as the ApiError to answer with. */
export function pickFault(faults: Fault[], r: RequestInfo, random: () => number): ApiError | undefined {
  for (const f of faults) {
    if (f.times !== undefined && f.times <= 0) continue;
    if (!matches(f, r)) continue;
    if (f.rate !== undefined && random() >= f.rate) continue;
    if (f.times !== undefined) f.times--;
    const message =
      f.message ??
      (f.status === 429
        ? 'the server has received too many requests and has asked us to try again later'
        : `injected fault (${f.status})`);
    return new ApiError(f.status, REASONS[f.status] ?? 'Unknown', message, {
      ...(f.retryAfter !== undefined ? { retryAfterSeconds: f.retryAfter } : {}),
    });
  }
  return undefined;
}

export function delayFor(delays: Delay[], r: RequestInfo, random: () => number): number {
  let ms = 0;
  for (const d of delays) if (matches(d, r)) ms += d.ms + (d.jitterMs ? random() * d.jitterMs : 0);
  return ms;
}
