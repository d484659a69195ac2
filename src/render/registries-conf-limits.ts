// What containers/image can and cannot say about a spec entry (runtime-semantics.md §2.2): c/image
// always requests https://<host>/v2/<location path>/…, has no headers, capabilities or IPv6 hosts,
// and gates wildcards (1.21) by version. Each refusal names the field and what would work instead.
import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, RegistryEntry } from '../spec/types.js';
import { versionAtLeast } from '../util/version.js';
import { missingTlsAssets, targetError } from './entry-diagnostics.js';
import type { RenderContext } from './types.js';

const TARGET = 'crio' as const;

/** An error for the crio target (code render.crio.<code>). */
export const err = targetError(TARGET);

/** Where the mirror serves `source`'s repositories, as a c/image location (host[/path], no scheme). */
export function mirrorLocation(entry: RegistryEntry, m: Mirror, field: string): string | Diagnostic {
  const full = (base: string): string => (entry.sourcePath === '' ? base : `${base}/${entry.sourcePath}`);
  switch (m.pathMode) {
    case 'namespace':
      return `${m.host}${m.path}`;
    case 'api-root':
      // <url>/<repository>/manifests/… equals c/image's /v2/<location path>/… only when url ends in /v2/…
      if (m.path === '/v2' || m.path.startsWith('/v2/')) return full(`${m.host}${m.path.slice(3)}`);
      return err(
        'api-root',
        `${field}.path`,
        `api-root mirror ${m.url} needs requests to ${m.url}/<repository>/manifests/…, but containers/image always requests https://${m.host}/v2/<repository>/…`,
        `serve the mirror's API under /v2 (api-root ${m.scheme}://${m.host}/v2${m.path}), use namespace mode if it also answers at https://${m.host}/v2/…, or limit the entry with only: [containerd]`,
      );
    case 'mount':
      if (m.path === '') return full(m.host);
      return err(
        'mount-path',
        `${field}.path`,
        `mount mirror ${m.url} serves the API at ${m.url}/v2/, but containers/image cannot put a path before /v2 (it always requests https://${m.host}/v2/…)`,
        `expose the registry API at the host root (then location ${m.host}/<repository> works), or limit the entry with only: [containerd, docker]`,
      );
  }
}

/** Everything c/image cannot say about one mirror, as errors (infos for what it merely ignores). */
export function mirrorProblems(m: Mirror, field: string, ctx: RenderContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (m.host.startsWith('['))
    out.push(
      err(
        'ipv6',
        `${field}.url`,
        `IPv6 literal mirror ${m.host}: containers/image's reference grammar has no bracketed IPv6 hosts`,
        'give the mirror a DNS name (or an /etc/hosts entry) and use that',
      ),
    );
  else if (!/[.:]/.test(m.host) && m.host !== 'localhost')
    out.push(
      err(
        'mirror-host',
        `${field}.url`,
        `mirror host "${m.host}" has no dot or port: containers/image would read "${m.host}/…" as a Docker Hub namespace`,
        `use a fully qualified name (e.g. ${m.host}.example.com), an IP address, or a non-default port`,
      ),
    );
  if (Object.keys(m.headers).length > 0)
    out.push(
      err(
        'headers',
        `${field}.headers`,
        'containers/image has no setting for extra HTTP headers',
        'put the headers in a reverse proxy in front of the mirror, or limit the entry with only: [containerd]',
      ),
    );
  if (!m.capabilities.includes('pull'))
    out.push(
      err(
        'capabilities',
        `${field}.capabilities`,
        'a mirror without "pull" serves nothing to containers/image',
        'add pull, or limit the entry with only: [containerd]',
      ),
    );
  else if (!m.capabilities.includes('resolve') && m.pullFrom !== 'digest-only')
    out.push(
      err(
        'capabilities',
        `${field}.capabilities`,
        'containers/image has no per-capability mirrors: it uses a mirror for the whole pull (manifest and blobs)',
        'pullFrom: digest-only is the closest c/image equivalent of a pull-only (no resolve) mirror; or limit the entry with only: [containerd]',
      ),
    );
  if (m.dialTimeout !== undefined)
    out.push({
      severity: 'info',
      code: 'render.crio.dial-timeout',
      message: `dialTimeout ${m.dialTimeout} is not expressible in registries.conf: c/image uses its own connect timeout`,
      field: `${field}.dialTimeout`,
      target: TARGET,
    });
  out.push(...missingTlsAssets(TARGET, m, field, ctx));
  return out;
}

export function sourceProblems(entry: RegistryEntry, field: string, ctx: RenderContext): Diagnostic[] {
  if (entry.sourceHost === '*')
    return [
      err(
        'wildcard-all',
        `${field}.source`,
        'containers/image has no catch-all prefix: "*" cannot be expressed in registries.conf',
        'list each registry as its own source (subdomain wildcards like "*.example.com" are supported), or limit the entry with only: [containerd]',
      ),
    ];
  if (entry.sourceHost.startsWith('['))
    return [
      err(
        'ipv6',
        `${field}.source`,
        'containers/image cannot parse IPv6 literal registry hosts',
        'use a DNS name',
      ),
    ];
  if (entry.sourceHost.startsWith('*.') && versionAtLeast(ctx.runtimeVersion, [1, 21, 0]) === false)
    return [
      err(
        'wildcard-version',
        `${field}.source`,
        `wildcard prefixes need CRI-O 1.21+ (containers/image 5.11), this node runs ${ctx.runtimeVersion}`,
        'list the registries explicitly',
      ),
    ];
  return [];
}
