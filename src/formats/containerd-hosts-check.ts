// The renderer's self-check of a hosts.toml (mirrorctl's output and files found on a node): the
// findings of containerd-hosts.ts's reader as Diagnostics — an error means containerd of that version
// ignores the file (only an error log on the node; pulls then quietly skip the mirror).
import type { Diagnostic } from '../diagnostics.js';
import { type HostsTomlFinding, readHostsToml } from './containerd-hosts.js';

type Said = [message: string, hint: string, severity?: Diagnostic['severity']];

const TYPE_TEXT: Record<string, (where: string) => [string, string]> = {
  host: () => ['`host` must be a table of [host."URL"] tables', 'write [host."https://mirror"] tables'],
  server: () => ['`server` must be a URL string', 'server = "https://registry.example.com"'],
  capabilities: (w) => [`${w}: capabilities must be a list of strings`, 'capabilities = ["pull", "resolve"]'],
  skip_verify: (w) => [`${w}: skip_verify must be true or false`, 'skip_verify = true'],
  override_path: (w) => [`${w}: override_path must be true or false`, 'override_path = true'],
  ca: (w) => [`${w}: ca must be a path or a list of paths`, 'ca = "ca.pem"'],
  client: (w) => [
    `${w}: client must be a path, a list of paths or a list of [cert, key] pairs`,
    'client = [["cert.pem", "key.pem"]]',
  ],
  header: (w) => [`${w}: header values must be strings or lists of strings`, 'X-Name = ["value"]'],
};

function said(f: HostsTomlFinding): Said | undefined {
  switch (f.kind) {
    case 'type':
      return TYPE_TEXT[f.key]?.(f.where);
    case 'no-host':
      return [
        'no [host."…"] table: containerd before 1.7.32/2.0 rejects the file ("invalid `host` tree")',
        'add a [host."URL"] table (for mirror-only, repeat the server URL)',
      ];
    case 'capability':
      return [
        `${f.where}: unknown capability "${f.value}" for this containerd version: the whole file is rejected`,
        'use pull, resolve, push (referrers needs 2.2+)',
      ];
    case 'dial-timeout':
      return [
        `${f.where}: dial_timeout is ignored before containerd 2.0.7/2.1`,
        'remove it or upgrade containerd',
        'warning',
      ];
    case 'http-tls':
      return [
        `${f.where}: TLS keys on an http:// host make this containerd try HTTPS first`,
        'remove skip_verify/ca/client from http:// hosts',
        'warning',
      ];
    case 'url':
      return undefined;
  }
}

/** Diagnostics for one hosts.toml; an error means containerd of that version ignores the file. */
export function checkHostsToml(text: string, file: string, runtimeVersion?: string): Diagnostic[] {
  const read = readHostsToml(text, runtimeVersion, file);
  if (read.syntax)
    return [
      { ...read.syntax, hint: 'containerd logs "failed to decode hosts.toml" and pulls skip every mirror' },
    ];
  return read.findings.flatMap((f): Diagnostic[] => {
    const s = said(f);
    if (!s) return [];
    const [message, hint, severity = 'error'] = s;
    return [{ severity, code: `hosts-toml.${f.kind}`, file, target: 'containerd', message, hint }];
  });
}
