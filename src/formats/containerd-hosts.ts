// containerd's hosts.toml reader, a port of (core/)remotes/docker/config/hosts.go parseHostsFile +
// parseHostConfig and config_unix.go hostPaths (§1.5–1.6): what a version rejects or degrades, then
// [host] tables in file order and the server last, with the /v2 + override_path rules.
import type { Diagnostic } from '../diagnostics.js';
import { isTable, parseToml, parseTomlVerbatim, type TomlTable } from '../toml/parse.js';
import { type ContainerdGates, containerdGates } from './containerd-versions.js';

export interface RegistryHost {
  scheme: string;
  /** host[:port] as written (Go's url.Parse keeps an explicit :443). */
  host: string;
  /** API root, e.g. `/v2`, `/v2/dpod`, or '' (override_path with no path). */
  path: string;
  pull: boolean;
  resolve: boolean;
  /** skip_verify, ca or client set on this host (matters for http:// hosts, see httpsFirst). */
  tlsConfigured: boolean;
  overridePath: boolean;
  /** 'host' = a [host."…"] table (1-based index), 'server' = explicit root server, 'default' = implicit. */
  origin: { kind: 'host'; index: number } | { kind: 'server' } | { kind: 'default' };
}

/** Keys whose value containerd's decoder or parseHostConfig refuses when it has the wrong type. */
export type TypedKey =
  | 'host'
  | 'server'
  | 'capabilities'
  | 'skip_verify'
  | 'override_path'
  | 'ca'
  | 'client'
  | 'header';

/** `where` is 'root' (the keys that apply to `server`) or `[host."URL"]`. */
export type HostsTomlFinding =
  /** A value of the wrong type: the whole file is rejected. */
  | { kind: 'type'; where: string; key: TypedKey }
  /** No `host` tree: 1.5 → 1.7.31 reject the file ("invalid `host` tree"). */
  | { kind: 'no-host' }
  /** A capability this version does not know (`referrers` before 2.2): the whole file is rejected. */
  | { kind: 'capability'; where: string; value: string }
  /** A URL this reader cannot take apart (containerd's url.Parse is laxer; the check leaves it out). */
  | { kind: 'url'; where: string; url: string }
  /** Read, but ignored before 2.0.7/2.1. */
  | { kind: 'dial-timeout'; where: string }
  /** Read, but an http:// host with TLS keys is tried over HTTPS first (1.6.25+). */
  | { kind: 'http-tls'; where: string };

export interface HostsFile {
  /** The `toml.parse` error when the text is not TOML. */
  syntax?: Diagnostic;
  /** containerd's own reason when it rejects the file ("failed to decode hosts.toml"); else undefined. */
  error?: string;
  /** When read: the [host] tables in file order, then the root server (host '' = implicit upstream). */
  hosts: RegistryHost[];
  /** Findings in file order: the root keys first, then each [host] table. */
  findings: HostsTomlFinding[];
}

const KNOWN_CAPS = new Set(['pull', 'resolve', 'push', 'referrers']);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const clientOk = (v: unknown): boolean =>
  v === undefined ||
  typeof v === 'string' ||
  (Array.isArray(v) && v.every((x) => typeof x === 'string' || (isStringList(x) && x.length === 2)));
const headerOk = (v: unknown): boolean =>
  v === undefined || (isTable(v) && Object.values(v).every((x) => typeof x === 'string' || isStringList(x)));

