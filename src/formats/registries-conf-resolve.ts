// containers/image's pull-source resolution: FindRegistry (longest matching prefix) and
// PullSourcesFromReference (mirrors, filtered by digest/tag rules, then the primary location),
// ported from pkg/sysregistriesv2 so `explain` and the renderer's self-check follow CRI-O exactly;
// plus the host docker_client.go contacts for docker.io.
import {
  type CImageConfig,
  type CImageEndpoint,
  type CImageRegistry,
  registryAt,
} from './registries-conf.js';

/** refMatchingPrefix: length of the match, or -1. The boundary after a prefix must be `/`, `:` or `@`. */
export function refMatchingPrefix(ref: string, prefix: string): number {
  if (prefix.startsWith('*.')) return refMatchingSubdomainPrefix(ref, prefix);
  if (ref.length < prefix.length) return -1;
  if (ref.length === prefix.length) return ref === prefix ? prefix.length : -1;
  if (!ref.startsWith(prefix)) return -1;
  const c = ref[prefix.length];
  return c === ':' || c === '/' || c === '@' ? prefix.length : -1;
}

/** `*.example.com` matches any depth of subdomain in the host part, never the apex. */
function refMatchingSubdomainPrefix(ref: string, prefix: string): number {
  const suffix = prefix.slice(1);
  let index = ref.indexOf(suffix);
  if (index === -1) return -1;
  if (ref.slice(0, index).includes('/')) return -1;
  index += suffix.length;
  if (index === ref.length) return index;
  const c = ref[index];
  return c === ':' || c === '/' || c === '@' ? index : -1;
}

/** FindRegistry: the entry with the longest prefix matching `name` (a repository name, no tag). */
export function findRegistry(config: CImageConfig, name: string): CImageRegistry | undefined {
  let best: CImageRegistry | undefined;
  for (const r of config.registries) {
    if (refMatchingPrefix(name, r.prefix) !== -1 && r.prefix.length > (best?.prefix.length ?? 0)) best = r;
  }
  return best;
}

/**
 * The entry newImageSource uses for `ref`: FindRegistry's, or (no prefix matches) a stand-in whose
 * prefix and location are the whole reference, so the image is pulled as named.
 */
export const registryFor = (config: CImageConfig, name: string, ref: string): CImageRegistry =>
  findRegistry(config, name) ?? registryAt(ref);

/** c/image talks to registry-1.docker.io for docker.io (docker_client.go newDockerClient). */
export const apiHost = (domain: string): string => (domain === 'docker.io' ? 'registry-1.docker.io' : domain);

export interface PullSource {
  endpoint: CImageEndpoint;
  isMirror: boolean;
  /** The rewritten (physical) reference string, e.g. `icr.io/dpod/foo:1.0`. */
  reference: string;
}

/** A mirror left out for this reference (digest-only/tag-only), for the explain notes. */
export interface SkippedMirror {
  location: string;
  reason: string;
}

/** rewriteReference: location + whatever follows the matched prefix; an empty location keeps the ref. */
export function rewriteReference(ref: string, prefix: string, location: string): string {
  const len = refMatchingPrefix(ref, prefix);
  if (len === -1) throw new Error(`invalid prefix '${prefix}' for reference '${ref}'`);
  return location === '' ? ref : location + ref.slice(len);
}

/** PullSourcesFromReference: mirrors that apply to this kind of reference, then the primary. */
export function pullSources(
  reg: CImageRegistry,
  ref: string,
  isDigested: boolean,
): { sources: PullSource[]; skipped: SkippedMirror[] } {
  const endpoints: { endpoint: CImageEndpoint; isMirror: boolean }[] = [];
  const skipped: SkippedMirror[] = [];
  for (const mirror of reg.mirrors) {
    if (reg.mirrorByDigestOnly && !isDigested) {
      skipped.push({
        location: mirror.location,
        reason: 'mirror-by-digest-only = true and the image is a tag',
      });
      continue;
    }
    if (!reg.mirrorByDigestOnly && mirror.pullFromMirror === 'digest-only' && !isDigested) {
      skipped.push({
        location: mirror.location,
        reason: 'pull-from-mirror = "digest-only" and the image is a tag',
      });
      continue;
    }
    if (!reg.mirrorByDigestOnly && mirror.pullFromMirror === 'tag-only' && isDigested) {
      skipped.push({
        location: mirror.location,
        reason: 'pull-from-mirror = "tag-only" and the image is a digest',
      });
      continue;
    }
    endpoints.push({ endpoint: mirror, isMirror: true });
  }
  endpoints.push({ endpoint: reg, isMirror: false });
  const sources = endpoints.map((e) => ({
    ...e,
    reference: rewriteReference(ref, reg.prefix, e.endpoint.location),
  }));
  return { sources, skipped };
}
