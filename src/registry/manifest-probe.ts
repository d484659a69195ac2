// Manifest probe results: what a HEAD/GET of a manifest (or a `/v2/` ping) concluded, as values.
import { createHash } from 'node:crypto';
import type { FailureKind, HttpResult } from './transport.js';

export interface ProbeBase {
  /** Latency of the last exchange (the manifest request itself, after auth). */
  latencyMs: number;
  /** Requests sent, including token fetches, redirects and retries. */
  requests: number;
}
export type ManifestProbe = ProbeBase &
  (
    | { outcome: 'found'; httpStatus: number; digest: string; mediaType?: string; size?: number }
    | { outcome: 'missing'; httpStatus: number }
    | { outcome: 'unauthorized'; httpStatus: number; message: string }
    | { outcome: 'error'; httpStatus?: number; failure?: FailureKind; message: string }
  );

export type PingResult = ProbeBase &
  (
    | { outcome: 'ok'; httpStatus: number; authScheme?: string }
    | { outcome: 'error'; httpStatus?: number; failure?: FailureKind; message: string }
  );

/** The verdict for the final manifest response (after auth, redirects and retries). */
export function toProbe(result: HttpResult, requests: number, authMessage?: string): ManifestProbe {
  if (!result.ok)
    return {
      outcome: 'error',
      failure: result.failure,
      message: result.message,
      latencyMs: result.latencyMs,
      requests,
    };
  const { status, headers, body } = result.response;
  const base = { latencyMs: result.latencyMs, requests, httpStatus: status };
  if (status === 200) {
    const digest =
      headers['docker-content-digest'] ?? `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const probe: ManifestProbe = { outcome: 'found', digest, ...base };
    const mediaType = headers['content-type']?.split(';')[0]?.trim();
    if (mediaType) probe.mediaType = mediaType;
    const size = Number(headers['content-length'] ?? (body.length > 0 ? body.length : Number.NaN));
    if (Number.isFinite(size)) probe.size = size;
    return probe;
  }
  if (status === 404) return { outcome: 'missing', ...base };
  if (status === 401 || status === 403)
    return {
      outcome: 'unauthorized',
      message: authMessage ?? `HTTP ${status}: credentials rejected`,
      ...base,
    };
  return { outcome: 'error', message: `HTTP ${status}${errorDetail(body)}`, ...base };
}

/** First distribution error code from a JSON error body, e.g. ` (TOOMANYREQUESTS)`. */
function errorDetail(body: Uint8Array): string {
  try {
    const json = JSON.parse(Buffer.from(body).toString('utf8')) as { errors?: Array<{ code?: unknown }> };
    const code = json.errors?.[0]?.code;
    return typeof code === 'string' ? ` (${code})` : '';
  } catch {
    return '';
  }
}
