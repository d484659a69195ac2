// A containerd hosts.toml endpoint (or legacy CRI mirror endpoint) read back as a spec mirror. Talos
// and k3s write containerd hosts.toml from their own config, Bottlerocket writes legacy CRI mirrors, so
// their endpoints are read with the same rules as certs.d and config.toml.
import { legacyEndpointUrl } from '../formats/containerd-config.js';
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

/**
 * A legacy CRI `mirrors."<host>".endpoint` entry: the scheme CRI gives it (addDefaultScheme), then a
 * non-empty path other than /v2 is the API root verbatim (runtime-semantics.md §1.2).
 */
export function mirrorFromLegacyEndpoint(endpoint: string): MirrorDoc {
  const url = legacyEndpointUrl(endpoint);
  const p = /^[a-z]+:\/\/[^/]+(\/.*)?$/.exec(url.replace(/\/+$/, ''))?.[1] ?? '';
  return mirrorFromHostUrl(url.replace(/\/+$/, ''), p !== '' && p !== '/v2');
}
