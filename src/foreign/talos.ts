// Talos: the machine config owns /etc/cri/conf.d/hosts; mirrorctl emits a patch for `talosctl patch mc
// --patch @file`: the `RegistryMirrorConfig` + `RegistryTLSConfig` documents of Talos ≥ 1.12
// (talos-documents.ts), or for older Talos the `machine.registries` of the v1alpha1 machine config
// (talos-machine-config.ts, which also picks the shape from the version). Talos writes containerd
// hosts.toml from either, so the URL rules are containerd's (override_path, no repository renames).
// Reading takes both shapes.
import type { Diagnostic } from '../diagnostics.js';
import { containerdHostUrl } from '../render/containerd-mirror-url.js';
import type { MirrorSet, RegistryEntry, SpecAssets } from '../spec/types.js';
import { isRecord, type JsonRecord } from '../util/is-record.js';
import type { Version } from '../util/version.js';
import { mirrorFromHostUrl } from './containerd-host-url.js';
import { authEntry, type Credentials } from './credentials-doc.js';
import { credentialsLeftOut, mirrorPlainAuth, type PlainAuth } from './foreign-auth.js';
import { renderDiagnosticsInto } from './render-diagnostic.js';
import type { EntryDoc, ReadResult, WriteOptions, Written } from './spec-doc.js';
import { type TalosDoc, talosDocuments } from './talos-documents.js';
import {
  type MachineConfigPatch,
  machineConfigPatch,
  parseTalosVersion,
  type TalosMirror,
  type TalosPatchShape,
  type TalosTls,
  talosPatchShape,
} from './talos-machine-config.js';
import { readYamlDocs, writeYamlDocs } from './yaml-docs.js';

export const TALOS_PATCH_COMMAND = 'talosctl patch mc --nodes <node> --patch @talos-registry-mirrors.yaml';

const appliesToTalos = (e: RegistryEntry): boolean => e.only === undefined || e.only.includes('containerd');

function entryDiagnostics(e: RegistryEntry): Diagnostic[] {
  const out: Diagnostic[] = [];
  const add = renderDiagnosticsInto(out, 'talos');
  const at = `spec.registries[${e.index}]`;
  if (e.sourceHost.startsWith('*.'))
    add(
      'error',
      'wildcard-domain',
      `${at}.source`,
      `Talos mirrors are keyed by registry host or "*"; ${e.source} cannot be expressed`,
      'list the registry hosts explicitly',
    );
  if (e.sourcePath !== '')
    add(
      'warning',
      'prefix-scope',
      `${at}.source`,
      `Talos mirrors whole registries: every image of ${e.sourceHost}, not only ${e.source}/…, goes to the mirrors first`,
      'make sure the mirror answers 404 quickly for repositories it does not hold',
    );
  e.mirrors.forEach((m, j) => {
    const f = `${at}.mirrors[${j}]`;
    if (m.pullFrom !== 'all')
      add(
        'error',
        'pull-from',
        `${f}.pullFrom`,
        `Talos endpoints have no capabilities; pullFrom ${m.pullFrom} cannot be expressed`,
        'use pullFrom: all for this target',
      );
    if (Object.keys(m.headers).length > 0)
      add(
        'error',
        'headers',
        `${f}.headers`,
        'Talos registry config has no request headers (only auth)',
        'use a RegistryAuthConfig document for credentials',
      );
    if (m.dialTimeout !== undefined)
      add(
        'warning',
        'dial-timeout',
        `${f}.dialTimeout`,
        `Talos has no per-endpoint dial timeout; ${m.dialTimeout} is dropped`,
        'remove dialTimeout for this target',
      );
  });
  return out;
}

export interface TalosOptions {
  /** The nodes' Talos version: below 1.12 the machine.registries patch, else the documents. */
  version?: Version;
  /** Write mirror credentials (RegistryAuthConfig / config.<host>.auth): output to a 0600 file only. */
  withCredentials?: boolean;
}

export interface TalosOutput {
  /** RegistryMirrorConfig + RegistryTLSConfig documents (Talos ≥ 1.12), or one machine config patch. */
  docs: (TalosDoc | MachineConfigPatch)[];
  shape: TalosPatchShape;
  diagnostics: Diagnostic[];
}

