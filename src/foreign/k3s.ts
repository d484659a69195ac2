// k3s/RKE2 registries.yaml ↔ spec (k3s pkg/agent/containerd/config.go,
// docs.k3s.io/installation/private-registry). k3s turns each `mirrors.<host>` into a hosts.toml:
// an endpoint whose path is "", "/" or "/v2" gets the default /v2 API root, any other path becomes
// an override_path root; `rewrite` (regex on the repository) is applied to every endpoint of the
// host — which is what lets k3s rename repositories where plain containerd cannot. Reading applies
// the same rules backwards; only the rewrite shapes mirrorctl writes read back (k3s-rewrite.ts).
import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, MirrorSet, RegistryEntry, SpecAssets } from '../spec/types.js';
import { credentialsLeftOut, mirrorPlainAuth } from './foreign-auth.js';
import { lossWarnings, mirrorErrors, mirrorField } from './k3s-limits.js';
import {
  type K3sAuth,
  type K3sMirror,
  type K3sRegistries,
  type K3sTls,
  patchRegistriesYaml,
  type RancherFlavor,
  registriesYamlPath,
} from './k3s-registries-yaml.js';
import { escapeRegex } from './k3s-rewrite.js';
import type { WriteOptions, Written } from './spec-doc.js';

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

/** Where a mirror's credentials come from: the node renderer reads them (spec/mirror-auth.ts);
 *  convert writes none (its output is printed). undefined = none for this mirror. */
export type AuthFor = (m: Mirror, field: string) => K3sAuth | undefined;

export function specToK3s(
  set: MirrorSet,
  flavor: RancherFlavor,
  pathFor: TlsPathFor,
  authFor: AuthFor | undefined = undefined,
): K3sModelResult {
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
    e.mirrors.forEach((m, j) => {
      const tls = tlsFor(m, pathFor);
      const auth = m.auth && authFor ? authFor(m, `${mirrorField(e, j)}.auth`) : undefined;
      if (tls || auth) registries.configs[m.host] = { ...(tls ? { tls } : {}), ...(auth ? { auth } : {}) };
    });
  }
  return { registries, diagnostics };
}

/** Spec paths as written (convert): the operator copies the files to the nodes. */
const specTlsPaths: TlsPathFor = (m, kind) =>
  kind === 'ca' ? m.tls.caFile : kind === 'cert' ? m.tls.certFile : m.tls.keyFile;

/** The mirror credentials as k3s AuthConfig fields (spec/mirror-auth.ts lookup). */
export function k3sAuthFor(assets: SpecAssets, flavor: RancherFlavor, diagnostics: Diagnostic[]): AuthFor {
  return (m, field) => {
    const r = mirrorPlainAuth(m, assets, field, flavor);
    diagnostics.push(...r.diagnostics);
    if (!r.auth) return undefined;
    return {
      ...(r.auth.username !== undefined ? { username: r.auth.username } : {}),
      ...(r.auth.password !== undefined ? { password: r.auth.password } : {}),
      ...(r.auth.identityToken !== undefined ? { identity_token: r.auth.identityToken } : {}),
    };
  };
}

/** `convert --to k3s|rke2`: a fresh registries.yaml naming the spec's TLS paths as written; mirror
 *  credentials only when the output goes to a 0600 file. */
export function writeK3s(
  set: MirrorSet,
  flavor: RancherFlavor,
  assets: SpecAssets = {},
  opts: WriteOptions = {},
): Written {
  const authDiagnostics: Diagnostic[] = [];
  const model = specToK3s(
    set,
    flavor,
    specTlsPaths,
    opts.withCredentials ? k3sAuthFor(assets, flavor, authDiagnostics) : undefined,
  );
  const patched = patchRegistriesYaml(null, model.registries, set.name, registriesYamlPath(flavor));
  const diagnostics = [...model.diagnostics, ...authDiagnostics, ...patched.diagnostics];
  if (Object.values(model.registries.configs).some((c) => c.tls))
    diagnostics.push({
      severity: 'info',
      code: `convert.${flavor}.tls-paths`,
      message: `configs.*.tls name the spec's TLS paths as written; copy the files to those paths on every node (mirrorctl apply does that itself)`,
    });
  if (!opts.withCredentials) diagnostics.push(...credentialsLeftOut(set, flavor));
  return { text: patched.text ?? '', diagnostics };
}

export { readK3s } from './k3s-read.js';
