// containerd's deprecated CRI `registry.mirrors` (1.x pkg/cri/server/image_pull.go registryEndpoints
// and registryHosts): the exact host key, else "*"; endpoints in order, a non-empty endpoint path
// used verbatim as the API root (only an empty path becomes /v2), every endpoint pull+resolve, and
// the default upstream appended unless an endpoint already is the registry host.
import type { Diagnostic } from '../diagnostics.js';
import { legacyEndpointUrl } from '../formats/containerd-config.js';
import { nsQuery } from '../render/containerd-mirror-url.js';
import { type ExplainedImage, type ExplainRequest, objectOf } from './types.js';

export function explainContainerdLegacy(
  mirrors: Record<string, string[]>,
  image: ExplainedImage,
): { requests: ExplainRequest[]; diagnostics: Diagnostic[] } {
  const namespace = image.ref.registry;
  const key = mirrors[namespace] !== undefined ? namespace : '*';
  const endpoints = [...(mirrors[key] ?? [])];
  const defaultHost = namespace === 'docker.io' ? 'registry-1.docker.io' : namespace;
  const parsed: { scheme: string; host: string; path: string; note: string }[] = [];
  let upstreamListed = false;
  endpoints.forEach((e, i) => {
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(legacyEndpointUrl(e));
    if (!m) return;
    const host = m[2] ?? '';
    const rawPath = m[3] ?? '';
    parsed.push({
      scheme: m[1]?.toLowerCase() ?? 'https', // Go's url.Parse lowercases the scheme
      host,
      path: rawPath === '' ? '/v2' : rawPath,
      note: `mirrors."${key}".endpoint[${i}]${rawPath === '' ? '' : ': path used verbatim as the API root'}`,
    });
    if (host === namespace) upstreamListed = true;
  });
  if (!upstreamListed)
    parsed.push({ scheme: 'https', host: defaultHost, path: '/v2', note: 'default upstream, appended last' });
  const object = objectOf(image);
  const isDigest = image.kind === 'digest';
  const requests: ExplainRequest[] = [];
  for (const kind of isDigest ? ['manifests', 'blobs'] : ['manifests']) {
    for (const h of parsed) {
      const p = `/${[h.path, image.ref.repository, kind, object].join('/')}`.replace(/\/+/g, '/');
      const proxy = h.host !== namespace && !(namespace === 'docker.io' && h.host === 'registry-1.docker.io');
      requests.push({
        url: `${h.scheme}://${h.host}${p}${proxy ? nsQuery(namespace) : ''}`,
        role: proxy ? 'mirror' : 'source',
        capability: isDigest ? 'pull' : 'resolve',
        note: kind === 'blobs' ? `${h.note}; fallback when no host had the manifest` : h.note,
      });
    }
  }
  return { requests, diagnostics: [] };
}