export function specToTalos(set: MirrorSet, assets: SpecAssets, opts: TalosOptions = {}): TalosOutput {
  const diagnostics: Diagnostic[] = [];
  const mirrors: TalosMirror[] = [];
  const tls = new Map<string, TalosTls>();
  const auth = new Map<string, PlainAuth>();
  const seen = new Map<string, RegistryEntry>();
  for (const e of set.registries.filter(appliesToTalos)) {
    const first = seen.get(e.sourceHost);
    if (first) {
      diagnostics.push({
        severity: 'error',
        code: 'render.talos.host-conflict',
        field: `spec.registries[${e.index}].source`,
        target: 'talos',
        message: `${e.source} and ${first.source} (spec.registries[${first.index}]) would both be RegistryMirrorConfig ${e.sourceHost}`,
        hint: 'merge the entries into one per registry host',
      });
      continue;
    }
    seen.set(e.sourceHost, e);
    const problems = entryDiagnostics(e);
    const endpoints: TalosMirror['endpoints'] = [];
    e.mirrors.forEach((m, j) => {
      const r = containerdHostUrl(e, j, 'containerd');
      if (!r.ok) {
        problems.push({ ...r.diagnostic, code: 'render.talos.remap', target: 'talos' });
        return;
      }
      const origin = `${m.scheme}://${m.host}`;
      endpoints.push({ url: r.host.url, overridePath: r.host.overridePath, apiRoot: r.host.apiRoot, origin });
      const a = opts.withCredentials
        ? mirrorPlainAuth(m, assets, `spec.registries[${e.index}].mirrors[${j}].auth`, 'talos')
        : undefined;
      problems.push(...(a?.diagnostics ?? []));
      if (a?.auth) auth.set(m.host, a.auth);
      if (m.scheme !== 'https') return;
      const t: TalosTls = { ...tls.get(m.host) };
      if (m.tls.caFile !== undefined && assets[m.tls.caFile] !== undefined) t.ca = assets[m.tls.caFile];
      const cert = m.tls.certFile === undefined ? undefined : assets[m.tls.certFile];
      const key = m.tls.keyFile === undefined ? undefined : assets[m.tls.keyFile];
      if (cert !== undefined && key !== undefined) t.clientIdentity = { crt: cert, key };
      if (m.tls.insecureSkipVerify) t.insecureSkipVerify = true;
      if (t.ca !== undefined || t.clientIdentity !== undefined || t.insecureSkipVerify) tls.set(m.host, t);
    });
    diagnostics.push(...problems);
    if (problems.some((d) => d.severity === 'error')) continue;
    mirrors.push({ name: e.sourceHost, index: e.index, endpoints, skipFallback: !e.fallback });
  }
  if (!opts.withCredentials) diagnostics.push(...credentialsLeftOut(set, 'talos'));
  const shape = talosPatchShape(opts.version);
  if (shape === 'machine-config' && opts.version) {
    const r = machineConfigPatch(mirrors, tls, opts.version, auth);
    return { docs: [r.patch], shape, diagnostics: [...diagnostics, ...r.diagnostics] };
  }
  return { docs: talosDocuments(mirrors, tls, auth), shape, diagnostics };
}

/** The header of the patch: which Talos it is for, and how to apply it. */
export function talosHeader(set: MirrorSet, shape: TalosPatchShape, version: Version | undefined): string {
  const forWhat =
    shape === 'machine-config'
      ? `machine.registries for Talos ${version?.major}.${version?.minor} (before 1.12)`
      : version
        ? `RegistryMirrorConfig documents for Talos ${version.major}.${version.minor}`
        : 'RegistryMirrorConfig documents for Talos 1.12+ (older Talos: --talos-version)';
  return `# mirrorctl MirrorSet "${set.name}": Talos machine config patch, ${forWhat}; mirrorctl does not write files on Talos.\n# Apply: ${TALOS_PATCH_COMMAND}\n`;
}

