// Which spec mirror a request URL belongs to, so the probe uses that mirror's TLS trust and
// headers. Matching is by host and path prefix, not scheme: CRI-O tries https:// then http://
// for an insecure mirror, and both are the same mirror.
import type { Endpoint } from '../registry/client.js';
import type { ImageRef } from '../registry/reference.js';
import type { TlsOptions } from '../registry/transport.js';
import type { Mirror, MirrorSet, SpecAssets, Target } from '../spec/types.js';

export function findMirror(set: MirrorSet, url: string): Mirror | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  let best: Mirror | undefined;
  for (const entry of set.registries) {
    for (const m of entry.mirrors) {
      if (m.host.toLowerCase() !== u.host.toLowerCase()) continue;
      if (m.path !== '' && u.pathname !== m.path && !u.pathname.startsWith(`${m.path}/`)) continue;
      if (!best || m.path.length > best.path.length) best = m;
    }
  }
  return best;
}

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
