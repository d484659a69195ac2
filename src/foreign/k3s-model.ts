// Spec → the `mirrors`/`configs` of k3s/RKE2 registries.yaml (k3s pkg/agent/containerd/config.go,
// docs.k3s.io/installation/private-registry). k3s turns each `mirrors.<host>` into a hosts.toml:
// an endpoint whose path is "", "/" or "/v2" gets the default /v2 API root, any other path becomes
// an override_path root; `rewrite` (regex on the repository) is applied to every endpoint of the
// host — which is what lets k3s rename repositories where plain containerd cannot.
import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, MirrorSet, RegistryEntry } from '../spec/types.js';
import { escapeRegex } from './regex.js';

export type RancherFlavor = 'k3s' | 'rke2';

export interface K3sMirror {
  endpoint: string[];
  rewrite?: Record<string, string>;
}

export interface K3sTls {
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
  insecure_skip_verify?: boolean;
}

export interface K3sRegistries {
  mirrors: Record<string, K3sMirror>;
  /** Keyed by mirror host[:port]; only `tls` is ever written by mirrorctl. */
  configs: Record<string, { tls: K3sTls }>;
}

/** Where each spec TLS path sits on the node (the node renderer writes the files there). */
export type TlsPathFor = (m: Mirror, kind: 'ca' | 'cert' | 'key') => string | undefined;

export interface K3sModelResult {
  registries: K3sRegistries;
  diagnostics: Diagnostic[];
}

const mirrorField = (e: RegistryEntry, j: number): string => `spec.registries[${e.index}].mirrors[${j}]`;

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

function lossWarnings(e: RegistryEntry, flavor: RancherFlavor): Diagnostic[] {
  const out: Diagnostic[] = [];
  const warn = (code: string, field: string, message: string, hint: string): void => {
    out.push({ severity: 'warning', code: `render.${flavor}.${code}`, field, target: flavor, message, hint });
  };
  if (!e.fallback)
    warn(
      'fallback',
      `spec.registries[${e.index}].fallback`,
      `${flavor} always falls back to ${e.sourceHost} after the mirrors; registries.yaml cannot turn that off per registry`,
      `start ${flavor} with --disable-default-registry-endpoint (all registries) to keep pulls on the mirrors`,
    );
  if (e.sourcePath !== '')
    warn(
      'prefix-scope',
      `spec.registries[${e.index}].source`,
      `${flavor} mirrors whole registries: images of ${e.sourceHost} outside ${e.source}/ are also tried on the mirrors first (not rewritten), then on ${e.sourceHost}`,
      'make sure the mirror answers 404 quickly for repositories it does not hold',
    );
  e.mirrors.forEach((m, j) => {
    const f = mirrorField(e, j);
    if (m.dialTimeout !== undefined)
      warn(
        'dial-timeout',
        `${f}.dialTimeout`,
        `registries.yaml has no dial timeout; ${m.dialTimeout} is dropped`,
        'remove dialTimeout for this target',
      );
    if (!m.capabilities.includes('resolve') || !m.capabilities.includes('pull'))
      warn(
        'capabilities',
        `${f}.capabilities`,
        `${flavor} gives every endpoint pull and resolve; capabilities [${m.capabilities.join(', ')}] are not kept`,
        'use the default capabilities for this target',
      );
  });
  return out;
}

function mirrorErrors(e: RegistryEntry, flavor: RancherFlavor): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (code: string, field: string, message: string, hint: string): void => {
    out.push({ severity: 'error', code: `render.${flavor}.${code}`, field, target: flavor, message, hint });
  };
  if (e.sourceHost.startsWith('*.'))
    err(
      'wildcard-domain',
      `spec.registries[${e.index}].source`,
      `${flavor} mirrors are keyed by exact registry host (or "*"); ${e.source} cannot be expressed`,
      'list each registry host explicitly, or use source "*"',
    );
  e.mirrors.forEach((m, j) => {
    const f = mirrorField(e, j);
    if (m.pullFrom !== 'all')
      err(
        'pull-from',
        `${f}.pullFrom`,
        `${flavor} uses every endpoint for tags and digests alike; pullFrom ${m.pullFrom} cannot be expressed`,
        'use pullFrom: all for this target, or target crio/openshift (pull-from-mirror)',
      );
    if (Object.keys(m.headers).length > 0)
      err(
        'headers',
        `${f}.headers`,
        `registries.yaml has no request headers (only configs.<host>.auth)`,
        'put credentials in configs.<mirror host>.auth of registries.yaml yourself; mirrorctl keeps that key',
      );
  });
  return out;
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

/** Spec paths as written (convert): the operator copies the files to the nodes. */
export const specTlsPaths: TlsPathFor = (m, kind) =>
  kind === 'ca' ? m.tls.caFile : kind === 'cert' ? m.tls.certFile : m.tls.keyFile;

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
