// Manifest probe results: what a HEAD/GET of a manifest (or a `/v2/` ping) concluded, as values.
// A 200 is "found" only for an image manifest whose body matches its digests (manifest-media.ts);
// any other 200 is "invalid": the runtimes stop at a 200, so it is not a miss they fall back from.
import { headerVerdict, judgeManifestBody, MAX_MANIFEST_BYTES, notManifest } from './manifest-media.js';
import type { FailureKind, HttpResult } from './transport.js';

export interface ProbeBase {
  /** Latency of the last exchange (the manifest request itself, after auth). */
  latencyMs: number;
  /** Requests sent, including token fetches, redirects and retries. */
  requests: number;
}
export type ManifestProbe = ProbeBase &
  (
    | {
        outcome: 'found';
        httpStatus: number;
        digest: string;
        mediaType: string;
        size?: number;
        /** The body was fetched and hashes to `digest` (false: the HEAD's digest header was trusted,
         *  as containerd trusts it). */
        digestChecked: boolean;
      }
    | { outcome: 'missing'; httpStatus: number }
    /** 200, but not an image manifest (a web page, another JSON type) or not the announced digest. */
    | { outcome: 'invalid'; httpStatus: number; message: string; mediaType?: string }
    | { outcome: 'unauthorized'; httpStatus: number; message: string }
    | { outcome: 'error'; httpStatus?: number; failure?: FailureKind; message: string }
  );

export type PingResult = ProbeBase &
  (
    | { outcome: 'ok'; httpStatus: number; authScheme?: string }
    | { outcome: 'error'; httpStatus?: number; failure?: FailureKind; message: string }
  );

/** A digest the manifest body must match, and what announced it (for the message). */
export interface ExpectedDigest {
  digest: string;
  what: string;
}

/** The verdict for the final manifest response (after auth, redirects and retries). A 200 is judged
 *  on its body: only a GET reaches here with one. */
export function toProbe(
  result: HttpResult,
  requests: number,
  authMessage?: string,
  expected: ExpectedDigest[] = [],
): ManifestProbe {
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
    const header = headers['docker-content-digest'];
    const all = header ? [...expected, { digest: header, what: 'Docker-Content-Digest' }] : expected;
    const verdict = judgeManifestBody(headers['content-type'], body, all);
    if (!verdict.ok) {
      // containerd skips an over-large manifest and tries the next host (resolver.go): not a stop.
      if (verdict.tooLarge) return { outcome: 'error', message: verdict.message, ...base };
      const mediaType = headers['content-type']?.split(';')[0]?.trim();
      return { outcome: 'invalid', message: verdict.message, ...base, ...(mediaType ? { mediaType } : {}) };
    }
    return {
      outcome: 'found',
      // Every announced digest matched the body; keep the one the registry or the URL named.
      digest: header ?? expected[0]?.digest ?? verdict.digest,
      mediaType: verdict.mediaType,
      size: body.length,
      digestChecked: true,
      ...base,
    };
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

/**
 * A HEAD's 200, judged on its headers: `final` when they decide (a Content-Type that is no manifest
 * type, an over-large manifest, or — as containerd trusts it, resolver.go — a manifest type with a
 * digest and a length: `found`, which a caller that wants the body may still GET), and the digest it
 * announced, which the GET's body must then match.
 */
export function fromHead(
  headers: Record<string, string>,
  latencyMs: number,
  requests: number,
  inUrl: string | undefined,
): { final?: ManifestProbe; digest?: string } {
  const base = { httpStatus: 200, latencyMs, requests };
  const type = headers['content-type'];
  const mediaType = type?.split(';')[0]?.trim().toLowerCase();
  const verdict = headerVerdict(type);
  if (verdict === 'not-manifest')
    return {
      final: { outcome: 'invalid', message: notManifest(type), ...base, ...(mediaType ? { mediaType } : {}) },
    };
  const size = Number(headers['content-length'] ?? Number.NaN);
  if (size > MAX_MANIFEST_BYTES)
    return {
      final: {
        outcome: 'error',
        message: `announced a ${(size / 1024 / 1024).toFixed(1)} MiB manifest: runtimes refuse manifests over 4 MiB`,
        ...base,
      },
    };
  const digest = headers['docker-content-digest'];
  if (!digest) return {};
  if (verdict === 'manifest' && Number.isFinite(size) && (!inUrl || inUrl === digest))
    return {
      digest,
      final: { outcome: 'found', digest, mediaType: mediaType ?? '', size, digestChecked: false, ...base },
    };
  return { digest };
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
