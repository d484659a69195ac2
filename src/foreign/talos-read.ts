// Talos registry config → spec entries. Reads both shapes: the RegistryMirrorConfig/RegistryTLSConfig
// documents (Talos ≥ 1.12) and the older `machine.registries.mirrors`/`config` of a v1alpha1
// machine config (or patch). Endpoint URLs follow containerd's hosts.toml rules.

import type { Diagnostic } from '../diagnostics.js';
import type { EntryDoc, MirrorDoc } from './spec-doc.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Tls {
  insecure: boolean;
  hasCa: boolean;
  hasClient: boolean;
}

/** containerd host URL → spec mirror: override_path = api-root, path ending /v2 = mount. */
export function mirrorFromHostUrl(url: string, overridePath: boolean): MirrorDoc {
  const m = /^(https?:\/\/[^/]+)(\/.*)?$/.exec(url.replace(/\/+$/, ''));
  const origin = m?.[1] ?? url;
  const path = m?.[2] ?? '';
  if (overridePath) return { url, path: 'api-root' };
  if (path === '' || path === '/v2') return { url: origin };
  return path.endsWith('/v2')
    ? { url: `${origin}${path.slice(0, -3)}`, path: 'mount' }
    : { url: `${origin}${path}`, path: 'mount' };
}

const hostOf = (url: string): string => /^[a-z]+:\/\/([^/]+)/.exec(url)?.[1] ?? url;

function collect(docs: unknown[]): {
  mirrors: { name: string; endpoints: { url: string; overridePath: boolean }[]; skipFallback: boolean }[];
  tls: Map<string, Tls>;
  auth: string[];
} {
  const mirrors: {
    name: string;
    endpoints: { url: string; overridePath: boolean }[];
    skipFallback: boolean;
  }[] = [];
  const tls = new Map<string, Tls>();
  const auth: string[] = [];
  const endpointsOf = (v: unknown, override: boolean): { url: string; overridePath: boolean }[] =>
    Array.isArray(v)
      ? v.flatMap((e) =>
          typeof e === 'string'
            ? [{ url: e, overridePath: override }]
            : isObj(e) && typeof e.url === 'string'
              ? [{ url: e.url, overridePath: e.overridePath === true }]
              : [],
        )
      : [];
  const tlsOf = (t: Obj): Tls => ({
    insecure: t.insecureSkipVerify === true,
    hasCa: t.ca !== undefined,
    hasClient: t.clientIdentity !== undefined,
  });
  for (const d of docs) {
    if (!isObj(d)) continue;
    if (d.kind === 'RegistryMirrorConfig' && typeof d.name === 'string')
      mirrors.push({
        name: d.name,
        endpoints: endpointsOf(d.endpoints, false),
        skipFallback: d.skipFallback === true,
      });
    else if (d.kind === 'RegistryTLSConfig' && typeof d.name === 'string') tls.set(d.name, tlsOf(d));
    else if (d.kind === 'RegistryAuthConfig' && typeof d.name === 'string') auth.push(d.name);
    const registries = isObj(d.machine) ? d.machine.registries : undefined;
    if (isObj(registries)) {
      if (isObj(registries.mirrors))
        for (const [name, m] of Object.entries(registries.mirrors))
          if (isObj(m))
            mirrors.push({
              name,
              endpoints: endpointsOf(m.endpoints, m.overridePath === true),
              skipFallback: m.skipFallback === true,
            });
      if (isObj(registries.config))
        for (const [host, c] of Object.entries(registries.config)) {
          if (!isObj(c)) continue;
          if (isObj(c.tls)) tls.set(host, tlsOf(c.tls));
          if (c.auth !== undefined) auth.push(host);
        }
    }
  }
  return { mirrors, tls, auth };
}

export function talosToEntries(
  docs: unknown[],
  file: string,
): { entries: EntryDoc[]; diagnostics: Diagnostic[] } {
  const { mirrors, tls, auth } = collect(docs);
  const diagnostics: Diagnostic[] = [];
  const entries: EntryDoc[] = [];
  for (const m of mirrors) {
    if (m.endpoints.length === 0) continue;
    const docs = m.endpoints.map((ep) => {
      const doc = mirrorFromHostUrl(ep.url, ep.overridePath);
      const t = tls.get(hostOf(ep.url));
      if (t?.insecure) doc.tls = { insecureSkipVerify: true };
      if (t?.hasCa || t?.hasClient)
        diagnostics.push({
          severity: 'warning',
          code: 'convert.talos.inline-pem',
          file,
          field: `RegistryTLSConfig ${hostOf(ep.url)}`,
          message:
            'the CA/client certificate is inline PEM in the Talos config; the spec references files, so it is not carried over',
          hint: 'save the PEM to a file and add tls.caFile (or certFile/keyFile) to the converted spec',
        });
      return doc;
    });
    entries.push({ source: m.name, ...(m.skipFallback ? { fallback: false } : {}), mirrors: docs });
  }
  for (const host of auth)
    diagnostics.push({
      severity: 'warning',
      code: 'convert.talos.auth',
      file,
      field: host,
      message: `credentials for ${host} are not part of a mirrorctl spec and were left out`,
      hint: 'keep the auth document in the Talos machine config',
    });
  return { entries, diagnostics };
}
