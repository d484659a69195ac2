// containerd target: one `certs.d/<host>/hosts.toml` per source registry host (runtime-semantics.md
// §1.5–1.6, §6). Pure: spec + context → files + diagnostics. What containerd cannot express is an
// error naming the entry, never a silently different config.
//
// Decisions (why):
// - `server` is always explicit: `https://registry-1.docker.io` for docker.io (https://docker.io is a
//   web redirect), `https://H` otherwise; none for `_default`, whose upstream is the image's own host.
// - fallback: false → the mirrors are the only hosts and the LAST mirror becomes `server` (containerd
//   tries `[host]` tables in file order and `server` last, so the spec order is kept and nothing is
//   tried twice). A single mirror is both the `[host]` table and `server`, because 1.5–1.7.31 reject a
//   hosts.toml without any `[host]` table (containerd#10027).
// - Several entries for one host (`icr.io/a`, `icr.io/b`): containerd picks hosts.toml by registry
//   host only, so they can share one file only when they render identically; otherwise each extra
//   entry is a `render.containerd.host-conflict` error (merge them, or target crio).
// - pullFrom: digest-only → capabilities without `resolve` (tags are resolved elsewhere, digests and
//   blobs come from the mirror). tag-only is not expressible: containerd uses a host for tag
//   resolution only if it may also pull (`pull`+`resolve`), and then it serves digest refs too.
import type { Diagnostic } from '../diagnostics.js';
import { type ContainerdGates, containerdGates } from '../formats/containerd-versions.js';
import type { MirrorSet, RegistryEntry } from '../spec/types.js';
import { authHeader } from './containerd-auth.js';
import { hostScopeWarning, lintContainerdMirror } from './containerd-hosts-lints.js';
import { formatHostsToml, type HostSettings } from './containerd-hosts-toml.js';
import { containerdHostUrl } from './containerd-mirror-url.js';
import { TlsFileSet } from './containerd-tls-files.js';
import { managedHeader } from './header.js';
import { unsafeNames } from './name-guard.js';
import type { RenderContext, RenderedFile, RenderResult } from './types.js';

/** certs.d directory for a source host: `host:port` verbatim, `_default` for `*` (§1.5). */
export const containerdHostsDir = (sourceHost: string): string =>
  sourceHost === '*' ? '_default' : sourceHost;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

/** The upstream `server` containerd would use itself, spelled out (§1.6). */
export function upstreamServer(sourceHost: string): string | undefined {
  if (sourceHost === '*') return undefined;
  if (sourceHost === 'docker.io') return 'https://registry-1.docker.io';
  // containerd defaults loopback registries on ports other than 443 to plain HTTP (1.6.9+).
  if (LOOPBACK.test(sourceHost) && !sourceHost.endsWith(':443')) return `http://${sourceHost}`;
  return `https://${sourceHost}`;
}

export const appliesToContainerd = (e: RegistryEntry): boolean => !e.only || e.only.includes('containerd');

export function renderContainerdHosts(set: MirrorSet, ctx: RenderContext): RenderResult {
  const unsafe = unsafeNames(set, 'containerd');
  if (unsafe.length > 0) return { files: [], diagnostics: unsafe };
  const gates = containerdGates(ctx.runtimeVersion);
  const files: RenderedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const byDir = new Map<string, RegistryEntry[]>();
  for (const e of set.registries.filter(appliesToContainerd)) {
    const dir = containerdHostsDir(e.sourceHost);
    byDir.set(dir, [...(byDir.get(dir) ?? []), e]);
  }
  for (const [dir, entries] of byDir) {
    const first = entries[0]!;
    const conflicts = entries.slice(1).filter((e) => !sameRouting(first, e));
    for (const e of conflicts) diagnostics.push(hostConflict(first, e));
    for (const e of entries) {
      const w = hostScopeWarning(e);
      if (w) diagnostics.push(w);
    }
    if (conflicts.length > 0) continue;
    const r = renderHostsFile(first, dir, gates, ctx, set.name);
    files.push(...r.files);
    diagnostics.push(...r.diagnostics);
  }
  return { files, diagnostics };
}

