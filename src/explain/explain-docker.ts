// Docker Engine request order (moby registry/service_v2.go lookupV2Endpoints): for Docker Hub
// images every `registry-mirrors` entry in order, then https://registry-1.docker.io; any other
// registry is contacted directly (HTTPS, then HTTP when it is an insecure registry).
import type { Diagnostic } from '../diagnostics.js';
import { capabilityFor, type ExplainedImage, type ExplainRequest, objectOf } from './types.js';

const ALWAYS_INSECURE = /^(127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

const ipv4 = (s: string): number | undefined => {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  return m ? m.slice(1).reduce((n, o) => n * 256 + Number(o), 0) : undefined;
};

/** isSecureIndex: an insecure-registries entry is host[:port] or a CIDR (IP-literal hosts only here). */
function isInsecure(host: string, entries: readonly string[]): boolean {
  if (ALWAYS_INSECURE.test(host) || entries.includes(host)) return true;
  const ip = ipv4(host.replace(/:\d+$/, ''));
  if (ip === undefined) return false;
  return entries.some((e) => {
    const [net, bits] = e.split('/');
    const base = ipv4(net ?? '');
    const len = Number(bits);
    if (base === undefined || !Number.isInteger(len) || len < 0 || len > 32) return false;
    const block = 2 ** (32 - len); // same network = same quotient by the host-part size
    return Math.floor(ip / block) === Math.floor(base / block);
  });
}

function readDaemonJson(text: string | null): { mirrors: string[]; insecure: string[] } | string {
  if (text === null || text.trim() === '') return { mirrors: [], insecure: [] };
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    const list = (k: string): string[] =>
      Array.isArray(doc[k]) ? (doc[k] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    return { mirrors: list('registry-mirrors'), insecure: list('insecure-registries') };
  } catch (e) {
    return (e as Error).message;
  }
}

export function explainDocker(
  daemonJson: string | null,
  image: ExplainedImage,
): { requests: ExplainRequest[]; diagnostics: Diagnostic[] } {
  const cfg = readDaemonJson(daemonJson);
  if (typeof cfg === 'string')
    return {
      requests: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'explain.docker.daemon-json',
          message: `daemon.json: ${cfg}`,
          target: 'docker',
        },
      ],
    };
  const capability = capabilityFor(image);
  const tail = `/v2/${image.ref.repository}/manifests/${objectOf(image)}`;
  const requests: ExplainRequest[] = [];
  const diagnostics: Diagnostic[] = [];
  if (image.ref.registry === 'docker.io') {
    cfg.mirrors.forEach((m, i) => {
      // A scheme-less mirror would not pass dockerd's validation; it is shown with https:// as Docker would.
      const base = (/^https?:\/\//.test(m) ? m : `https://${m}`).replace(/\/+$/, '');
      requests.push({ url: `${base}${tail}`, role: 'mirror', capability, note: `registry-mirrors[${i}]` });
    });
    requests.push({
      url: `https://registry-1.docker.io${tail}`,
      role: 'source',
      capability,
      note:
        cfg.mirrors.length > 0
          ? 'Docker Hub, always tried after the mirrors'
          : 'Docker Hub (no registry-mirrors)',
    });
    return { requests, diagnostics };
  }
  const host = image.ref.registry;
  const insecure = isInsecure(host, cfg.insecure);
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
  if (cfg.mirrors.length > 0)
    diagnostics.push({
      severity: 'info',
      code: 'explain.docker.hub-only',
      message: `registry-mirrors are not used for ${host}: upstream Docker mirrors Docker Hub only`,
      target: 'docker',
    });
  return { requests, diagnostics };
}
