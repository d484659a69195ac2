// Image reference parsing and normalisation, following distribution/reference (normalize.go,
// regexp.go): `nginx` → `docker.io/library/nginx:latest`, `index.docker.io` → `docker.io`.
// Shared by preflight (collecting refs) and verify (probing a test image).

export interface ImageRef {
  /** host[:port] of the registry as the runtime sees it (`docker.io` for Docker Hub). */
  registry: string;
  /** Repository path under the registry, e.g. `library/nginx`, `cpopen/cpopen-test`. */
  repository: string;
  /** Tag; `latest` when neither tag nor digest was given. Absent for digest-only refs. */
  tag?: string;
  /** `sha256:…` when the ref pins a digest (runtimes then pull by digest, ignoring the tag). */
  digest?: string;
}

export type ParsedRef = { ok: true; ref: ImageRef } | { ok: false; reason: string };

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME_LENGTH = 255;

/** Parses and normalises one reference the way kubelet/containerd/CRI-O do. */
export function parseImageRef(input: string): ParsedRef {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'empty image reference' };
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) return { ok: false, reason: `invalid digest "${digest}"` };
  }
  let tag: string | undefined;
  // A tag is after the last ':' that comes after the last '/' (a ':' before it is a port).
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) return { ok: false, reason: `invalid tag "${tag}"` };
  }
  const { registry, repository } = splitDomain(rest);
  if (!DOMAIN_RE.test(registry)) return { ok: false, reason: `invalid registry host "${registry}"` };
  if (!PATH_RE.test(repository)) {
    const why = /[A-Z]/.test(repository) ? ' (repository names must be lowercase)' : '';
    return { ok: false, reason: `invalid repository "${repository}"${why}` };
  }
  if (registry.length + 1 + repository.length > MAX_NAME_LENGTH)
    return { ok: false, reason: `repository name longer than ${MAX_NAME_LENGTH} characters` };
  const ref: ImageRef = { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest.toLowerCase();
  if (tag === undefined && digest === undefined) ref.tag = 'latest';
  return { ok: true, ref };
}

/** distribution's splitDockerDomain: the first component is a host only if it looks like one. */
function splitDomain(name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const looksLikeHost =
    slash >= 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  let registry = looksLikeHost ? first : 'docker.io';
  let repository = looksLikeHost ? name.slice(slash + 1) : name;
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository };
}

/** The manifest reference a runtime requests: the digest when pinned, else the tag. */
export const manifestReference = (ref: ImageRef): string => ref.digest ?? ref.tag ?? 'latest';

/** Canonical string form: `docker.io/library/nginx:latest`, `quay.io/a/b@sha256:…`. */
export function formatImageRef(ref: ImageRef): string {
  const name = `${ref.registry}/${ref.repository}`;
  return `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}
