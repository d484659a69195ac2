// A loopback `docker-registry` (distribution 2.8) with a generated config: storage in a temp dir,
// the access log (gorilla CombinedLoggingHandler, written to stdout) in its own file, optional
// htpasswd auth and optional TLS. The access log is the e2e suite's evidence of who asked for what.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type Daemon, freePort, startDaemon, tcpOpen, waitUntil } from './daemon.js';
import { runOk } from './exec.js';
import { makeTestPki, type TestPki } from './tls.js';

export interface RegistryOptions {
  /** Label used in file names and messages, e.g. `mirror`, `upstream`. */
  name: string;
  /** Parent temp dir; the registry gets `<dir>/<name>/`. */
  dir: string;
  port?: number;
  /** Basic auth with one user (htpasswd -B). */
  auth?: { username: string; password: string };
  /** Serve HTTPS with a certificate from a throwaway CA (see `caCert`). */
  tls?: boolean;
  /** Serve the API under this path (`/dpod` → `/dpod/v2/…`): a reverse proxy's "mount" layout. */
  prefix?: string;
  /** Share another registry's storage (`<dir>/<name>/storage` of it): same content, other URL. */
  storageDir?: string;
}

export interface AccessLogEntry {
  remote: string;
  user: string;
  method: string;
  /** Path including the query string, e.g. `/v2/dpod/cpopen/cpopen-test/manifests/1.0?ns=icr.io`. */
  path: string;
  status: number;
  userAgent: string;
  /** The raw log line, printed as evidence by the tests. */
  line: string;
}

export interface Registry {
  readonly name: string;
  readonly port: number;
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** `http://127.0.0.1:<port>` or `https://…` */
  readonly url: string;
  readonly pki: TestPki | undefined;
  readonly auth: { username: string; password: string } | undefined;
  readonly daemon: Daemon;
  /** Parsed access log lines, oldest first. */
  accessLog(): AccessLogEntry[];
  /** Position in the access log now; pass it to requests() to see only what came after. */
  mark(): number;
  /** Requests whose path starts with `prefix` (e.g. `/v2/dpod/`), ignoring `/v2/` pings. */
  requests(prefix?: string, since?: number): AccessLogEntry[];
  stop(): Promise<void>;
}

// 127.0.0.1 - user [25/Nov/2026:17:00:00 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "containerd/1.6.20~ds1"
const combinedLine = /^(\S+) \S+ (\S+) \[[^\]]+\] "(\S+) (\S+) [^"]*" (\d{3}) \S+ "[^"]*" "([^"]*)"$/;

export function parseAccessLog(text: string): AccessLogEntry[] {
  const entries: AccessLogEntry[] = [];
  for (const line of text.split('\n')) {
    const m = combinedLine.exec(line.trim());
    if (!m) continue;
    const [, remote = '', user = '', method = '', path = '', status = '0', userAgent = ''] = m;
    entries.push({ remote, user, method, path, status: Number(status), userAgent, line: line.trim() });
  }
  return entries;
}

export async function startRegistry(options: RegistryOptions): Promise<Registry> {
  const root = join(options.dir, options.name);
  mkdirSync(join(root, 'storage'), { recursive: true });
  const port = options.port ?? (await freePort());
  const pki = options.tls ? await makeTestPki(root) : undefined;
  const http: Record<string, unknown> = { addr: `127.0.0.1:${port}`, secret: 'mirrorctl-e2e' };
  if (pki) http.tls = { certificate: pki.serverCert, key: pki.serverKey };
  if (options.prefix) http.prefix = `${options.prefix.replace(/\/$/, '')}/`;
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', formatter: 'text', accesslog: { disabled: false } },
    storage: {
      filesystem: { rootdirectory: options.storageDir ?? join(root, 'storage') },
      delete: { enabled: true },
    },
    http,
  };
  if (options.auth) {
    const htpasswd = join(root, 'htpasswd');
    const { stdout } = await runOk(['htpasswd', '-Bbn', options.auth.username, options.auth.password]);
    writeFileSync(htpasswd, stdout);
    config.auth = { htpasswd: { realm: `mirrorctl-e2e-${options.name}`, path: htpasswd } };
  }
  const configFile = join(root, 'config.yml');
  writeFileSync(configFile, stringify(config));
  const accessLogFile = join(root, 'access.log');
  writeFileSync(accessLogFile, '');
  const daemon = startDaemon(['docker-registry', 'serve', configFile], {
    logFile: join(root, 'registry.log'),
    stdoutFile: accessLogFile,
  });
  await waitUntil(`registry ${options.name}`, () => tcpOpen(port), daemon, 30_000);
  const accessLog = () => parseAccessLog(readFileSync(accessLogFile, 'utf8'));
  return {
    name: options.name,
    port,
    host: `127.0.0.1:${port}`,
    url: `${pki ? 'https' : 'http'}://127.0.0.1:${port}`,
    pki,
    auth: options.auth,
    daemon,
    accessLog,
    mark: () => accessLog().length,
    requests: (prefix = '/v2/', since = 0) =>
      accessLog()
        .slice(since)
        .filter((e) => e.path.startsWith(prefix) && e.path !== '/v2/'),
    stop: () => daemon.stop(),
  };
}
