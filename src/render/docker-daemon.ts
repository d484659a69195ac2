// Docker Engine renderer: /etc/docker/daemon.json `registry-mirrors` (+ `insecure-registries`),
// runtime-semantics.md §3. Upstream Docker mirrors Docker Hub only, tries every mirror for every
// pull and always falls back to the Hub, so most of the spec is inexpressible here and says so.
// daemon.json belongs to the operator (JSON has no comments for a header): every other key and its
// order is kept, and the change is returned as data so the agent can undo exactly what was set.
import path from 'node:path/posix';
import type { Diagnostic } from '../diagnostics.js';
import { versionAtLeast } from '../explain/version-gate.js';
import type { Mirror, MirrorSet, RegistryEntry } from '../spec/types.js';
import { managedHeader } from './header.js';
import type { RenderContext, RenderedFile, RenderResult } from './types.js';

const TARGET = 'docker';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One key mirrorctl set in daemon.json: `before` undefined means the key did not exist. */
export interface DaemonJsonEdit {
  key: 'registry-mirrors' | 'insecure-registries';
  before?: JsonValue;
  after: JsonValue;
}

export interface DockerDaemonRenderResult extends RenderResult {
  edits: DaemonJsonEdit[];
}

/** Docker reads per-registry TLS files from /etc/docker/certs.d/<host:port>/ for mirrors too. */
export const dockerCertsDir = (ctx: RenderContext): string =>
  path.join(path.dirname(ctx.paths.dockerDaemonJson), 'certs.d');

const err = (code: string, field: string, message: string, hint: string): Diagnostic => ({
  severity: 'error',
  code: `render.docker.${code}`,
  message,
  field,
  hint,
  target: TARGET,
});

/** A path prefix on a mirror URL is accepted from 24.0.8 (and 25.0); older engines refuse to start. */
const pathPrefixSupported = (ctx: RenderContext): boolean =>
  versionAtLeast(ctx.runtimeVersion, [24, 0, 8]) === true;

/**
 * The registry-mirrors value for one mirror. Docker requests `<mirror>/v2/<repository>/…` with the
 * full Hub repository (library/nginx), so a mirror path is an API prefix, never a namespace.
 */
function mirrorUrl(m: Mirror, field: string, ctx: RenderContext): string | Diagnostic {
  const base = `${m.scheme}://${m.host}`;
  let prefix: string;
  switch (m.pathMode) {
    case 'namespace':
      if (m.path !== '')
        return err(
          'namespace-path',
          `${field}.url`,
          `Docker cannot rewrite Hub repositories into ${m.url}: it always requests <mirror>/v2/<full repository> (library/nginx), so a namespace path is never applied`,
          `store the images under their Hub names and use ${base} (or path: mount for a proxy under ${m.path}, Docker 24.0.8+)`,
        );
      prefix = '';
      break;
    case 'api-root':
      if (m.path !== '/v2' && !m.path.endsWith('/v2'))
        return err(
          'api-root',
          `${field}.path`,
          `api-root mirror ${m.url} needs requests without /v2, but Docker always appends /v2/ to the mirror URL`,
          'serve the API under <path>/v2 and use path: mount, or limit the entry with only: [containerd]',
        );
      prefix = m.path.slice(0, -3);
      break;
    case 'mount':
      prefix = m.path;
      break;
  }
  if (prefix !== '' && !pathPrefixSupported(ctx))
    return err(
      'mirror-path-version',
      `${field}.url`,
      `a mirror URL with a path (${base}${prefix}) needs Docker 24.0.8+; ${ctx.runtimeVersion === undefined ? 'the Docker version is unknown' : `this node runs ${ctx.runtimeVersion}`}, which refuses to start with "invalid mirror: path, query, or fragment at end of the URI"`,
      'serve the mirror at the host root, upgrade Docker, or pass --runtime-version',
    );
  return `${base}${prefix}`;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

function mirrorProblems(m: Mirror, field: string, ctx: RenderContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (m.pullFrom !== 'all')
    out.push(
      err(
        'pull-from',
        `${field}.pullFrom`,
        `Docker uses registry-mirrors for every Hub pull; pullFrom: ${m.pullFrom} cannot be expressed`,
        'use pullFrom: all for the docker target, or limit the entry with only: [containerd, crio]',
      ),
    );
  if (Object.keys(m.headers).length > 0)
    out.push(
      err(
        'headers',
        `${field}.headers`,
        'daemon.json has no per-mirror HTTP headers',
        'put the headers in a reverse proxy in front of the mirror, or limit the entry with only: [containerd]',
      ),
    );
  if (!m.capabilities.includes('pull') || !m.capabilities.includes('resolve'))
    out.push(
      err(
        'capabilities',
        `${field}.capabilities`,
        'Docker mirrors serve whole pulls (tag resolution and blobs); a capability subset cannot be expressed',
        'use capabilities [pull, resolve] for docker, or limit the entry with only: [containerd]',
      ),
    );
  if (m.dialTimeout !== undefined)
    out.push({
      severity: 'info',
      code: 'render.docker.dial-timeout',
      message: `dialTimeout ${m.dialTimeout} is ignored: daemon.json has no per-mirror connect timeout`,
      field: `${field}.dialTimeout`,
      target: TARGET,
    });
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
    const p = m.tls[key];
    if (p !== undefined && ctx.assets[p] === undefined)
      out.push(
        err(
          'asset-missing',
          `${field}.tls.${key}`,
          `contents of ${p} were not provided`,
          'pass the file with the spec',
        ),
      );
  }
  return out;
}

