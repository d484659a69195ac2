// CRI-O / Podman / Skopeo request order (containers/image docker/docker_image_src.go newImageSource),
// explained from formats/registries-conf-resolve.ts: mirrors then the primary, each pinged at https://
// (then http:// when insecure); the first manifest GET that succeeds serves the pull; blocked refs fail.
import type { Diagnostic } from '../diagnostics.js';
import type { CImageConfig } from '../formats/registries-conf.js';
import { apiHost, findRegistry, pullSources, registryFor } from '../formats/registries-conf-resolve.js';
import { formatImageRef, parseImageRef } from '../registry/reference.js';
import { capabilityFor, type ExplainedImage, type ExplainRequest, objectOf } from './types.js';

export function explainCrio(
  config: CImageConfig,
  image: ExplainedImage,
  configSource: string,
): { requests: ExplainRequest[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const requests: ExplainRequest[] = [];
  const name = `${image.ref.registry}/${image.ref.repository}`;
  const isDigest = image.kind === 'digest';
  // c/image's docker transport refuses name:tag@digest; CRI-O hands it the digest form.
  const ref = `${name}${isDigest ? `@${image.ref.digest}` : `:${image.ref.tag ?? 'latest'}`}`;
  const reg = registryFor(config, name, ref);
  const matched = reg.prefix !== ref;
  const { sources, skipped } = pullSources(reg, ref, isDigest);
  for (const s of skipped)
    diagnostics.push({
      severity: 'info',
      code: 'explain.crio.mirror-skipped',
      message: `mirror ${s.location} is not used: ${s.reason}`,
      target: 'crio',
    });
  for (const source of sources) {
    const parsed = parseImageRef(source.reference);
    if (!parsed.ok || formatImageRef(parsed.ref) !== source.reference) {
      diagnostics.push({
        severity: 'error',
        code: 'explain.crio.rewrite',
        message: `rewriting reference: "${source.reference}" is not a canonical image reference, c/image skips this endpoint`,
        hint: 'a mirror location needs a host with a dot or a port (or localhost) as its first component',
        target: 'crio',
      });
      continue;
    }
    const physical = parsed.ref;
    const blockedBy = findRegistry(config, `${physical.registry}/${physical.repository}`);
    if (blockedBy?.blocked) {
      diagnostics.push({
        severity: source.isMirror ? 'error' : 'info',
        code: source.isMirror ? 'explain.crio.mirror-blocked' : 'explain.crio.source-blocked',
        message: `registry ${blockedBy.prefix} is blocked in ${configSource}: ${source.reference} is never contacted`,
        target: 'crio',
      });
      continue;
    }
    const role = source.isMirror ? 'mirror' : 'source';
    const path = `/v2/${physical.repository}/manifests/${objectOf(image)}`;
    const host = apiHost(physical.registry);
    const why = source.isMirror
      ? `[[registry.mirror]] ${source.endpoint.location} of prefix "${reg.prefix}"`
      : matched
        ? `primary location "${reg.location}" of prefix "${reg.prefix}"`
        : 'no [[registry]] prefix matches: the image is pulled as named';
    const capability = capabilityFor(image);
    requests.push({
      url: `https://${host}${path}`,
      role,
      capability,
      note: source.endpoint.insecure ? `${why}; insecure: TLS not verified` : why,
    });
    if (source.endpoint.insecure)
      requests.push({
        url: `http://${host}${path}`,
        role,
        capability,
        note: `${why}; insecure = true: plain HTTP after the HTTPS ping fails`,
      });
  }
  if (requests.length === 0)
    diagnostics.push({
      severity: 'error',
      code: 'explain.crio.no-endpoint',
      message: `no endpoint can serve ${image.reference}: the pull fails`,
      target: 'crio',
    });
  return { requests, diagnostics };
}
