// A containerd hosts.toml endpoint read back as a spec mirror. Talos and k3s write containerd
// hosts.toml from their own config, so their endpoints are read with the same rules as certs.d.
import type { MirrorDoc } from './spec-doc.js';

/** containerd host URL → spec mirror: override_path = api-root, path ending /v2 = mount. */
export function mirrorFromHostUrl(url: string, overridePath: boolean): MirrorDoc {
  const m = /^(https?:\/\/[^/]+)(\/.*)?$/.exec(url.replace(/\/+$/, ''));
  const origin = m?.[1] ?? url;
  const path = m?.[2] ?? '';
  if (overridePath) return { url, path: 'api-root' };
  if (path === '' || path === '/v2') return { url: origin };
  return path.endsWith('/v2')
    ? { url: `${origin}${path.slice(0, -3)}`, path: 'mount' }
    : { url: `${origin}${path}`, path: 'mount' };
}
