// Which spec mirror a request URL belongs to (so explain can say which credential it carries and the
// checks can use that mirror's TLS, headers and credential). Matching is by host and path prefix, not
// scheme: CRI-O tries https:// then http:// for an insecure mirror, and both are the same mirror. The
// path is compared as requested and without a leading /v2 (CRI-O requests `/v2/<mirror path>/…`).
import type { Mirror, MirrorSet, Target } from '../spec/types.js';

const under = (path: string, prefix: string): boolean =>
  prefix === '' || path === prefix || path.startsWith(`${prefix}/`);

/** `target` leaves out entries whose `only` excludes it (their files are not written for it). */
export function findMirror(set: MirrorSet, url: string, target?: Target): Mirror | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const paths = [u.pathname, u.pathname.replace(/^\/v2(?=\/)/, '')];
  let best: Mirror | undefined;
  for (const entry of set.registries) {
    if (target && entry.only && !entry.only.includes(target)) continue;
    for (const m of entry.mirrors) {
      if (m.host.toLowerCase() !== u.host.toLowerCase()) continue;
      if (!paths.some((p) => under(p, m.path))) continue;
      if (!best || m.path.length > best.path.length) best = m;
    }
  }
  return best;
}