/** ca.crt / client.cert / client.key under /etc/docker/certs.d/<host>/ (Docker's fixed names). */
function certFiles(set: MirrorSet, m: Mirror, ctx: RenderContext): RenderedFile[] {
  if (m.scheme !== 'https') return [];
  const dir = path.join(dockerCertsDir(ctx), m.host);
  const pem = (p: string): string => `${managedHeader(set.name)}${ctx.assets[p] ?? ''}`;
  const files: RenderedFile[] = [];
  if (m.tls.caFile !== undefined)
    files.push({ path: path.join(dir, 'ca.crt'), content: pem(m.tls.caFile), mode: 0o644 });
  if (m.tls.certFile !== undefined && m.tls.keyFile !== undefined) {
    files.push({ path: path.join(dir, 'client.cert'), content: pem(m.tls.certFile), mode: 0o644 });
    files.push({
      path: path.join(dir, 'client.key'),
      content: pem(m.tls.keyFile),
      mode: 0o600,
      secret: true,
    });
  }
  return files;
}

function entryProblems(entry: RegistryEntry, field: string): Diagnostic[] {
  if (entry.sourceHost !== 'docker.io')
    return [
      err(
        'non-hub-source',
        `${field}.source`,
        `upstream Docker mirrors Docker Hub only; "${entry.source}" cannot be mirrored through daemon.json`,
        'use crio/containerd nodes for this registry, or Docker 28+ with /etc/docker/certs.d/<host>/hosts.toml (containerd image store, undocumented); or limit the entry with only: [containerd, crio]',
      ),
    ];
  const out: Diagnostic[] = [];
  if (entry.sourcePath !== '')
    out.push(
      err(
        'hub-prefix',
        `${field}.source`,
        `registry-mirrors apply to all of Docker Hub; the repository prefix "${entry.sourcePath}" cannot be expressed`,
        'use source: docker.io for the docker target',
      ),
    );
  if (!entry.fallback)
    out.push(
      err(
        'fallback',
        `${field}.fallback`,
        'Docker always falls back to registry-1.docker.io after its mirrors; fallback: false cannot be expressed',
        'block registry-1.docker.io at the network level, or limit the entry with only: [containerd, crio]',
      ),
    );
  return out;
}

interface DaemonDoc {
  doc: Record<string, JsonValue>;
  diagnostics: Diagnostic[];
}

function parseDaemonJson(text: string | null, file: string): DaemonDoc {
  if (text === null || text.trim() === '') return { doc: {}, diagnostics: [] };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return { doc: parsed as Record<string, JsonValue>, diagnostics: [] };
    return {
      doc: {},
      diagnostics: [err('daemon-json', 'daemon.json', `${file} is not a JSON object`, 'fix the file first')],
    };
  } catch (e) {
    // V8's wording differs between Node versions; keep only the position, as line/column.
    const pos = /position (\d+)/.exec((e as Error).message);
    const at = pos ? Number(pos[1]) : undefined;
    const before = at === undefined ? '' : text.slice(0, at);
    const d: Diagnostic = {
      severity: 'error',
      code: 'render.docker.daemon-json',
      message: `${file} is not valid JSON`,
      file,
      hint: 'fix the file first: dockerd refuses to start with it',
      target: TARGET,
    };
    if (at !== undefined) {
      d.line = before.split('\n').length;
      d.column = at - before.lastIndexOf('\n');
    }
    return { doc: {}, diagnostics: [d] };
  }
}