/** `convert --to talos`: the patch under a header saying which Talos it is for and how to apply it. */
export function writeTalos(set: MirrorSet, assets: SpecAssets, opts: WriteOptions = {}): Written {
  const version = opts.talosVersion === undefined ? undefined : parseTalosVersion(opts.talosVersion);
  const r = specToTalos(set, assets, {
    ...(version ? { version } : {}),
    ...(opts.withCredentials ? { withCredentials: true } : {}),
  });
  return {
    text: `${talosHeader(set, r.shape, version)}${writeYamlDocs(r.docs)}`,
    diagnostics: r.diagnostics,
  };
}

// Reading: documents and machine.registries alike; inline PEMs are reported, credentials returned
// for a reference (credentials-doc.ts), never carried into the spec.
interface Tls {
  insecure: boolean;
  hasCa: boolean;
  hasClient: boolean;
}

const hostOf = (url: string): string => /^[a-z]+:\/\/([^/]+)/.exec(url)?.[1] ?? url;

function collect(docs: unknown[]): {
  mirrors: { name: string; endpoints: { url: string; overridePath: boolean }[]; skipFallback: boolean }[];
  tls: Map<string, Tls>;
  auth: Credentials;
} {
  const mirrors: {
    name: string;
    endpoints: { url: string; overridePath: boolean }[];
    skipFallback: boolean;
  }[] = [];
  const tls = new Map<string, Tls>();
  const auth: Credentials = {};
  const take = (host: string, a: JsonRecord): void => {
    const str = (k: string): string | undefined => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
    const entry = authEntry(str('username'), str('password'), str('auth'), str('identityToken'));
    if (entry) auth[host] ??= entry;
  };
  const endpointsOf = (v: unknown, override: boolean): { url: string; overridePath: boolean }[] =>
    Array.isArray(v)
      ? v.flatMap((e) =>
          typeof e === 'string'
            ? [{ url: e, overridePath: override }]
            : isRecord(e) && typeof e.url === 'string'
              ? [{ url: e.url, overridePath: e.overridePath === true }]
              : [],
        )
      : [];
  const tlsOf = (t: JsonRecord): Tls => ({
    insecure: t.insecureSkipVerify === true,
    hasCa: t.ca !== undefined,
    hasClient: t.clientIdentity !== undefined,
  });
  for (const d of docs) {
    if (!isRecord(d)) continue;
    if (d.kind === 'RegistryMirrorConfig' && typeof d.name === 'string')
      mirrors.push({
        name: d.name,
        endpoints: endpointsOf(d.endpoints, false),
        skipFallback: d.skipFallback === true,
      });
    else if (d.kind === 'RegistryTLSConfig' && typeof d.name === 'string') tls.set(d.name, tlsOf(d));
    else if (d.kind === 'RegistryAuthConfig' && typeof d.name === 'string') take(d.name, d);
    const registries = isRecord(d.machine) ? d.machine.registries : undefined;
    if (isRecord(registries)) {
      if (isRecord(registries.mirrors))
        for (const [name, m] of Object.entries(registries.mirrors))
          if (isRecord(m))
            mirrors.push({
              name,
              endpoints: endpointsOf(m.endpoints, m.overridePath === true),
              skipFallback: m.skipFallback === true,
            });
      if (isRecord(registries.config))
        for (const [host, c] of Object.entries(registries.config)) {
          if (!isRecord(c)) continue;
          if (isRecord(c.tls)) tls.set(host, tlsOf(c.tls));
          if (isRecord(c.auth)) take(host, c.auth);
        }
    }
  }
  return { mirrors, tls, auth };
}

function talosToEntries(
  docs: unknown[],
  file: string,
): { entries: EntryDoc[]; diagnostics: Diagnostic[]; credentials: Credentials } {
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
  // Credentials become a reference (credentials-doc.ts), never a spec field.
  return { entries, diagnostics, credentials: auth };
}

export function readTalos(text: string, file: string): ReadResult {
  const parsed = readYamlDocs(text, file);
  const r = talosToEntries(parsed.docs, file);
  return {
    entries: r.entries,
    diagnostics: [...parsed.diagnostics, ...r.diagnostics],
    ...(Object.keys(r.credentials).length > 0 ? { credentials: r.credentials } : {}),
  };
}
