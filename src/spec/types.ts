// The normalized mirror spec every renderer consumes. Produced by spec/validate.ts from the
// user's mirrors.yaml (apiVersion mirrorctl.io/v1alpha1 or mirrorctl/v1, kind MirrorSet); never
// constructed from raw input.

/** The apiVersions a spec document may carry: the CRD's group/version first, then the original. */
export const SPEC_API_VERSIONS = ['mirrorctl.io/v1alpha1', 'mirrorctl/v1'] as const;
export type SpecApiVersion = (typeof SPEC_API_VERSIONS)[number];
/** The normalized spec's format identity, whichever of SPEC_API_VERSIONS the document used: both
 *  name the same document, so moving a file to the CRD's apiVersion keeps its spec hash (and the
 *  nodes configured by it count as up to date). */
export const SPEC_FORMAT = 'mirrorctl/v1';

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

/** A Kubernetes Secret in the cluster (cluster mode resolves it; node mode refuses it). */
export interface SecretRef {
  name: string;
  /** Always `mirrorctl` today: the controller and agents may read Secrets only there. */
  namespace: string;
}

export interface MirrorTls {
  insecureSkipVerify: boolean;
  /** Paths as written in the spec (on the machine running mirrorctl); contents live in SpecAssets. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** A Secret with the kubernetes.io/tls keys `tls.crt`, `tls.key` and/or `ca.crt` (cluster mode). */
  secretRef?: SecretRef;
}

/**
 * Credentials for a mirror, always by reference, never inline: a docker config.json / containers
 * auth.json file (node mode, relative to the spec like TLS files) or a `kubernetes.io/dockerconfigjson`
 * Secret (cluster mode). The entry used is the one for the mirror's host[:port] (spec/mirror-auth.ts).
 */
export type MirrorAuth = { file: string } | { secretRef: SecretRef & { key: string } };

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
  /** More headers from a Secret (keys = header names, one value each); cluster mode. */
  headersFrom?: { secretRef: SecretRef };
  /** Credentials for this mirror (by reference). */
  auth?: MirrorAuth;
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
  apiVersion: typeof SPEC_FORMAT;
  kind: 'MirrorSet';
  name: string;
  registries: RegistryEntry[];
}

/** File contents referenced by the spec (tls.caFile/certFile/keyFile, auth.file), keyed by spec
 *  path; a Secret's keys, when resolved, under `secret:<namespace>/<name>#<key>` (spec/secret-refs.ts). */
export type SpecAssets = Record<string, string>;