const stringList = (v: JsonValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export function renderDockerDaemon(
  set: MirrorSet,
  ctx: RenderContext,
  existingDaemonJson: string | null,
): DockerDaemonRenderResult {
  const file = ctx.paths.dockerDaemonJson;
  const { doc, diagnostics } = parseDaemonJson(existingDaemonJson, file);
  if (diagnostics.length > 0) return { files: [], diagnostics, edits: [] };
  const mirrors: string[] = [];
  const insecure: string[] = [];
  const certs: RenderedFile[] = [];
  for (const entry of set.registries) {
    if (entry.only !== undefined && !entry.only.includes(TARGET)) continue;
    const field = `spec.registries[${entry.index}]`;
    const problems = entryProblems(entry, field);
    // A non-Hub source is the whole story: its mirrors' details would only be noise.
    if (entry.sourceHost !== 'docker.io') {
      diagnostics.push(...problems);
      continue;
    }
    const accepted: { url: string; m: Mirror }[] = [];
    entry.mirrors.forEach((m, j) => {
      const mf = `${field}.mirrors[${j}]`;
      problems.push(...mirrorProblems(m, mf, ctx));
      const url = mirrorUrl(m, mf, ctx);
      if (typeof url === 'string') accepted.push({ url, m });
      else problems.push(url);
    });
    diagnostics.push(...problems);
    // An entry with any error contributes nothing: never a silently different config.
    if (problems.some((d) => d.severity === 'error')) continue;
    for (const { url, m } of accepted) {
      if (!mirrors.includes(url)) mirrors.push(url);
      // http:// mirrors are used as given; listing non-loopback ones as insecure matches Docker's docs.
      // https:// + insecureSkipVerify is what makes Docker skip verification for that host.
      const needsInsecure =
        (m.scheme === 'http' && !LOOPBACK.test(m.host)) || (m.scheme === 'https' && m.tls.insecureSkipVerify);
      if (needsInsecure && !insecure.includes(m.host)) insecure.push(m.host);
      certs.push(...certFiles(set, m, ctx));
    }
  }
  if (mirrors.length === 0) return { files: [], diagnostics, edits: [] };
  const edits: DaemonJsonEdit[] = [];
  const next: Record<string, JsonValue> = { ...doc };
  const set1 = (key: DaemonJsonEdit['key'], after: string[]): void => {
    const before = doc[key];
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    edits.push(before === undefined ? { key, after } : { key, before, after });
    next[key] = after;
  };
  // registry-mirrors is owned by the spec (order matters: Docker tries them in order).
  set1('registry-mirrors', mirrors);
  // insecure-registries may hold the operator's own hosts: keep them, add ours after.
  if (insecure.length > 0) {
    const existing = stringList(doc['insecure-registries']);
    set1('insecure-registries', [...existing, ...insecure.filter((h) => !existing.includes(h))]);
  }
  const replaced = stringList(doc['registry-mirrors']).filter((u) => !mirrors.includes(u));
  if (replaced.length > 0)
    diagnostics.push({
      severity: 'warning',
      code: 'render.docker.mirrors-replaced',
      message: `${file} already lists registry-mirrors ${replaced.join(', ')}; mirrorctl replaces the list with the spec's`,
      file,
      hint: 'add those mirrors to the spec (source: docker.io) to keep them',
      target: TARGET,
    });
  const content = `${JSON.stringify(next, null, 2)}\n`;
  const files: RenderedFile[] = [{ path: file, content, mode: 0o644 }];
  const byPath = new Map(certs.map((f) => [f.path, f]));
  return { files: [...files, ...byPath.values()], diagnostics, edits };
}

/**
 * Reverses `edits` on the current daemon.json text: restores each key's previous value, or removes
 * keys that did not exist. SIGHUP does not clear a removed key (runtime-semantics §3.2), so the
 * caller restarts dockerd when `needsRestart` is true.
 */
export function undoDaemonJsonEdits(
  currentText: string,
  edits: readonly DaemonJsonEdit[],
): { content: string; needsRestart: boolean } {
  const doc = JSON.parse(currentText) as Record<string, JsonValue>;
  let needsRestart = false;
  for (const e of edits) {
    if (e.before === undefined) {
      delete doc[e.key];
      needsRestart = true;
    } else doc[e.key] = e.before;
  }
  return { content: `${JSON.stringify(doc, null, 2)}\n`, needsRestart };
}
