// Docker Engine request order (moby registry/service_v2.go lookupV2Endpoints): for Docker Hub
// images every `registry-mirrors` entry in order, then https://registry-1.docker.io; any other
// registry is contacted directly (HTTPS, then HTTP when it is an insecure registry).
import type { Diagnostic } from '../diagnostics.js';
import { isInsecureRegistry, readDaemonJson } from '../formats/docker-daemon.js';
import { capabilityFor, type ExplainedImage, type ExplainRequest, objectOf } from './types.js';

export function explainDocker(
  daemonJson: string | null,
  image: ExplainedImage,
): { requests: ExplainRequest[]; diagnostics: Diagnostic[] } {
  const cfg = readDaemonJson(daemonJson);
  if (!cfg.ok)
    return {
      requests: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'explain.docker.daemon-json',
          message: `daemon.json: ${cfg.error.message}`,
          target: 'docker',
        },
      ],
    };
  const capability = capabilityFor(image);
  const tail = `/v2/${image.ref.repository}/manifests/${objectOf(image)}`;
  const requests: ExplainRequest[] = [];
  const diagnostics: Diagnostic[] = [];
  if (image.ref.registry === 'docker.io') {
    cfg.registryMirrors.forEach((m, i) => {
      // A scheme-less mirror would not pass dockerd's validation; it is shown with https:// as Docker would.
      const base = (/^https?:\/\//.test(m) ? m : `https://${m}`).replace(/\/+$/, '');
      requests.push({ url: `${base}${tail}`, role: 'mirror', capability, note: `registry-mirrors[${i}]` });
    });
    requests.push({
      url: `https://registry-1.docker.io${tail}`,
      role: 'source',
      capability,
      note:
        cfg.registryMirrors.length > 0
          ? 'Docker Hub, always tried after the mirrors'
          : 'Docker Hub (no registry-mirrors)',
    });
    return { requests, diagnostics };
  }
  const host = image.ref.registry;
  const insecure = isInsecureRegistry(host, cfg.insecureRegistries);
  requests.push({
    url: `https://${host}${tail}`,
    role: 'source',
    capability,
    note: insecure ? 'insecure registry: TLS not verified' : 'registry-mirrors apply to Docker Hub only',
  });
  if (insecure)
    requests.push({
      url: `http://${host}${tail}`,
      role: 'source',
      capability,
      note: 'insecure registry: plain HTTP fallback',
    });
  if (cfg.registryMirrors.length > 0)
    diagnostics.push({
      severity: 'info',
      code: 'explain.docker.hub-only',
      message: `registry-mirrors are not used for ${host}: upstream Docker mirrors Docker Hub only`,
      target: 'docker',
    });
  return { requests, diagnostics };
}
