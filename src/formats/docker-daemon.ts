// What dockerd reads from /etc/docker/daemon.json for pulls, ported from moby (daemon/config
// getConflictFreeConfiguration, registry/config.go ValidateMirror and isSecureIndex): the document,
// `registry-mirrors`, `insecure-registries`; plus `detect`'s summary of them.
import type { Diagnostic } from '../diagnostics.js';
import { isRecord, type JsonRecord } from '../util/is-record.js';
import { versionAtLeast } from '../util/version.js';

/** A JSON syntax error, with the place when the engine names one (V8's wording varies by Node version). */
export interface JsonSyntax {
  error: Error;
  line?: number;
  column?: number;
}

/** JSON.parse, with a syntax error kept as a value and its offset turned into line/column. */
export function parseJsonText(text: string): { ok: true; value: unknown } | ({ ok: false } & JsonSyntax) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    const pos = /position (\d+)/.exec(error.message);
    if (!pos) return { ok: false, error };
    const at = Number(pos[1]);
    const before = text.slice(0, at);
    return { ok: false, error, line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
  }
}

export interface DaemonJson {
  /** The top-level object; `{}` when the file is blank or is not an object. */
  doc: JsonRecord;
  /** False when the file holds JSON that is not an object (dockerd refuses it). */
  isObject: boolean;
  /** `registry-mirrors` as written (non-strings dropped); see validateMirror for what dockerd accepts. */
  registryMirrors: string[];
  /** `insecure-registries` as written: host[:port] or CIDR. */
  insecureRegistries: string[];
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** The registry keys of a parsed daemon.json value (anything that is not an object has none). */
export function daemonJsonOf(value: unknown): DaemonJson {
  const doc = isRecord(value) ? value : {};
  return {
    doc,
    isObject: isRecord(value),
    registryMirrors: strings(doc['registry-mirrors']),
    insecureRegistries: strings(doc['insecure-registries']),
  };
}

/** Reads daemon.json as dockerd does: absent or blank (whitespace only) is the empty configuration. */
export function readDaemonJson(
  text: string | null | undefined,
): ({ ok: true } & DaemonJson) | ({ ok: false } & JsonSyntax) {
  if (text === null || text === undefined || text.trim() === '') return { ok: true, ...daemonJsonOf({}) };
  const parsed = parseJsonText(text);
  return parsed.ok ? { ok: true, ...daemonJsonOf(parsed.value) } : parsed;
}

/** Engines before 24.0.8 (and 25.0) refuse a mirror URL with a path, failing to start with this. */
export const MIRROR_PATH_REFUSED = 'invalid mirror: path, query, or fragment at end of the URI';

/** Whether this engine accepts a path on a mirror URL (undefined: the version is unknown). */
export const mirrorPathAccepted = (version: string | undefined): boolean | undefined =>
  versionAtLeast(version, [24, 0, 8]);

export type MirrorCheck =
  | { ok: true; url: string }
  | { ok: false; reason: 'scheme' | 'query' | 'userinfo' | 'path'; error: string };

/**
 * ValidateMirror: http(s)://host[:port][/path], no query, fragment or userinfo; the path (an API
 * prefix before /v2/) only when `pathAccepted` (24.0.8+). Returns dockerd's normalized URL (one
 * trailing slash) or current moby's error text; url.Parse's own refusals (bad escapes) are not ported.
 */
export function validateMirror(raw: string, pathAccepted: boolean): MirrorCheck {
  const m = /^([^:/?#]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(raw);
  const scheme = m?.[1] ?? '';
  if (!m || scheme === '')
    return {
      ok: false,
      reason: 'scheme',
      error: `invalid mirror: no scheme specified for ${JSON.stringify(raw)}: must use either 'https://' or 'http://'`,
    };
  if (scheme !== 'http' && scheme !== 'https')
    return {
      ok: false,
      reason: 'scheme',
      error: `invalid mirror: unsupported scheme ${JSON.stringify(scheme)} in ${JSON.stringify(raw)}: must use either 'https://' or 'http://'`,
    };
  const path = m[3] ?? '';
  // url.Parse keeps a bare "?" or "#" as an empty query/fragment, which dockerd accepts.
  const query = (m[4] ?? '').length > 1 || (m[5] ?? '').length > 1;
  if (!pathAccepted && ((path !== '' && path !== '/') || query))
    return { ok: false, reason: 'path', error: `${MIRROR_PATH_REFUSED} ${JSON.stringify(raw)}` };
  if (query)
    return {
      ok: false,
      reason: 'query',
      error: `invalid mirror: query or fragment at end of the URI ${JSON.stringify(raw)}`,
    };
  const at = m[2]?.lastIndexOf('@') ?? -1;
  if (at !== -1) {
    // dockerd prints the URI with the password replaced (url.UserPassword(user, "xxxxx")).
    const user = m[2]?.slice(0, at).split(':')[0] ?? '';
    const shown = `${scheme}://${user}:xxxxx@${m[2]?.slice(at + 1)}${path}`;
    return {
      ok: false,
      reason: 'userinfo',
      error: `invalid mirror: username/password not allowed in URI ${JSON.stringify(shown)}`,
    };
  }
  return { ok: true, url: `${raw.replace(/\/$/, '')}/` };
}

/**
 * A registry-mirrors entry split as dockerd uses it (trailing slashes dropped): `origin`
 * scheme://host[:port] and `path`, the API prefix put before /v2/ ('' when none). Undefined
 * without an http(s) scheme.
 */
export function splitMirror(raw: string): { origin: string; path: string } | undefined {
  const m = /^(https?:\/\/[^/]+)(\/.*)?$/.exec(raw.replace(/\/+$/, ''));
  return m?.[1] === undefined ? undefined : { origin: m[1], path: m[2] ?? '' };
}

const ipv4 = (s: string): number | undefined => {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  return m ? m.slice(1).reduce((n, o) => n * 256 + Number(o), 0) : undefined;
};

/** 127.0.0.0/8 and ::1/128 are insecure whatever the file says. */
const ALWAYS_INSECURE = /^(127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

/**
 * isSecureIndex, inverted: whether dockerd treats `host` (host[:port]) as an insecure registry —
 * listed as is, loopback, or inside a listed CIDR (IP-literal hosts only: no DNS lookups here).
 */
export function isInsecureRegistry(host: string, entries: readonly string[]): boolean {
  if (ALWAYS_INSECURE.test(host) || entries.includes(host)) return true;
  const ip = ipv4(host.replace(/:\d+$/, ''));
  if (ip === undefined) return false;
  return entries.some((e) => {
    const [net, bits] = e.split('/');
    const base = ipv4(net ?? '');
    const len = Number(bits);
    if (base === undefined || !Number.isInteger(len) || len < 0 || len > 32) return false;
    const block = 2 ** (32 - len); // same network = same quotient by the host-part size
    return Math.floor(ip / block) === Math.floor(base / block);
  });
}

export interface DaemonJsonSummary {
  path: string;
  exists: boolean;
  registryMirrors: string[];
  insecureRegistries: string[];
}

/** `detect`'s view of daemon.json: its registry keys, or why dockerd would not read it. */
export function summarizeDaemonJson(
  path: string,
  text: string | undefined,
): { summary: DaemonJsonSummary; diagnostics: Diagnostic[] } {
  const summary: DaemonJsonSummary = {
    path,
    exists: text !== undefined,
    registryMirrors: [],
    insecureRegistries: [],
  };
  const read = readDaemonJson(text);
  if (!read.ok)
    return {
      summary,
      diagnostics: [
        {
          severity: 'error',
          code: 'detect.daemon-json.syntax',
          message: `daemon.json is not valid JSON: ${read.error.message}`,
          file: path,
          target: 'docker',
          hint: 'dockerd refuses to start with this file; fix it first',
        },
      ],
    };
  summary.registryMirrors = read.registryMirrors;
  summary.insecureRegistries = read.insecureRegistries;
  return { summary, diagnostics: [] };
}