const routingKey = (e: RegistryEntry): string => JSON.stringify({ f: e.fallback, m: e.mirrors });
const sameRouting = (a: RegistryEntry, b: RegistryEntry): boolean => routingKey(a) === routingKey(b);

function hostConflict(first: RegistryEntry, e: RegistryEntry): Diagnostic {
  return {
    severity: 'error',
    code: 'render.containerd.host-conflict',
    field: `spec.registries[${e.index}].source`,
    target: 'containerd',
    message:
      `${e.source} and ${first.source} (spec.registries[${first.index}]) need different mirrors, but containerd ` +
      `reads one certs.d/${containerdHostsDir(e.sourceHost)}/hosts.toml for every repository of ${e.sourceHost}`,
    hint: 'give both entries the same mirrors and fallback (one host-wide list), or target crio, which matches by prefix',
  };
}

function gateErrors(entry: RegistryEntry, gates: ContainerdGates): Diagnostic[] {
  const out: Diagnostic[] = [];
  const field = `spec.registries[${entry.index}].source`;
  const need = (ok: boolean, what: string, version: string): void => {
    if (ok) return;
    out.push({
      severity: gates.known ? 'error' : 'warning',
      code: 'render.containerd.version',
      field,
      target: 'containerd',
      message: gates.known
        ? `${what} needs containerd ${version}+, the node runs ${gates.version.major}.${gates.version.minor}.${gates.version.patch}`
        : `${what} needs containerd ${version}+ (runtime version unknown)`,
      hint: `upgrade containerd to ${version}+, or list the registries explicitly instead`,
    });
  };
  if (entry.sourceHost === '*') need(gates.defaultDir, 'a "*" entry (certs.d/_default)', '1.6.17');
  if (entry.sourceHost.startsWith('[')) need(gates.ipv6Hosts, 'an IPv6 registry host', '1.7');
  return out;
}

