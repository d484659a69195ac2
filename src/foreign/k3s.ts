// k3s/RKE2 registries.yaml ↔ spec (k3s pkg/agent/containerd/config.go,
// docs.k3s.io/installation/private-registry). k3s turns each `mirrors.<host>` into a hosts.toml:
// an endpoint whose path is "", "/" or "/v2" gets the default /v2 API root, any other path becomes
// an override_path root; `rewrite` (regex on the repository) is applied to every endpoint of the
// host — which is what lets k3s rename repositories where plain containerd cannot. Reading applies
// the same rules backwards; only the rewrite shapes mirrorctl writes read back (k3s-rewrite.ts).
import { parse as parseYaml } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, MirrorSet, RegistryEntry } from '../spec/types.js';
import { isRecord } from '../util/is-record.js';
import { mirrorFromHostUrl } from './containerd-host-url.js';
import { lossWarnings, mirrorErrors, mirrorField } from './k3s-limits.js';
import {
  type K3sMirror,
  type K3sRegistries,
  type K3sTls,
  patchRegistriesYaml,
  type RancherFlavor,
  registriesYamlPath,
} from './k3s-registries-yaml.js';
import { escapeRegex, parsePrefixRewrite } from './k3s-rewrite.js';
import type { EntryDoc, MirrorDoc, ReadResult, Written } from './spec-doc.js';

/** Where each spec TLS path sits on the node (the node renderer writes the files there). */
export type TlsPathFor = (m: Mirror, kind: 'ca' | 'cert' | 'key') => string | undefined;

export interface K3sModelResult {
  registries: K3sRegistries;
  diagnostics: Diagnostic[];
}

/** The `only` list names runtimes; k3s and RKE2 run containerd. */
const appliesToK3s = (e: RegistryEntry): boolean => e.only === undefined || e.only.includes('containerd');

interface EndpointPlan {
  url: string;
  /** Rewrite this endpoint needs, as [regex, replacement]; undefined = the full repository. */
  rewrite?: [string, string];
}

