// Legal-but-almost-surely-wrong mirror settings for containerd, reported as warnings with the
// request they imply (issue 2, "Lint what is legal but almost surely wrong"). The api-root rule is
// shared with the containerd-legacy renderer, whose endpoint paths are API roots too.
import type { Diagnostic } from '../diagnostics.js';
import type { RegistryEntry } from '../spec/types.js';
import { type ContainerdHostUrl, exampleRequest } from './containerd-mirror-url.js';

// Ports registries commonly serve plain HTTP on; `https://` there usually means a wrong scheme.
const HTTP_LOOKING_PORTS = new Set(['80', '5000', '5001', '8000', '8080', '8081', '8082']);

/**
 * `path: api-root` without `/v2`: containerd uses the URL path as the API root verbatim, both as a
 * hosts.toml `override_path = true` host and as a legacy `endpoint` with a path (runtime-semantics.md
 * §1.2/§1.6; verified-on-debian12.md findings 2 and 6, containerd 1.6), so `https://icr.io/dpod` is asked `/dpod/<repo>/manifests/…`, which a standard
 * registry answers 404. One rule for both containerd targets.
 */
export function apiRootWithoutV2(
  entry: RegistryEntry,
  j: number,
  apiRoot: string,
  target: 'containerd' | 'containerd-legacy',
): Diagnostic | undefined {
  const m = entry.mirrors[j]!;
  if (m.pathMode !== 'api-root' || /(^|\/)v2(\/|$)/.test(m.path)) return undefined;
  return {
    severity: 'warning',
    code: 'render.containerd.api-root-without-v2',
    field: `spec.registries[${entry.index}].mirrors[${j}].url`,
    target,
    message:
      `api-root URL has no /v2 in its path: requests go to ${exampleRequest(entry, m, apiRoot)}, ` +
      'which a standard OCI registry does not serve',
    hint: `if the mirror serves the standard API, use ${m.scheme}://${m.host}/v2${m.path} (api-root) or path: mount`,
  };
}

export function lintContainerdMirror(entry: RegistryEntry, j: number, host: ContainerdHostUrl): Diagnostic[] {
  const m = entry.mirrors[j]!;
  const field = `spec.registries[${entry.index}].mirrors[${j}]`;
  const out: Diagnostic[] = [];
  const apiRoot = apiRootWithoutV2(entry, j, host.apiRoot, 'containerd');
  if (apiRoot) out.push(apiRoot);
  const port = /:(\d+)$/.exec(m.host)?.[1];
  if (m.scheme === 'https' && m.tls.insecureSkipVerify && port && HTTP_LOOKING_PORTS.has(port)) {
    out.push({
      severity: 'warning',
      code: 'render.containerd.https-on-http-port',
      field: `${field}.url`,
      target: 'containerd',
      message: `https:// with insecureSkipVerify on port ${port}: skip_verify does not make containerd speak plain HTTP`,
      hint: `if the mirror serves plain HTTP, write http://${m.host}${m.path}`,
    });
  }
  if (m.scheme === 'http' && (m.tls.insecureSkipVerify || m.tls.caFile || m.tls.certFile)) {
    out.push({
      severity: 'warning',
      code: 'render.containerd.http-tls-ignored',
      field: `${field}.tls`,
      target: 'containerd',
      message:
        'TLS settings on an http:// mirror are not written: with them containerd 1.6.25+/1.7.7+/2.x tries HTTPS first',
      hint: 'remove tls from this mirror, or use https:// if it serves TLS',
    });
  }
  if (m.pullFrom === 'digest-only' && !entry.fallback) {
    out.push({
      severity: 'warning',
      code: 'render.containerd.digest-only-without-fallback',
      field: `${field}.pullFrom`,
      target: 'containerd',
      message:
        'digest-only mirror with fallback: false: pulls by tag have no host that may resolve them and will fail',
      hint: 'use pullFrom: all, or allow fallback to the source',
    });
  }
  return out;
}

/** hosts.toml is chosen per registry host: an entry with a repository prefix scopes the whole host. */
export function hostScopeWarning(entry: RegistryEntry): Diagnostic | undefined {
  if (entry.sourcePath === '') return undefined;
  return {
    severity: 'warning',
    code: 'render.containerd.host-scope',
    field: `spec.registries[${entry.index}].source`,
    target: 'containerd',
    message:
      `containerd selects mirrors per registry host: every repository of ${entry.sourceHost}, not only ` +
      `${entry.source}/…, is tried at the mirror first`,
    hint: `fine when the mirror answers 404 for other repositories${entry.fallback ? '' : ' (but fallback is false here, so they will fail)'}; target crio to scope by prefix`,
  };
}