function renderHostsFile(
  entry: RegistryEntry,
  dir: string,
  gates: ContainerdGates,
  ctx: RenderContext,
  specName: string,
): RenderResult {
  const diagnostics = gateErrors(entry, gates);
  const dirPath = `${ctx.paths.certsDir}/${dir}`;
  const tls = new TlsFileSet(dirPath, ctx.assets, 'containerd');
  const hosts: HostSettings[] = [];
  const hostIndex: number[] = []; // mirror index of each hosts[] entry
  entry.mirrors.forEach((m, j) => {
    const field = `spec.registries[${entry.index}].mirrors[${j}]`;
    const url = containerdHostUrl(entry, j, 'containerd');
    if (!url.ok) {
      diagnostics.push(url.diagnostic);
      return;
    }
    diagnostics.push(...lintContainerdMirror(entry, j, url.host));
    if (url.host.overridePath && !gates.overridePath) {
      diagnostics.push({
        severity: 'error',
        code: 'render.containerd.version',
        field: `${field}.url`,
        target: 'containerd',
        message:
          'this mirror needs override_path, which containerd 1.5 ignores (it would append /v2 to the path)',
        hint: 'upgrade containerd to 1.6+, or use a mirror URL without a path',
      });
    }
    if (m.pullFrom === 'tag-only') {
      diagnostics.push({
        severity: 'error',
        code: 'render.containerd.tag-only',
        field: `${field}.pullFrom`,
        target: 'containerd',
        message:
          'containerd cannot limit a mirror to tags: a host resolves tags only with pull+resolve, and then it also serves digests',
        hint: 'use pullFrom: all (tags and digests from the mirror), or target crio (pull-from-mirror: tag-only)',
      });
      return;
    }
    const h: HostSettings = {
      url: url.host.url,
      capabilities:
        m.pullFrom === 'digest-only' ? m.capabilities.filter((c) => c !== 'resolve') : [...m.capabilities],
    };
    if (m.scheme === 'https') {
      // TLS keys only on https hosts: on http:// they make newer containerd try HTTPS first (§1.6).
      h.skipVerify = m.tls.insecureSkipVerify;
      const refs = tls.add(entry, j, m);
      if (refs.ca) h.ca = refs.ca;
      if (refs.client) h.client = refs.client;
    }
    if (url.host.overridePath) h.overridePath = true;
    if (m.dialTimeout !== undefined) {
      if (gates.dialTimeout) h.dialTimeout = m.dialTimeout;
      else diagnostics.push(dialTimeoutDropped(entry, j, gates));
    }
    const header = { ...m.headers, ...authHeader(entry, j, ctx, diagnostics) };
    if (Object.keys(header).length > 0) h.header = header;
    const dup = hosts.findIndex((x) => x.url === h.url);
    if (dup < 0) {
      hosts.push(h);
      hostIndex.push(j);
    } else
      diagnostics.push(
        duplicateHost(entry, hostIndex[dup]!, j, JSON.stringify(hosts[dup]) === JSON.stringify(h)),
      );
  });
  diagnostics.push(...tls.diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { files: [], diagnostics };

  // fallback: false → the last mirror is `server`; keep at least one [host] table (see file comment).
  const server = entry.fallback ? undefined : hosts[hosts.length - 1]!;
  const tables = entry.fallback || hosts.length === 1 ? hosts : hosts.slice(0, -1);
  const secret = hosts.some((h) => h.header !== undefined);
  const content = formatHostsToml({
    header: [
      managedHeader(specName).trimEnd(),
      `# ${entry.source} (spec.registries[${entry.index}]): ${describe(entry)}`,
    ],
    server: server ? server.url : upstreamServer(entry.sourceHost),
    root: server,
    hosts: tables,
  });
  const hostsFile: RenderedFile = {
    path: `${dirPath}/hosts.toml`,
    content,
    mode: secret ? 0o600 : 0o644,
    ...(secret ? { secret: true } : {}),
  };
  // Cert files first: containerd fails every pull whose hosts.toml names a missing cert (§1.6).
  return { files: [...tls.files, hostsFile], diagnostics };
}

function describe(entry: RegistryEntry): string {
  const mirrors = `${entry.mirrors.length} mirror${entry.mirrors.length === 1 ? '' : 's'}`;
  return entry.fallback
    ? `${mirrors}, then the upstream registry`
    : `${mirrors} only, upstream never contacted`;
}

// Two mirrors can map to one `[host."URL"]` key (e.g. api-root `M/v2/p` and namespace `M/p/<prefix>`);
// TOML holds one table per key, so identical settings collapse and different ones cannot be expressed.
function duplicateHost(entry: RegistryEntry, first: number, j: number, identical: boolean): Diagnostic {
  const field = `spec.registries[${entry.index}].mirrors[${j}]`;
  return identical
    ? {
        severity: 'info',
        code: 'render.containerd.duplicate-host',
        field,
        target: 'containerd',
        message: `same containerd host as mirrors[${first}]; written once (containerd would only retry it)`,
      }
    : {
        severity: 'error',
        code: 'render.containerd.duplicate-host',
        field,
        target: 'containerd',
        message: `maps to the same [host."…"] table as mirrors[${first}] but with different settings; hosts.toml holds one table per URL`,
        hint: `merge the two mirrors into one, or remove mirrors[${j}]`,
      };
}

function dialTimeoutDropped(entry: RegistryEntry, j: number, gates: ContainerdGates): Diagnostic {
  const v = gates.known ? `${gates.version.major}.${gates.version.minor}.${gates.version.patch}` : 'unknown';
  return {
    severity: 'info',
    code: 'render.containerd.dial-timeout-dropped',
    field: `spec.registries[${entry.index}].mirrors[${j}].dialTimeout`,
    target: 'containerd',
    message: `dial_timeout not written: containerd supports it from 2.0.7/2.1 (node version: ${v})`,
    hint: 'pass --runtime-version when the node runs a newer containerd',
  };
}
