// A port of the rules by which containerd's hosts.toml reader (core/remotes/docker/config/hosts.go)
// rejects a file, or silently degrades it, for a given version (runtime-semantics.md §1.5–1.6).
// Used on mirrorctl's own output (tests, verify) and on files found on a node (preflight): a rejected
// hosts.toml is only an error log on the node, after which pulls quietly skip the mirror.
import type { Diagnostic } from '../diagnostics.js';
import { isTable, parseToml, type TomlTable } from '../toml/parse.js';
import { containerdGates } from './containerd-versions.js';

const CAPABILITIES = new Set(['pull', 'resolve', 'push', 'referrers']);
const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Diagnostics for one hosts.toml; an error means containerd of that version ignores the file. */
export function checkHostsToml(text: string, file: string, runtimeVersion?: string): Diagnostic[] {
  const gates = containerdGates(runtimeVersion);
  const parsed = parseToml(text, file);
  if (!parsed.ok)
    return [
      {
        ...parsed.diagnostic,
        hint: 'containerd logs "failed to decode hosts.toml" and pulls skip every mirror',
      },
    ];
  const doc = parsed.value;
  const out: Diagnostic[] = [];
  const bad = (
    code: string,
    message: string,
    hint: string,
    severity: Diagnostic['severity'] = 'error',
  ): void => {
    out.push({ severity, code: `hosts-toml.${code}`, file, target: 'containerd', message, hint });
  };
  const hosts = doc.host;
  if (hosts !== undefined && !isTable(hosts))
    bad('type', '`host` must be a table of [host."URL"] tables', 'write [host."https://mirror"] tables');
  const tables: [string, TomlTable][] = isTable(hosts)
    ? Object.entries(hosts).flatMap(([u, t]): [string, TomlTable][] => (isTable(t) ? [[u, t]] : []))
    : [];
  if (tables.length === 0 && !gates.hostlessHostsToml) {
    bad(
      'no-host',
      'no [host."…"] table: containerd before 1.7.32/2.0 rejects the file ("invalid `host` tree")',
      'add a [host."URL"] table (for mirror-only, repeat the server URL)',
    );
  }
  if (doc.server !== undefined && typeof doc.server !== 'string')
    bad('type', '`server` must be a URL string', 'server = "https://registry.example.com"');
  for (const [where, t] of [
    ['root', doc] as [string, TomlTable],
    ...tables.map(([u, t]) => [`[host."${u}"]`, t] as [string, TomlTable]),
  ]) {
    const caps = t.capabilities;
    if (caps !== undefined) {
      if (!isStringList(caps))
        bad('type', `${where}: capabilities must be a list of strings`, 'capabilities = ["pull", "resolve"]');
      for (const c of isStringList(caps) ? (caps as string[]) : []) {
        const lc = c.toLowerCase();
        if (!CAPABILITIES.has(lc) || (lc === 'referrers' && !gates.referrers)) {
          bad(
            'capability',
            `${where}: unknown capability "${c}" for this containerd version: the whole file is rejected`,
            'use pull, resolve, push (referrers needs 2.2+)',
          );
        }
      }
    }
    for (const k of ['skip_verify', 'override_path']) {
      if (t[k] !== undefined && typeof t[k] !== 'boolean')
        bad('type', `${where}: ${k} must be true or false`, `${k} = true`);
    }
    if (t.ca !== undefined && typeof t.ca !== 'string' && !isStringList(t.ca))
      bad('type', `${where}: ca must be a path or a list of paths`, 'ca = "ca.pem"');
    const client = t.client;
    const clientOk =
      client === undefined ||
      typeof client === 'string' ||
      (Array.isArray(client) &&
        client.every((x) => typeof x === 'string' || (isStringList(x) && (x as string[]).length === 2)));
    if (!clientOk)
      bad(
        'type',
        `${where}: client must be a path, a list of paths or a list of [cert, key] pairs`,
        'client = [["cert.pem", "key.pem"]]',
      );
    if (
      t.header !== undefined &&
      (!isTable(t.header) || !Object.values(t.header).every((v) => typeof v === 'string' || isStringList(v)))
    ) {
      bad('type', `${where}: header values must be strings or lists of strings`, 'X-Name = ["value"]');
    }
    if (t.dial_timeout !== undefined && !gates.dialTimeout) {
      bad(
        'dial-timeout',
        `${where}: dial_timeout is ignored before containerd 2.0.7/2.1`,
        'remove it or upgrade containerd',
        'warning',
      );
    }
    const url = where === 'root' ? (typeof doc.server === 'string' ? doc.server : '') : where.slice(7, -2);
    if (
      url.startsWith('http://') &&
      (t.skip_verify !== undefined || t.ca !== undefined || t.client !== undefined) &&
      gates.httpsFirstForHttpWithTls
    ) {
      bad(
        'http-tls',
        `${where}: TLS keys on an http:// host make this containerd try HTTPS first`,
        'remove skip_verify/ca/client from http:// hosts',
        'warning',
      );
    }
  }
  return out;
}
