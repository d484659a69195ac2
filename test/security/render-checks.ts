// Structural checks on renderer output: every path stays in its target dir, every file re-parses to
// exactly what the MirrorSet means. Shared by the hand-built and the fast-check injection tests.
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { rancherDesiredState, rancherTlsDir } from '../../src/foreign/k3s-node.js';
import { analyzeContainerdConfig } from '../../src/formats/containerd-config.js';
import { DEFAULT_PATHS } from '../../src/formats/node-paths.js';
import { renderContainerdHosts, upstreamServer } from '../../src/render/containerd-hosts.js';
import { renderContainerdLegacy } from '../../src/render/containerd-legacy.js';
import { containerdHostUrl } from '../../src/render/containerd-mirror-url.js';
import { renderDockerDaemon } from '../../src/render/docker-daemon.js';
import { registriesConfDropInPath, renderRegistriesConf } from '../../src/render/registries-conf.js';
import { mirrorLocation } from '../../src/render/registries-conf-limits.js';
import type { RenderContext, RenderedFile } from '../../src/render/types.js';
import type { MirrorSet, Target } from '../../src/spec/types.js';
import { patchToml } from '../../src/toml/patch.js';
import { ASSETS } from './hostile-sets.js';

const P = DEFAULT_PATHS;
const VERSIONS: Record<Target, string> = {
  containerd: '1.7.27',
  'containerd-legacy': '1.6.20',
  crio: '1.30.0',
  docker: '27.0.0',
};
const ctx = (target: Target): RenderContext => ({
  target,
  runtimeVersion: VERSIONS[target],
  assets: ASSETS,
  paths: P,
});

/** Dirs whose direct children (one segment) hold per-host files, and single files, per target. */
const ROOTS: Record<Target, { hostDirs: string[]; files: string[] }> = {
  containerd: { hostDirs: [P.certsDir], files: [] },
  'containerd-legacy': { hostDirs: ['/etc/containerd/mirrorctl-tls'], files: [] },
  crio: { hostDirs: ['/etc/containers/certs.d'], files: [] },
  docker: { hostDirs: ['/etc/docker/certs.d'], files: [P.dockerDaemonJson] },
};

/** Problems with where a file would be written (empty = fine). */
export function pathProblems(target: Target, f: RenderedFile, set: MirrorSet): string[] {
  const out: string[] = [];
  const p = f.path;
  if (/\p{Cc}/u.test(p)) out.push(`control character in path ${JSON.stringify(p)}`);
  if (path.normalize(p) !== p || p.includes('\\')) out.push(`path not normal: ${JSON.stringify(p)}`);
  const roots = ROOTS[target];
  const dropIn = target === 'crio' ? [registriesConfDropInPath(set, ctx('crio'))] : [];
  const underHostDir = roots.hostDirs.some((d) => {
    const rel = path.relative(d, path.normalize(p)).split(path.sep);
    return rel.length === 2 && !rel.includes('..') && !rel.includes('.') && rel.every((s) => s !== '');
  });
  const isDropIn =
    dropIn.includes(p) &&
    path.dirname(path.normalize(p)) === P.registriesConfDir &&
    !path.basename(p).startsWith('.');
  if (!underHostDir && !roots.files.includes(p) && !isDropIn)
    out.push(`outside the target dirs: ${JSON.stringify(p)}`);
  return out;
}

