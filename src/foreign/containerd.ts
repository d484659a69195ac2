// containerd's registry settings on a node → spec entries: certs.d/<host>/hosts.toml (a `server` other
// than the upstream means "no fallback", as mirrorctl renders it) and config.toml's legacy CRI
// `mirrors`/`configs`, as formats/containerd-config.ts reads them.
import path from 'node:path/posix';
import type { Diagnostic } from '../diagnostics.js';
import { readContainerdConfig } from '../formats/containerd-config.js';
import { getPath, isTable, parseTomlVerbatim, type TomlTable } from '../toml/parse.js';
import { mirrorFromHostUrl } from './containerd-host-url.js';
import { authEntry, type Credentials } from './credentials-doc.js';
import type { EntryDoc, MirrorDoc } from './spec-doc.js';

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** What containerd contacts when no hosts.toml says otherwise. */
const upstreamUrl = (host: string): string =>
  host === 'docker.io' ? 'https://registry-1.docker.io' : `https://${host}`;

const sameUrl = (a: string, b: string): boolean =>
  a.replace(/\/+$/, '').replace(/\/v2$/, '') === b.replace(/\/+$/, '').replace(/\/v2$/, '');

function tlsOf(t: TomlTable, dir: string): MirrorDoc['tls'] | undefined {
  const tls: NonNullable<MirrorDoc['tls']> = {};
  const abs = (p: string): string => (p.startsWith('/') ? p : path.join(dir, p));
  if (t.skip_verify === true) tls.insecureSkipVerify = true;
  if (typeof t.ca === 'string') tls.caFile = abs(t.ca);
  else if (strings(t.ca)[0]) tls.caFile = abs(strings(t.ca)[0]!);
  const client = t.client;
  const pair = Array.isArray(client) && Array.isArray(client[0]) ? strings(client[0]) : strings(client);
  if (typeof client === 'string') tls.certFile = abs(client);
  else if (pair.length === 2) {
    tls.certFile = abs(pair[0]!);
    tls.keyFile = abs(pair[1]!);
  }
  return Object.keys(tls).length > 0 ? tls : undefined;
}

function hostMirror(url: string, t: TomlTable, dir: string): MirrorDoc {
  const m = mirrorFromHostUrl(url, t.override_path === true);
  const caps = strings(t.capabilities);
  if (caps.length > 0 && caps.join() !== 'pull,resolve') {
    if (caps.join() === 'pull') m.pullFrom = 'digest-only';
    else m.capabilities = caps;
  }
  const tls = tlsOf(t, dir);
  if (tls) m.tls = tls;
  if (isTable(t.header))
    m.headers = Object.fromEntries(
      Object.entries(t.header).map(([k, v]) => [k, typeof v === 'string' ? [v] : strings(v)]),
    );
  if (typeof t.dial_timeout === 'string') m.dialTimeout = t.dial_timeout;
  return m;
}

/** One hosts.toml → one entry; `dirName` is the certs.d directory (`_default` = every registry). */
export function hostsTomlEntry(
  dirName: string,
  text: string,
  file: string,
): { entry?: EntryDoc; diagnostics: Diagnostic[] } {
  const parsed = parseTomlVerbatim(text);
  if (!parsed.ok) {
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'import.hosts-toml.parse',
          file,
          // `Error: ` + the parser's first line: what String(err) printed here before.
          message: `containerd cannot read it either: Error: ${parsed.error}`,
        },
      ],
    };
  }
  const doc = parsed.value;
  const source = dirName === '_default' ? '*' : dirName;
  const dir = path.dirname(file);
  const mirrors: MirrorDoc[] = [];
  const hosts = isTable(doc.host) ? doc.host : {};
  for (const [url, t] of Object.entries(hosts))
    if (isTable(t)) mirrors.push(hostMirror(url.includes('://') ? url : `https://${url}`, t, dir));
  const server = typeof doc.server === 'string' ? doc.server : undefined;
  const upstream = source === '*' ? undefined : upstreamUrl(source);
  // mirrorctl's rendering of fallback: false: the last mirror is also `server`, so nothing else is
  // contacted; a hand-made `server` that is not a listed host is one more mirror.
  const fallback = server === undefined || (upstream !== undefined && sameUrl(server, upstream));
  const listed = Object.keys(hosts).some((u) => sameUrl(u, server ?? ''));
  if (!fallback && server !== undefined && !listed) mirrors.push(hostMirror(server, doc, dir));
  if (mirrors.length === 0) return { diagnostics: [] };
  return { entry: { source, ...(fallback ? {} : { fallback: false }), mirrors }, diagnostics: [] };
}

/** Legacy CRI mirrors of config.toml (containerd tries the upstream after the endpoints). */
export function legacyEntries(
  text: string,
  file: string,
): { entries: EntryDoc[]; diagnostics: Diagnostic[]; credentials?: Credentials } {
  const parsed = parseTomlVerbatim(text);
  if (!parsed.ok) {
    return {
      entries: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'import.config-toml.parse',
          file,
          message: `Error: ${parsed.error}`,
        },
      ],
    };
  }
  const config = readContainerdConfig(parsed.value);
  // configs.auth applies with config_path too (hosts.toml mirrors): its credentials are offered to
  // whichever entries name those hosts (credentials-doc.ts), never copied into the spec.
  const credentials: Credentials = {};
  for (const [h, a] of Object.entries(config.legacyAuths)) {
    const entry = authEntry(a.username, a.password, a.auth, a.identitytoken);
    if (entry) credentials[h] = entry;
  }
  const found = Object.keys(credentials).length > 0 ? { credentials } : {};
  // Nothing to import (and nothing to warn about) without a legacy mirrors table.
  if (!isTable(getPath(parsed.value, [...config.registryTableKeys, 'mirrors']))) {
    return { entries: [], diagnostics: [], ...found };
  }
  const entries: EntryDoc[] = [];
  for (const [host, endpoints] of Object.entries(config.legacyMirrors)) {
    const mirrors = endpoints
      .filter((u) => host === '*' || !sameUrl(u, upstreamUrl(host)))
      .map((u): MirrorDoc => {
        // Legacy endpoints use their path verbatim as the API root; only an empty path means /v2.
        const p = /^[a-z]+:\/\/[^/]+(\/.*)?$/.exec(u.replace(/\/+$/, ''))?.[1] ?? '';
        const doc = mirrorFromHostUrl(u, p !== '' && p !== '/v2');
        const t = config.legacyTlsConfigs[/^[a-z]+:\/\/([^/]+)/.exec(u)?.[1] ?? u];
        if (t) {
          const tls: NonNullable<MirrorDoc['tls']> = {};
          if (t.insecureSkipVerify === true) tls.insecureSkipVerify = true;
          if (t.caFile) tls.caFile = t.caFile;
          if (t.certFile) tls.certFile = t.certFile;
          if (t.keyFile) tls.keyFile = t.keyFile;
          if (Object.keys(tls).length > 0) doc.tls = tls;
        }
        return doc;
      });
    if (mirrors.length > 0) entries.push({ source: host, mirrors });
  }
  const diagnostics: Diagnostic[] = config.legacyAuthHosts
    .filter((h) => credentials[h] === undefined)
    .map((h) => ({
      severity: 'warning' as const,
      code: 'import.legacy.auth',
      file,
      field: `configs."${h}".auth`,
      message: `configs."${h}".auth holds no username/password, auth or identitytoken; left out`,
    }));
  return { entries, diagnostics, ...found };
}
