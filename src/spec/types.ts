// The normalized mirror spec every renderer consumes. Produced by spec/validate.ts from the
// user's mirrors.yaml (apiVersion mirrorctl/v1, kind MirrorSet); never constructed from raw input.

export const TARGETS = ['containerd', 'containerd-legacy', 'crio', 'docker'] as const;
export type Target = (typeof TARGETS)[number];

export const PATH_MODES = ['namespace', 'api-root', 'mount'] as const;
/**
 * What the client must request at the mirror URL:
 * - namespace: URL path replaces the source prefix (`icr.io/cpopen/foo` → `M/dpod/foo`), `/v2` API.
 * - api-root:  URL is the registry API root (containerd override_path): `<url>/<full repo>/manifests/…`.
 * - mount:     the API is mounted under the path (reverse proxy): `<url>/v2/<full repo>/…`.
 */
export type PathMode = (typeof PATH_MODES)[number];

export const PULL_FROM = ['all', 'digest-only', 'tag-only'] as const;
export type PullFrom = (typeof PULL_FROM)[number];

export const CAPABILITIES = ['pull', 'resolve', 'push'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface MirrorTls {
  insecureSkipVerify: boolean;
  /** Paths as written in the spec (on the machine running mirrorctl); contents live in SpecAssets. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface Mirror {
  /** Canonical URL: scheme://host[:port][/path] with no trailing slash. */
  url: string;
  scheme: 'http' | 'https';
  /** host[:port] exactly as it appears in the URL (IPv6 in brackets, lowercased host). */
  host: string;
  /** '' or '/a/b' (no trailing slash). */
  path: string;
  pathMode: PathMode;
  pullFrom: PullFrom;
  capabilities: Capability[];
  tls: MirrorTls;
  /** Header name → values. Values are secrets for output purposes (redacted in plans/logs). */
  headers: Record<string, string[]>;
  /** Go duration string, e.g. "3s"; emitted only where the runtime version supports it. */
  dialTimeout?: string;
}

export interface RegistryEntry {
  /** Index in spec.registries (for diagnostics: `spec.registries[i]`). */
  index: number;
  /** As written, normalized: `icr.io/cpopen`, `docker.io`, `registry.example.com:5000`, `*`. */
  source: string;
  /** host[:port] of the source, `*` for the wildcard, `docker.io` for Docker Hub aliases. */
  sourceHost: string;
  /** Repository prefix under the host without leading/trailing slash, '' if none. */
  sourcePath: string;
  /** false = never contact the source (mirror only). */
  fallback: boolean;
  mirrors: Mirror[];
  /** Restrict the entry to these targets; undefined = all. */
  only?: Target[];
}

export interface MirrorSet {
  apiVersion: 'mirrorctl/v1';
  kind: 'MirrorSet';
  name: string;
  registries: RegistryEntry[];
}

/** File contents referenced by the spec (tls.caFile/certFile/keyFile), keyed by spec path. */
export type SpecAssets = Record<string, string>;
