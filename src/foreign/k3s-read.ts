// Reading k3s/RKE2 registries.yaml back into spec entries (k3s pkg/agent/containerd/config.go rules
// backwards: endpoint normalisation, /v2 and override_path, one prefix rewrite per host). Credentials
// (configs.<host>.auth) are returned for a reference (credentials-doc.ts), never put in the spec.
import { parse as parseYaml } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { isRecord } from '../util/is-record.js';
import { mirrorFromHostUrl } from './containerd-host-url.js';
import { authEntry, type Credentials } from './credentials-doc.js';
import { parsePrefixRewrite } from './k3s-rewrite.js';
import { type EntryDoc, type MirrorDoc, parseFailure, type ReadResult } from './spec-doc.js';

/** k3s's normalizeEndpointAddress: default scheme, then "", "/" and "/v2" mean the /v2 root. */
function k3sEndpoint(raw: string): { origin: string; path: string } | undefined {
  let s = raw.includes('://') ? raw : `//${raw}`;
  if (s.startsWith('//')) {
    const host = /^\/\/([^/]+)/.exec(s)?.[1] ?? '';
    const port = /:(\d+)$/.exec(host)?.[1];
    const local = /^(localhost|127\.|\[::1\])/.test(host);
    s = `${local && port !== undefined && port !== '443' ? 'http' : 'https'}:${s}`;
  }
  const m = /^(https?:\/\/[^/]+)(\/[^?#]*)?$/.exec(s);
  if (!m?.[1]) return undefined;
  return { origin: m[1], path: m[2] ?? '' };
}

export function readK3s(text: string, file: string): ReadResult {
  const diagnostics: Diagnostic[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return parseFailure(file, `not valid YAML: ${String(e).split('\n')[0]}`);
  }
  const mirrors = isRecord(doc) && isRecord(doc.mirrors) ? doc.mirrors : {};
  const configs = isRecord(doc) && isRecord(doc.configs) ? doc.configs : {};
  const loss = (field: string, message: string, hint?: string): void => {
    diagnostics.push({
      severity: 'warning',
      code: 'convert.k3s.lost',
      file,
      field,
      message,
      ...(hint ? { hint } : {}),
    });
  };
  const tlsFor = (host: string): MirrorDoc['tls'] | undefined => {
    const c = configs[host];
    const t = isRecord(c) && isRecord(c.tls) ? c.tls : undefined;
    if (!t) return undefined;
    const tls: NonNullable<MirrorDoc['tls']> = {};
    if (t.insecure_skip_verify === true) tls.insecureSkipVerify = true;
    if (typeof t.ca_file === 'string') tls.caFile = t.ca_file;
    if (typeof t.cert_file === 'string') tls.certFile = t.cert_file;
    if (typeof t.key_file === 'string') tls.keyFile = t.key_file;
    return Object.keys(tls).length > 0 ? tls : undefined;
  };
  const entries: EntryDoc[] = [];
  for (const [host, m] of Object.entries(mirrors)) {
    const field = `mirrors.${host}`;
    const endpoints =
      isRecord(m) && Array.isArray(m.endpoint)
        ? m.endpoint.filter((e): e is string => typeof e === 'string')
        : [];
    if (endpoints.length === 0) continue;
    const rw = isRecord(m) && isRecord(m.rewrite) ? Object.entries(m.rewrite) : [];
    const prefix = rw.length === 1 ? parsePrefixRewrite(rw[0]![0], String(rw[0]![1])) : undefined;
    if (rw.length > 0 && !prefix)
      loss(
        `${field}.rewrite`,
        `rewrite ${JSON.stringify(Object.fromEntries(rw))} is not one repository-prefix rewrite; the mirrors are taken without it`,
        'express the remap as source prefix + mirror path in the spec by hand',
      );
    const docs: MirrorDoc[] = [];
    for (const raw of endpoints) {
      const ep = k3sEndpoint(raw);
      if (!ep) {
        loss(`${field}.endpoint`, `endpoint ${raw} is not a URL k3s accepts; left out`);
        continue;
      }
      const defaultRoot = ep.path === '' || ep.path === '/' || ep.path === '/v2';
      const hostKey = ep.origin.replace(/^https?:\/\//, '');
      let d: MirrorDoc;
      if (defaultRoot) d = { url: prefix?.to ? `${ep.origin}/${prefix.to}` : ep.origin };
      else {
        d = mirrorFromHostUrl(`${ep.origin}${ep.path}`, !ep.path.endsWith('/v2'));
        if (prefix)
          loss(
            `${field}.rewrite`,
            `the rewrite cannot be combined with ${raw}, whose path is the API root; ${raw} is taken without it`,
          );
      }
      const tls = tlsFor(hostKey);
      if (tls) d.tls = tls;
      docs.push(d);
    }
    if (docs.length === 0) continue;
    const source = host === '*' ? '*' : prefix?.from ? `${host}/${prefix.from}` : host;
    entries.push({ source, mirrors: docs });
  }
  const credentials: Credentials = {};
  for (const [host, c] of Object.entries(configs)) {
    const a = isRecord(c) && isRecord(c.auth) ? c.auth : undefined;
    if (!a) continue;
    const str = (k: string): string | undefined => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
    const entry = authEntry(str('username'), str('password'), str('auth'), str('identity_token'));
    if (entry) credentials[host] = entry;
    else
      loss(
        `configs.${host}.auth`,
        `configs.${host}.auth holds no username/password, auth or identity_token; left out`,
      );
  }
  return { entries, diagnostics, ...(Object.keys(credentials).length > 0 ? { credentials } : {}) };
}
