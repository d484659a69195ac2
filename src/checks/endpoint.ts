// The probe settings of a request URL: its spec mirror's TLS trust, headers and credentials (the
// mirror is found by explain/request-mirror.ts, the credential by spec/mirror-auth.ts: the same
// lookup as the renderers, so a probe authenticates exactly as the runtime will).
import { findMirror } from '../explain/request-mirror.js';
import type { Endpoint } from '../registry/client.js';
import type { ImageRef } from '../registry/reference.js';
import type { TlsOptions } from '../registry/transport.js';
import { mirrorCredential } from '../spec/mirror-auth.js';
import type { MirrorSet, SpecAssets, Target } from '../spec/types.js';

export { findMirror };

/** TLS, headers and body check for a request: the mirror's settings, or defaults (system CAs, HEAD
 *  trusted like containerd trusts it) for a source. */
export function endpointFor(set: MirrorSet, assets: SpecAssets, url: string): Endpoint {
  const m = findMirror(set, url);
  if (!m) return {};
  // An http:// mirror is `insecure = true` for CRI-O, which then tries HTTPS without verification.
  const insecure = m.tls.insecureSkipVerify || (m.scheme === 'http' && url.startsWith('https:'));
  const tls: TlsOptions = { insecureSkipVerify: insecure };
  const ca = m.tls.caFile ? assets[m.tls.caFile] : undefined;
  const cert = m.tls.certFile ? assets[m.tls.certFile] : undefined;
  const key = m.tls.keyFile ? assets[m.tls.keyFile] : undefined;
  if (ca) tls.caPem = ca;
  if (cert) tls.certPem = cert;
  if (key) tls.keyPem = key;
  // A mirror's manifest is fetched and hashed, not only HEADed: its answer is what mirrorctl vouches for.
  const endpoint: Endpoint = { tls, verifyBody: true };
  if (Object.keys(m.headers).length > 0) endpoint.headers = m.headers;
  const auth = mirrorCredential(m, assets);
  if (auth.ok && auth.value) endpoint.credential = auth.value.credential;
  return endpoint;
}

/**
 * Repository named by a manifest URL, for the bearer scope and credential lookup:
 * `/v2/dpod/cpopen/x/manifests/1.0` → `dpod/cpopen/x`.
 */
export function repositoryOf(url: string): string {
  const path = new URL(url).pathname;
  const end = path.lastIndexOf('/manifests/');
  const head = end < 0 ? path : path.slice(0, end);
  const v2 = head.lastIndexOf('/v2/');
  return (v2 < 0 ? head : head.slice(v2 + 4)).replace(/^\/+/, '');
}

/** Whether a spec entry (host and repository prefix, or `*`) applies to `ref` on `target`. */
export function isCovered(set: MirrorSet, ref: ImageRef, target: Target): boolean {
  return set.registries.some((e) => {
    if (e.only && !e.only.includes(target)) return false;
    if (e.sourceHost === '*') return true;
    if (e.sourceHost !== ref.registry) return false;
    return (
      e.sourcePath === '' || ref.repository === e.sourcePath || ref.repository.startsWith(`${e.sourcePath}/`)
    );
  });
}
