// Where containerd sends requests for one mirror, per path mode (runtime-semantics.md §1.6, proved
// on 1.6.20 in verified-on-debian12.md #1-#2). containerd always appends the FULL repository to the
// API root, so it can prefix but never rename: `H/P/x` is requested as `<root>/P/x/manifests/…`.
import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, RegistryEntry, Target } from '../spec/types.js';

export interface ContainerdHostUrl {
  /** The `[host."…"]` key (or `server`). */
  url: string;
  /** `override_path = true`: the URL path is the API root verbatim (no `/v2` appended). */
  overridePath: boolean;
  /** The API root path containerd will use ('' or '/v2' or '/v2/proj' …). */
  apiRoot: string;
}

export type HostUrlResult = { ok: true; host: ContainerdHostUrl } | { ok: false; diagnostic: Diagnostic };

const origin = (m: Mirror): string => `${m.scheme}://${m.host}`;

/** containerd's own rule for a host URL path: cleaned; empty → /v2; not ending in /v2 → + /v2. */
export function containerdApiRoot(path: string, overridePath: boolean): string {
  if (overridePath) return path;
  if (path === '') return '/v2';
  return path.endsWith('/v2') ? path : `${path}/v2`;
}

/**
 * The query containerd adds when the host is not the registry itself. It is built with Go's
 * `url.Values.Encode`, so a registry with a port is escaped: `?ns=127.0.0.1%3A5000` (seen in the
 * mirror's access log, test/e2e/apply-containerd-matrix.test.ts).
 */
export const nsQuery = (registry: string): string => `?ns=${encodeURIComponent(registry)}`;

/** `https://m/v2/proj/cpopen/<name>/manifests/<ref>?ns=icr.io` — what a lint or explain shows. */
export function exampleRequest(entry: RegistryEntry, m: Mirror, apiRoot: string): string {
  const prefix = entry.sourcePath === '' ? '' : `${entry.sourcePath}/`;
  const ns = entry.sourceHost !== '*' && m.host !== entry.sourceHost ? nsQuery(entry.sourceHost) : '';
  return `${origin(m)}${apiRoot}/${prefix}<name>/manifests/<ref>${ns}`;
}

const mirrorField = (entry: RegistryEntry, j: number): string =>
  `spec.registries[${entry.index}].mirrors[${j}]`;

/**
 * The host URL that makes containerd request what the mirror's path mode says, or a
 * `render.<target>.remap` error when containerd cannot express it.
 */
export function containerdHostUrl(entry: RegistryEntry, j: number, target: Target): HostUrlResult {
  const m = entry.mirrors[j]!;
  switch (m.pathMode) {
    case 'api-root':
      return { ok: true, host: { url: m.url, overridePath: true, apiRoot: m.path } };
    case 'mount':
      // `<url>/v2/<repo>`: containerd appends /v2 itself unless the path already ends in /v2.
      if (m.path.endsWith('/v2')) {
        return { ok: true, host: { url: `${m.url}/v2`, overridePath: true, apiRoot: `${m.path}/v2` } };
      }
      return {
        ok: true,
        host: { url: m.url, overridePath: false, apiRoot: containerdApiRoot(m.path, false) },
      };
    case 'namespace':
      return namespaceUrl(entry, j, target);
  }
}

// namespace: source H/P → mirror M/Q means `H/P/x` must be fetched as `M/v2/Q/x`. containerd
// requests `<root>/P/x`, so the root must be `/v2/<Q without the trailing /P>`.
function namespaceUrl(entry: RegistryEntry, j: number, target: Target): HostUrlResult {
  const m = entry.mirrors[j]!;
  const q = m.path.replace(/^\//, '');
  const p = entry.sourcePath;
  let base: string;
  if (p === '') base = q;
  else if (q === p) base = '';
  else if (q.endsWith(`/${p}`)) base = q.slice(0, q.length - p.length - 1);
  else {
    const wanted = `${origin(m)}/v2${m.path}/<name>`;
    return {
      ok: false,
      diagnostic: {
        severity: 'error',
        code: `render.${target}.remap`,
        field: `${mirrorField(entry, j)}.url`,
        target,
        message:
          `${target} cannot rename repositories: it requests ${entry.source}/<name> as ` +
          `<mirror API root>/${p}/<name> (the full repository is always appended), so it can never ask for ${wanted}`,
        hint:
          `store the images on the mirror under <prefix>/${p}/<name> and use path: api-root with url ` +
          `${origin(m)}/v2/<prefix>, or make the mirror path end in /${p}, or target crio (prefix remapping)`,
      },
    };
  }
  const apiRoot = base === '' ? '/v2' : `/v2/${base}`;
  if (apiRoot === '/v2') return { ok: true, host: { url: origin(m), overridePath: false, apiRoot } };
  return { ok: true, host: { url: `${origin(m)}${apiRoot}`, overridePath: true, apiRoot } };
}