/** Go's path.Clean for absolute URL paths: collapse slashes and dots, drop a trailing slash. */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** The findings of one table's keys, in the order the renderer's self-check reports them. */
function tableFindings(where: string, url: string, t: TomlTable, gates: ContainerdGates): HostsTomlFinding[] {
  const out: HostsTomlFinding[] = [];
  const caps = t.capabilities;
  if (caps !== undefined && !isStringList(caps)) out.push({ kind: 'type', where, key: 'capabilities' });
  for (const c of isStringList(caps) ? caps : []) {
    const lc = c.toLowerCase();
    if (!KNOWN_CAPS.has(lc) || (lc === 'referrers' && !gates.referrers))
      out.push({ kind: 'capability', where, value: c });
  }
  for (const key of ['skip_verify', 'override_path'] as const)
    if (t[key] !== undefined && typeof t[key] !== 'boolean') out.push({ kind: 'type', where, key });
  if (t.ca !== undefined && typeof t.ca !== 'string' && !isStringList(t.ca))
    out.push({ kind: 'type', where, key: 'ca' });
  if (!clientOk(t.client)) out.push({ kind: 'type', where, key: 'client' });
  if (!headerOk(t.header)) out.push({ kind: 'type', where, key: 'header' });
  if (t.dial_timeout !== undefined && !gates.dialTimeout) out.push({ kind: 'dial-timeout', where });
  const tls = t.skip_verify !== undefined || t.ca !== undefined || t.client !== undefined;
  if (url.startsWith('http://') && tls && gates.httpsFirstForHttpWithTls)
    out.push({ kind: 'http-tls', where });
  if (url !== '' && hostOf(url, t) === undefined) out.push({ kind: 'url', where, url });
  return out;
}

/** parseHostConfig's URL part: scheme, host and API root (/v2 appended unless override_path). */
function hostOf(server: string, t: TomlTable): Pick<RegistryHost, 'scheme' | 'host' | 'path'> | undefined {
  const overridePath = t.override_path === true;
  const withScheme = server.startsWith('http') ? server : `https://${server}`;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(withScheme);
  if (!m) return undefined;
  let path = m[3] ?? '';
  if (path.length > 0) {
    path = cleanPath(path);
    if (!path.endsWith('/v2') && !overridePath) path = `${path}/v2`;
  } else if (!overridePath) path = '/v2';
  return { scheme: m[1] ?? 'https', host: m[2] ?? '', path };
}

function registryHost(server: string, t: TomlTable, origin: RegistryHost['origin']): RegistryHost {
  const caps = isStringList(t.capabilities) ? t.capabilities.map((c) => c.toLowerCase()) : [];
  const all = caps.length === 0;
  const none = { scheme: '', host: '', path: '' };
  return {
    pull: all || caps.includes('pull'),
    resolve: all || caps.includes('resolve'),
    tlsConfigured: t.skip_verify !== undefined || t.ca !== undefined || t.client !== undefined,
    overridePath: t.override_path === true,
    ...((server === '' ? none : hostOf(server, t)) ?? none),
    origin,
  };
}

const DECODED = new Set<TypedKey>(['host', 'server', 'capabilities', 'skip_verify', 'override_path']);

/** containerd's order: the `host` tree, then decoding, then parseHostConfig per [host] table, root last. */
function rank(f: HostsTomlFinding): number {
  if (f.kind === 'no-host') return 0;
  if (f.kind === 'type' && DECODED.has(f.key)) return 1;
  return 'where' in f && f.where === 'root' ? 3 : 2;
}

function reason(f: HostsTomlFinding): string {
  switch (f.kind) {
    case 'no-host':
      return 'invalid `host` tree';
    case 'capability':
      return `unknown capability ${f.value}`;
    case 'url':
      return `unable to parse server ${f.url}`;
    case 'type':
      return `${f.where}: invalid type for "${f.key}"`;
    default:
      return '';
  }
}

const REJECTS: ReadonlySet<HostsTomlFinding['kind']> = new Set(['type', 'no-host', 'capability', 'url']);