const hostsKeys = new Set([
  'server',
  'host',
  'capabilities',
  'skip_verify',
  'ca',
  'client',
  'override_path',
  'dial_timeout',
  'header',
]);

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** containerd: each hosts.toml parses to server + [host] keys + headers exactly as the entry says. */
function checkContainerd(set: MirrorSet): string[] {
  const r = renderContainerdHosts(set, ctx('containerd'));
  const out = r.files.flatMap((f) => pathProblems('containerd', f, set));
  for (const f of r.files.filter((x) => x.path.endsWith('/hosts.toml'))) {
    const e = set.registries[0]!;
    let doc: Record<string, unknown>;
    try {
      doc = parseToml(f.content) as Record<string, unknown>;
    } catch (err) {
      out.push(`hosts.toml does not parse: ${(err as Error).message}`);
      continue;
    }
    const urls = e.mirrors.map((_, j) => {
      const u = containerdHostUrl(e, j, 'containerd');
      return u.ok ? u.host.url : '';
    });
    const server = e.fallback ? upstreamServer(e.sourceHost) : urls[urls.length - 1];
    const tables = e.fallback || urls.length === 1 ? urls : urls.slice(0, -1);
    for (const k of Object.keys(doc))
      if (!hostsKeys.has(k)) out.push(`unexpected root key ${JSON.stringify(k)}`);
    if (doc.server !== server) out.push(`server ${JSON.stringify(doc.server)} ≠ ${JSON.stringify(server)}`);
    const host = (doc.host ?? {}) as Record<string, Record<string, unknown>>;
    if (!sameJson(Object.keys(host), tables))
      out.push(`[host] keys ${JSON.stringify(Object.keys(host))} ≠ ${JSON.stringify(tables)}`);
    e.mirrors.forEach((m, j) => {
      const t = (j < tables.length ? host[urls[j]!] : doc) ?? {};
      const want = Object.keys(m.headers).length > 0 ? m.headers : undefined;
      if (!sameJson(t.header, want))
        out.push(`headers of mirror ${j}: ${JSON.stringify(t.header)} ≠ ${JSON.stringify(want)}`);
    });
  }
  return out;
}

/** crio: the drop-in parses to exactly one [[registry]] per entry with the spec's prefix/location/mirrors. */
function checkCrio(set: MirrorSet): string[] {
  const r = renderRegistriesConf(set, ctx('crio'));
  const out = r.files.flatMap((f) => pathProblems('crio', f, set));
  const dropIn = r.files.find((f) => f.path === registriesConfDropInPath(set, ctx('crio')));
  if (!dropIn) return out;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(dropIn.content) as Record<string, unknown>;
  } catch (err) {
    return [...out, `drop-in does not parse: ${(err as Error).message}`];
  }
  if (!sameJson(Object.keys(doc), ['registry']))
    out.push(`drop-in root keys ${JSON.stringify(Object.keys(doc))}`);
  const regs = (doc.registry ?? []) as Record<string, unknown>[];
  const e = set.registries[0]!;
  if (regs.length !== 1) return [...out, `${regs.length} [[registry]] tables`];
  const reg = regs[0]!;
  if (reg.prefix !== e.source) out.push(`prefix ${JSON.stringify(reg.prefix)} ≠ ${JSON.stringify(e.source)}`);
  const want = e.mirrors.map((m, j) => mirrorLocation(e, m, `m${j}`));
  const got = ((reg.mirror ?? []) as { location: string }[]).map((m) => m.location);
  if (!sameJson(got, want)) out.push(`mirror locations ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
  return out;
}

/** docker: daemon.json parses to exactly the Hub mirrors, nothing else added. */
function checkDocker(set: MirrorSet): string[] {
  const r = renderDockerDaemon(set, ctx('docker'), '{"log-level":"warn"}');
  const out = r.files.flatMap((f) => pathProblems('docker', f, set));
  const daemon = r.files.find((f) => f.path === P.dockerDaemonJson);
  if (!daemon) return out;
  const doc = JSON.parse(daemon.content) as Record<string, unknown>;
  const extra = Object.keys(doc).filter(
    (k) => !['log-level', 'registry-mirrors', 'insecure-registries'].includes(k),
  );
  if (extra.length > 0) out.push(`daemon.json gained keys ${JSON.stringify(extra)}`);
  const hub = set.registries.filter(
    (e) => e.sourceHost === 'docker.io' && (!e.only || e.only.includes('docker')),
  );
  const want = hub.flatMap((e) => e.mirrors.map((m) => `${m.scheme}://${m.host}${m.path}`));
  if (!sameJson(doc['registry-mirrors'], want))
    out.push(`registry-mirrors ${JSON.stringify(doc['registry-mirrors'])} ≠ ${JSON.stringify(want)}`);
  return out;
}

