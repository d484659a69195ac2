// containerd's hosts.toml reader (core/remotes/docker/config/hosts.go parseHostsFile,
// parseHostConfig, ConfigureHosts; 1.x: remotes/docker/config/hosts.go): ordered [host] tables,
// then the root `server` last, with the /v2 and override_path rules and the implicit upstream.
import { parse as parseToml } from 'smol-toml';
import { versionAtLeast } from '../util/version.js';

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

export type HostsFileResult = { ok: true; hosts: RegistryHost[] } | { ok: false; error: string };

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

const KNOWN_CAPS = ['pull', 'resolve', 'push'];

function parseHostConfig(server: string, cfg: Table, version: string | undefined): RegistryHost | string {
  const caps = cfg.capabilities;
  let pull = true;
  let resolve = true;
  if (Array.isArray(caps) && caps.length > 0) {
    pull = false;
    resolve = false;
    const referrersKnown = versionAtLeast(version, [2, 2, 0]) === true;
    for (const c of caps) {
      const v = String(c).toLowerCase();
      if (v === 'pull') pull = true;
      else if (v === 'resolve') resolve = true;
      else if (!KNOWN_CAPS.includes(v) && !(v === 'referrers' && referrersKnown))
        return `unknown capability ${c}`;
    }
  }
  const overridePath = cfg.override_path === true;
  const tlsConfigured = cfg.skip_verify !== undefined || cfg.ca !== undefined || cfg.client !== undefined;
  const base = { pull, resolve, tlsConfigured, overridePath };
  if (server === '') return { ...base, scheme: '', host: '', path: '', origin: { kind: 'default' } };
  const withScheme = server.startsWith('http') ? server : `https://${server}`;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(withScheme);
  if (!m) return `unable to parse server ${server}`;
  let path = m[3] ?? '';
  if (path.length > 0) {
    path = cleanPath(path);
    if (!path.endsWith('/v2') && !overridePath) path = `${path}/v2`;
  } else if (!overridePath) path = '/v2';
  return { ...base, scheme: m[1] ?? 'https', host: m[2] ?? '', path, origin: { kind: 'default' } };
}

/** Go's path.Clean for absolute URL paths: collapse slashes and dots, drop a trailing slash. */
export function cleanPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/**
 * parseHostsFile. `version` gates what older containerd rejects: a file without any [host] table
 * (1.5 → 1.7.31: "invalid `host` tree") and the `referrers` capability (< 2.2).
 */
export function parseHostsToml(text: string, version: string | undefined): HostsFileResult {
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch (e) {
    return { ok: false, error: `failed to parse TOML: ${(e as Error).message.split('\n')[0]}` };
  }
  const hostTree = doc.host;
  const hostless = !isTable(hostTree);
  const tolerant = versionAtLeast(version, [2, 0, 0]) === true || isPatchAtLeast(version, 1, 7, 32);
  if (hostless && !tolerant) return { ok: false, error: 'invalid `host` tree' };
  const hosts: RegistryHost[] = [];
  let index = 0;
  for (const [url, cfg] of Object.entries(isTable(hostTree) ? hostTree : {})) {
    index += 1;
    const parsed = parseHostConfig(url, isTable(cfg) ? cfg : {}, version);
    if (typeof parsed === 'string') return { ok: false, error: parsed };
    hosts.push({ ...parsed, origin: { kind: 'host', index } });
  }
  const server = typeof doc.server === 'string' ? doc.server : '';
  const root = parseHostConfig(server, doc, version);
  if (typeof root === 'string') return { ok: false, error: root };
  hosts.push({ ...root, origin: server === '' ? { kind: 'default' } : { kind: 'server' } });
  return { ok: true, hosts };
}

/** 1.7.32+ within the 1.7 line (the host-less fix was backported there only). */
function isPatchAtLeast(version: string | undefined, major: number, minor: number, patch: number): boolean {
  const m = version === undefined ? null : /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m !== null && Number(m[1]) === major && Number(m[2]) === minor && Number(m[3]) >= patch;
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
