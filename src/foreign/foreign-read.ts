// Readers of the formats operators already hold, into spec documents (see spec-doc.ts). Each says
// what it could not carry over as a Diagnostic: credentials, inline PEMs, regexes that are not
// prefix rewrites, settings with no spec field.
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { rulesOf, rulesToEntries } from './openshift-read.js';
import { parsePrefixRewrite } from './regex.js';
import type { EntryDoc, MirrorDoc } from './spec-doc.js';
import { mirrorFromHostUrl, talosToEntries } from './talos-read.js';

export interface ReadResult {
  entries: EntryDoc[];
  diagnostics: Diagnostic[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** YAML (one or many documents) → plain values, or a parse diagnostic. */
export function yamlDocs(text: string, file: string): { docs: unknown[]; diagnostics: Diagnostic[] } {
  const all = parseAllDocuments(text);
  const list = Array.isArray(all) ? all : [all];
  const bad = list.find((d) => d.errors.length > 0)?.errors[0];
  if (bad)
    return {
      docs: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'convert.parse',
          file,
          ...(bad.linePos?.[0] ? { line: bad.linePos[0].line, column: bad.linePos[0].col } : {}),
          message: `not valid YAML: ${bad.message.split('\n')[0]}`,
        },
      ],
    };
  const docs = list.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined);
  // `kind: List` (oc get -o yaml) holds the objects in items.
  return { docs: docs.flatMap((d) => (isObj(d) && Array.isArray(d.items) ? d.items : [d])), diagnostics: [] };
}

export function readOpenShift(text: string, file: string): ReadResult {
  const parsed = yamlDocs(text, file);
  const diagnostics = [...parsed.diagnostics];
  const rules = parsed.docs.flatMap((d) => {
    const r = rulesOf(d, file);
    diagnostics.push(...r.diagnostics);
    return r.rules;
  });
  const merged = rulesToEntries(rules, file);
  return { entries: merged.entries, diagnostics: [...diagnostics, ...merged.diagnostics] };
}

export function readTalos(text: string, file: string): ReadResult {
  const parsed = yamlDocs(text, file);
  const r = talosToEntries(parsed.docs, file);
  return { entries: r.entries, diagnostics: [...parsed.diagnostics, ...r.diagnostics] };
}

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
    return {
      entries: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'convert.parse',
          file,
          message: `not valid YAML: ${String(e).split('\n')[0]}`,
        },
      ],
    };
  }
  const mirrors = isObj(doc) && isObj(doc.mirrors) ? doc.mirrors : {};
  const configs = isObj(doc) && isObj(doc.configs) ? doc.configs : {};
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
    const t = isObj(c) && isObj(c.tls) ? c.tls : undefined;
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
      isObj(m) && Array.isArray(m.endpoint)
        ? m.endpoint.filter((e): e is string => typeof e === 'string')
        : [];
    if (endpoints.length === 0) continue;
    const rw = isObj(m) && isObj(m.rewrite) ? Object.entries(m.rewrite) : [];
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
  for (const [host, c] of Object.entries(configs)) {
    if (isObj(c) && c.auth !== undefined)
      loss(
        `configs.${host}.auth`,
        `credentials for ${host} are not part of a mirrorctl spec and were left out`,
        'keep them in registries.yaml: mirrorctl edits only mirrors and configs.<host>.tls',
      );
  }
  return { entries, diagnostics };
}

export function readDockerDaemon(text: string, file: string): ReadResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return {
      entries: [],
      diagnostics: [
        { severity: 'error', code: 'convert.parse', file, message: `not valid JSON: ${String(e)}` },
      ],
    };
  }
  const obj = isObj(doc) ? doc : {};
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const insecure = strings(obj['insecure-registries']);
  const diagnostics: Diagnostic[] = [];
  const mirrors: MirrorDoc[] = strings(obj['registry-mirrors']).map((raw) => {
    const m = /^(https?:\/\/[^/]+)(\/.*)?$/.exec(raw.replace(/\/+$/, ''));
    const origin = m?.[1] ?? raw;
    const path = m?.[2] ?? '';
    // Docker appends /v2/<full repository> to the mirror URL: a path is a mount point.
    const d: MirrorDoc = path === '' ? { url: origin } : { url: `${origin}${path}`, path: 'mount' };
    if (origin.startsWith('https://') && insecure.includes(origin.slice(8)))
      d.tls = { insecureSkipVerify: true };
    return d;
  });
  const used = new Set(mirrors.map((m) => m.url.replace(/^https?:\/\//, '').split('/')[0]));
  for (const h of insecure.filter((x) => !used.has(x)))
    diagnostics.push({
      severity: 'info',
      code: 'convert.docker.insecure-other',
      file,
      field: 'insecure-registries',
      message: `${h} is an insecure registry but not a mirror; a mirrorctl spec does not carry it`,
    });
  return { entries: mirrors.length > 0 ? [{ source: 'docker.io', mirrors }] : [], diagnostics };
}
