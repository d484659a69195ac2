// Docker Engine renderer: /etc/docker/daemon.json `registry-mirrors` (+ `insecure-registries`),
// runtime-semantics.md §3. Upstream Docker mirrors Docker Hub only, tries every mirror for every
// pull and always falls back to the Hub, so most of the spec is inexpressible here and says so.
// daemon.json belongs to the operator (JSON has no comments for a header): every other key and its
// order is kept, and the change is returned as data so the agent can undo exactly what was set.
import path from 'node:path/posix';
import type { Diagnostic } from '../diagnostics.js';
import { type DaemonJson, daemonJsonOf, readDaemonJson } from '../formats/docker-daemon.js';
import type { Mirror, MirrorSet } from '../spec/types.js';
import { entryProblems, err, LOOPBACK, mirrorProblems, mirrorUrl } from './docker-daemon-limits.js';
import { managedHeader } from './header.js';
import { unsafeNames } from './name-guard.js';
import type { RenderContext, RenderedFile, RenderResult } from './types.js';

const TARGET = 'docker' as const;

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

/** The operator's daemon.json as dockerd reads it (formats/docker-daemon.ts), or why it cannot be edited. */
function readExisting(text: string | null, file: string): { daemon: DaemonJson; diagnostics: Diagnostic[] } {
  const read = readDaemonJson(text);
  if (read.ok && read.isObject) return { daemon: read, diagnostics: [] };
  const none = daemonJsonOf({});
  if (read.ok)
    return {
      daemon: none,
      diagnostics: [err('daemon-json', 'daemon.json', `${file} is not a JSON object`, 'fix the file first')],
    };
  const d: Diagnostic = {
    severity: 'error',
    code: 'render.docker.daemon-json',
    message: `${file} is not valid JSON`,
    file,
    hint: 'fix the file first: dockerd refuses to start with it',
    target: TARGET,
  };
  if (read.line !== undefined) {
    d.line = read.line;
    d.column = read.column;
  }
  return { daemon: none, diagnostics: [d] };
}

export function renderDockerDaemon(
  set: MirrorSet,
  ctx: RenderContext,
  existingDaemonJson: string | null,
): DockerDaemonRenderResult {
  const unsafe = unsafeNames(set, TARGET);
  if (unsafe.length > 0) return { files: [], diagnostics: unsafe, edits: [] };
  const file = ctx.paths.dockerDaemonJson;
  const { daemon: existing, diagnostics } = readExisting(existingDaemonJson, file);
  if (diagnostics.length > 0) return { files: [], diagnostics, edits: [] };
  // JSON.parse yields JSON values only; the reader types them as unknown.
  const doc = existing.doc as Record<string, JsonValue>;
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
    const kept = existing.insecureRegistries;
    set1('insecure-registries', [...kept, ...insecure.filter((h) => !kept.includes(h))]);
  }
  const replaced = existing.registryMirrors.filter((u) => !mirrors.includes(u));
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
