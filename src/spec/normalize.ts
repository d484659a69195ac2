// Validated input → the normalized MirrorSet every renderer consumes: Docker Hub aliases folded
// into docker.io, canonical URLs, defaults applied. Pure; call only on input that passed the
// schema (it throws on unparsable fields, which would be a bug in validate.ts).
import type { MirrorInput, MirrorSetInput, RegistryInput } from './schema.js';
import { parseSource } from './source-syntax.js';
import { type Mirror, type MirrorAuth, type MirrorSet, type RegistryEntry, SPEC_FORMAT } from './types.js';
import { canonicalUrl, parseMirrorUrl } from './url-syntax.js';

/** Names Docker Hub answers to; image references normalize to `docker.io` (containerd, c/image). */
export const DOCKER_HUB_ALIASES: readonly string[] = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];

export interface NormalizedSource {
  source: string;
  sourceHost: string;
  sourcePath: string;
}

export function normalizeSource(raw: string): NormalizedSource {
  const parsed = parseSource(raw).value;
  if (!parsed) throw new Error(`bug: normalizeSource on invalid source ${JSON.stringify(raw)}`);
  if (parsed.wildcard) return { source: '*', sourceHost: '*', sourcePath: '' };
  const hp = parsed.hostPort;
  if (!hp) throw new Error('bug: parsed source without host');
  const sourceHost = DOCKER_HUB_ALIASES.includes(hp.hostPort) ? 'docker.io' : hp.hostPort;
  return {
    source: parsed.path ? `${sourceHost}/${parsed.path}` : sourceHost,
    sourceHost,
    sourcePath: parsed.path,
  };
}

export function normalizeUrl(raw: string): string {
  const parsed = parseMirrorUrl(raw).value;
  if (!parsed) throw new Error(`bug: normalizeUrl on invalid url ${JSON.stringify(raw)}`);
  return canonicalUrl(parsed);
}

function normalizeMirror(m: MirrorInput): Mirror {
  const parsed = parseMirrorUrl(m.url).value;
  if (!parsed) throw new Error(`bug: normalizeMirror on invalid url ${JSON.stringify(m.url)}`);
  const url = canonicalUrl(parsed);
  const defaultPort = parsed.scheme === 'https' ? 443 : 80;
  const host = parsed.hostPort.port === defaultPort ? parsed.hostPort.host : parsed.hostPort.hostPort;
  const tls: Mirror['tls'] = { insecureSkipVerify: m.tls.insecureSkipVerify };
  if (m.tls.caFile !== undefined) tls.caFile = m.tls.caFile;
  if (m.tls.certFile !== undefined) tls.certFile = m.tls.certFile;
  if (m.tls.keyFile !== undefined) tls.keyFile = m.tls.keyFile;
  if (m.tls.secretRef !== undefined) tls.secretRef = { ...m.tls.secretRef };
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(m.headers)) headers[name] = [...values];
  // The rules guarantee exactly one of file/secretRef; file wins if a caller skipped them.
  const auth: MirrorAuth | undefined =
    m.auth?.file !== undefined
      ? { file: m.auth.file }
      : m.auth?.secretRef !== undefined
        ? { secretRef: { ...m.auth.secretRef } }
        : undefined;
  return {
    url,
    scheme: parsed.scheme,
    host,
    path: parsed.path,
    pathMode: m.path,
    pullFrom: m.pullFrom,
    capabilities: [...m.capabilities],
    tls,
    headers,
    ...(m.headersFrom === undefined ? {} : { headersFrom: { secretRef: { ...m.headersFrom.secretRef } } }),
    ...(auth === undefined ? {} : { auth }),
    ...(m.dialTimeout === undefined ? {} : { dialTimeout: m.dialTimeout }),
  };
}

function normalizeEntry(r: RegistryInput, index: number): RegistryEntry {
  return {
    index,
    ...normalizeSource(r.source),
    fallback: r.fallback,
    mirrors: r.mirrors.map(normalizeMirror),
    ...(r.only === undefined ? {} : { only: [...r.only] }),
  };
}

export function normalizeSpec(input: MirrorSetInput): MirrorSet {
  return {
    apiVersion: SPEC_FORMAT,
    kind: input.kind,
    name: input.metadata.name,
    registries: input.spec.registries.map(normalizeEntry),
  };
}