/** namespace `H/P/x` → `M/v2/Q/x`: endpoint at the mirror origin plus `^P/(.*)` → `Q/$1`. */
function endpointFor(
  e: RegistryEntry,
  m: Mirror,
  j: number,
  flavor: RancherFlavor,
): EndpointPlan | Diagnostic {
  const origin = `${m.scheme}://${m.host}`;
  switch (m.pathMode) {
    case 'mount':
      // `<url>/v2` is either the default root (empty path) or an override_path root ending in /v2.
      return { url: `${m.url}/v2` };
    case 'api-root':
      if (m.path === '' || m.path === '/')
        return {
          severity: 'error',
          code: `render.${flavor}.api-root-empty`,
          field: `${mirrorField(e, j)}.url`,
          target: flavor,
          message: `${flavor} treats an endpoint without a path as ${origin}/v2, so it cannot request ${origin}/<repo> directly`,
          hint: 'give the API root a path (https://mirror/v2 or https://mirror/prefix), or serve the registry API under /v2',
        };
      return { url: m.url };
    case 'namespace': {
      const p = e.sourcePath;
      const q = m.path.replace(/^\//, '');
      // An identity rewrite (p === q) still records the prefix, so registries.yaml reads back exactly.
      if (p === '' && q === '') return { url: origin };
      const from = p === '' ? '^(.*)$' : `^${escapeRegex(p)}/(.*)$`;
      const to = q === '' ? '$1' : `${q}/$1`;
      return { url: origin, rewrite: [from, to] };
    }
  }
}

/** The endpoints and shared rewrite of one entry, or the errors that keep it out. */
function entryMirror(
  e: RegistryEntry,
  flavor: RancherFlavor,
): { mirror?: K3sMirror; diagnostics: Diagnostic[] } {
  const diagnostics = [...mirrorErrors(e, flavor)];
  const plans: EndpointPlan[] = [];
  e.mirrors.forEach((m, j) => {
    const r = endpointFor(e, m, j, flavor);
    if ('severity' in r) diagnostics.push(r);
    else plans.push(r);
  });
  const rewrites = new Set(plans.map((p) => JSON.stringify(p.rewrite ?? null)));
  if (rewrites.size > 1)
    diagnostics.push({
      severity: 'error',
      code: `render.${flavor}.rewrite-conflict`,
      field: `spec.registries[${e.index}].mirrors`,
      target: flavor,
      message: `${flavor} applies one rewrite to every endpoint of ${e.sourceHost}, but these mirrors need different repository paths`,
      hint: 'give every mirror of the entry the same path layout (same URL path and path mode)',
    });
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  diagnostics.push(...lossWarnings(e, flavor));
  const mirror: K3sMirror = { endpoint: plans.map((p) => p.url) };
  const rw = plans[0]?.rewrite;
  if (rw) mirror.rewrite = { [rw[0]]: rw[1] };
  return { mirror, diagnostics };
}

function tlsFor(m: Mirror, pathFor: TlsPathFor): K3sTls | undefined {
  const tls: K3sTls = {};
  const ca = pathFor(m, 'ca');
  const cert = pathFor(m, 'cert');
  const key = pathFor(m, 'key');
  if (ca) tls.ca_file = ca;
  if (cert) tls.cert_file = cert;
  if (key) tls.key_file = key;
  if (m.tls.insecureSkipVerify) tls.insecure_skip_verify = true;
  return Object.keys(tls).length > 0 ? tls : undefined;
}

export function specToK3s(set: MirrorSet, flavor: RancherFlavor, pathFor: TlsPathFor): K3sModelResult {
  const registries: K3sRegistries = { mirrors: {}, configs: {} };
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, RegistryEntry>();
  for (const e of set.registries.filter(appliesToK3s)) {
    const first = seen.get(e.sourceHost);
    if (first) {
      diagnostics.push({
        severity: 'error',
        code: `render.${flavor}.host-conflict`,
        field: `spec.registries[${e.index}].source`,
        target: flavor,
        message: `${e.source} and ${first.source} (spec.registries[${first.index}]) share mirrors.${e.sourceHost}: ${flavor} keeps one endpoint list and one rewrite table per registry host`,
        hint: 'merge the entries into one (a rewrite per prefix is not generated), or target crio, which matches by prefix',
      });
      continue;
    }
    seen.set(e.sourceHost, e);
    const r = entryMirror(e, flavor);
    diagnostics.push(...r.diagnostics);
    if (!r.mirror) continue;
    registries.mirrors[e.sourceHost] = r.mirror;
    for (const m of e.mirrors) {
      const tls = tlsFor(m, pathFor);
      if (tls) registries.configs[m.host] = { tls };
    }
  }
  return { registries, diagnostics };
}

/** Spec paths as written (convert): the operator copies the files to the nodes. */
const specTlsPaths: TlsPathFor = (m, kind) =>
  kind === 'ca' ? m.tls.caFile : kind === 'cert' ? m.tls.certFile : m.tls.keyFile;

/** `convert --to k3s|rke2`: a fresh registries.yaml naming the spec's TLS paths as written. */
export function writeK3s(set: MirrorSet, flavor: RancherFlavor): Written {
  const model = specToK3s(set, flavor, specTlsPaths);
  const patched = patchRegistriesYaml(null, model.registries, set.name, registriesYamlPath(flavor));
  const diagnostics = [...model.diagnostics, ...patched.diagnostics];
  if (Object.keys(model.registries.configs).length > 0)
    diagnostics.push({
      severity: 'info',
      code: `convert.${flavor}.tls-paths`,
      message: `configs.*.tls name the spec's TLS paths as written; copy the files to those paths on every node (mirrorctl apply does that itself)`,
    });
  return { text: patched.text ?? '', diagnostics };
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
  for (const [host, c] of Object.entries(configs)) {
    if (isRecord(c) && c.auth !== undefined)
      loss(
        `configs.${host}.auth`,
        `credentials for ${host} are not part of a mirrorctl spec and were left out`,
        'keep them in registries.yaml: mirrorctl edits only mirrors and configs.<host>.tls',
      );
  }
  return { entries, diagnostics };
}