/** containerd-legacy: the ops, applied to the default config, give mirrors.<host>.endpoint and nothing else. */
function checkLegacy(set: MirrorSet): string[] {
  const base = 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n';
  const analysis = analyzeContainerdConfig(base, VERSIONS['containerd-legacy'], P.containerdConfig);
  const r = renderContainerdLegacy(set, ctx('containerd-legacy'), analysis);
  const out = r.files.flatMap((f) => pathProblems('containerd-legacy', f, set));
  if (r.ops.length === 0) return out;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(patchToml(base, r.ops)) as Record<string, unknown>;
  } catch (err) {
    return [...out, `patched config.toml does not parse: ${(err as Error).message}`];
  }
  const registry = ((doc.plugins as Record<string, Record<string, unknown>>)['io.containerd.grpc.v1.cri']!
    .registry ?? {}) as Record<string, Record<string, unknown>>;
  const e = set.registries[0]!;
  const mirrors = registry.mirrors ?? {};
  if (!sameJson(Object.keys(mirrors), [e.sourceHost]))
    out.push(`mirrors keys ${JSON.stringify(Object.keys(mirrors))} ≠ ${JSON.stringify([e.sourceHost])}`);
  const endpoint = (mirrors[e.sourceHost] as { endpoint?: unknown } | undefined)?.endpoint;
  if (!Array.isArray(endpoint) || endpoint.length !== e.mirrors.length)
    out.push(`endpoint ${JSON.stringify(endpoint)}`);
  const configs = Object.keys(registry.configs ?? {});
  if (configs.some((h) => h !== e.mirrors[0]?.host)) out.push(`configs keys ${JSON.stringify(configs)}`);
  return out;
}

/** k3s: TLS files under /etc/rancher/k3s/mirrorctl/<one segment>/, registries.yaml parses with only mirrors/configs. */
function checkK3s(set: MirrorSet): string[] {
  const r = rancherDesiredState({ set, assets: ASSETS, flavor: 'k3s', existing: null, service: 'k3s' });
  const out: string[] = [];
  for (const f of r.files) {
    const rel = path.relative(rancherTlsDir('k3s'), path.normalize(f.path)).split(path.sep);
    if (path.normalize(f.path) !== f.path || /\p{Cc}/u.test(f.path) || rel.length !== 2 || rel.includes('..'))
      out.push(`outside the target dirs: ${JSON.stringify(f.path)}`);
  }
  for (const e of r.edits) {
    let doc: unknown;
    try {
      doc = parseYaml(e.after);
    } catch (err) {
      out.push(`registries.yaml does not parse: ${(err as Error).message}`);
      continue;
    }
    const keys = Object.keys((doc ?? {}) as object);
    if (keys.some((k) => k !== 'mirrors' && k !== 'configs'))
      out.push(`registries.yaml root keys ${JSON.stringify(keys)}`);
  }
  return out;
}

export const CHECKS: Record<Target | 'k3s', (set: MirrorSet) => string[]> = {
  k3s: checkK3s,
  containerd: checkContainerd,
  'containerd-legacy': checkLegacy,
  crio: checkCrio,
  docker: checkDocker,
};

/** Every problem of every target for one MirrorSet; a thrown error is a problem too (renderers never throw). */
export function allProblems(set: MirrorSet): string[] {
  return Object.entries(CHECKS).flatMap(([t, check]) => {
    try {
      return check(set).map((p) => `[${t}] ${p}`);
    } catch (err) {
      return [`[${t}] threw: ${(err as Error).stack ?? String(err)}`];
    }
  });
}