/** parseHostsFile for containerd `runtimeVersion` (undefined: the oldest supported version). */
export function readHostsToml(text: string, runtimeVersion?: string, file?: string): HostsFile {
  const gates = containerdGates(runtimeVersion);
  const parsed = parseTomlVerbatim(text);
  if (!parsed.ok) {
    // The check reports the same failure as parseToml's `toml.parse` Diagnostic (with line/column).
    const syntax = parsed.line === undefined ? undefined : parseToml(text, file);
    return {
      ...(syntax && !syntax.ok ? { syntax: syntax.diagnostic } : {}),
      error: `failed to parse TOML: ${parsed.error}`,
      hosts: [],
      findings: [],
    };
  }
  const doc = parsed.value;
  const hostTree = doc.host;
  const entries = isTable(hostTree) ? Object.entries(hostTree) : [];
  const findings: HostsTomlFinding[] = [];
  if ((hostTree !== undefined && !isTable(hostTree)) || entries.some(([, t]) => !isTable(t)))
    findings.push({ kind: 'type', where: 'root', key: 'host' });
  if (!isTable(hostTree) && !gates.hostlessHostsToml) findings.push({ kind: 'no-host' });
  if (doc.server !== undefined && typeof doc.server !== 'string')
    findings.push({ kind: 'type', where: 'root', key: 'server' });
  const server = typeof doc.server === 'string' ? doc.server : '';
  const tables = entries.flatMap(([u, t]): [string, TomlTable][] => (isTable(t) ? [[u, t]] : []));
  findings.push(...tableFindings('root', server, doc, gates));
  for (const [u, t] of tables) findings.push(...tableFindings(`[host."${u}"]`, u, t, gates));

  const first = findings.filter((f) => REJECTS.has(f.kind)).sort((a, b) => rank(a) - rank(b))[0];
  if (first) return { error: reason(first), hosts: [], findings };
  const hosts = tables.map(([u, t], i) => registryHost(u, t, { kind: 'host', index: i + 1 }));
  hosts.push(registryHost(server, doc, server === '' ? { kind: 'default' } : { kind: 'server' }));
  return { hosts, findings };
}

/** hostDirectory: the last ':' becomes `_…_` (`registry:5000` → `registry_5000_`). */
export function hostDirectory(host: string): string {
  const idx = host.lastIndexOf(':');
  return idx > 0 ? `${host.slice(0, idx)}_${host.slice(idx + 1)}_` : host;
}

/** Candidate directories in lookup order (config_unix.go hostPaths); an unknown version gets `_default`. */
export function hostPaths(host: string, runtimeVersion: string | undefined): string[] {
  const gates = containerdGates(runtimeVersion);
  const dirs: string[] = [];
  const ch = hostDirectory(host);
  if (ch !== host) dirs.push(ch);
  dirs.push(host);
  if (!gates.known || gates.defaultDir) dirs.push('_default');
  return dirs;
}

/** An http:// host with TLS settings is tried over HTTPS first (then HTTP), depending on its port. */
export function httpsFirst(h: RegistryHost, runtimeVersion: string | undefined): boolean {
  if (h.scheme !== 'http' || !h.tlsConfigured) return false;
  const port = /:(\d+)$/.exec(h.host)?.[1];
  if (port === '80') return false;
  const gates = containerdGates(runtimeVersion);
  return port === undefined ? gates.httpsFirstAnyPort : gates.httpsFirstExplicitPort;
}

const isLocalhost = (host: string): boolean => {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '[::1]';
};

/** ConfigureHosts: an implicit upstream (no `server`) becomes the namespace itself, with all capabilities. */
export function fillDefaultHost(hosts: RegistryHost[], namespace: string): RegistryHost[] {
  const last = hosts[hosts.length - 1];
  if (last?.host !== '') return hosts;
  let scheme = 'https';
  let host = namespace;
  if (namespace === 'docker.io') host = 'registry-1.docker.io';
  else if (isLocalhost(namespace)) {
    const port = /:(\d+)$/.exec(namespace)?.[1] ?? '';
    scheme = port === '' || port === '443' ? 'https' : 'http';
  }
  const filled: RegistryHost = { ...last, scheme, host, path: '/v2', pull: true, resolve: true };
  return [...hosts.slice(0, -1), filled];
}
