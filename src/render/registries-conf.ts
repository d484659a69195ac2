// CRI-O / Podman / Skopeo / Buildah renderer: one v2 drop-in in /etc/containers/registries.conf.d/
// (containers-registries.conf.5, containers-registries.conf.d.5; runtime-semantics.md §2). c/image
// always speaks https://<host>/v2/ and rewrites references by prefix, so mirrors become locations;
// whatever cannot be said that way is an error naming the entry and what would work instead.
import path from 'node:path/posix';
import type { Diagnostic } from '../diagnostics.js';
import { loadErrorText, loadRegistriesConf } from '../formats/registries-conf.js';
import { findRegistry } from '../formats/registries-conf-resolve.js';
import type { Mirror, MirrorSet, RegistryEntry } from '../spec/types.js';
import { stringifyToml } from '../toml/stringify.js';
import { versionAtLeast } from '../util/version.js';
import { managedHeader } from './header.js';
import { unsafeNames } from './name-guard.js';
import { err, mirrorLocation, mirrorProblems, sourceProblems } from './registries-conf-limits.js';
import type { RenderContext, RenderedFile, RenderResult } from './types.js';

const TARGET = 'crio' as const;

interface TomlMirror {
  location: string;
  insecure?: true;
  'pull-from-mirror'?: 'digest-only' | 'tag-only';
}

interface TomlRegistry {
  prefix: string;
  location?: string;
  blocked?: true;
  'mirror-by-digest-only'?: true;
  mirror?: TomlMirror[];
}

export const registriesConfDropInPath = (set: MirrorSet, ctx: RenderContext): string =>
  path.join(ctx.paths.registriesConfDir, `50-mirrorctl-${set.name}.conf`);

/** c/image reads TLS material from /etc/containers/certs.d/<host:port>/ (*.crt CA, *.cert + *.key client). */
export const containersCertsDir = (ctx: RenderContext): string =>
  path.join(path.dirname(ctx.paths.registriesConfDir), 'certs.d');

/** TLS files c/image picks up for this mirror host; the header is harmless: PEM decoding skips text. */
function certFiles(set: MirrorSet, m: Mirror, ctx: RenderContext): RenderedFile[] {
  const dir = path.join(containersCertsDir(ctx), m.host);
  const base = `mirrorctl-${set.name}`;
  const files: RenderedFile[] = [];
  const pem = (p: string): string => `${managedHeader(set.name)}${ctx.assets[p] ?? ''}`;
  if (m.tls.caFile !== undefined && m.scheme === 'https')
    files.push({ path: path.join(dir, `${base}.crt`), content: pem(m.tls.caFile), mode: 0o644 });
  if (m.tls.certFile !== undefined && m.tls.keyFile !== undefined && m.scheme === 'https') {
    files.push({ path: path.join(dir, `${base}.cert`), content: pem(m.tls.certFile), mode: 0o644 });
    files.push({
      path: path.join(dir, `${base}.key`),
      content: pem(m.tls.keyFile),
      mode: 0o600,
      secret: true,
    });
  }
  return files;
}

interface EntryRender {
  table?: TomlRegistry;
  comments: string[];
  files: RenderedFile[];
  diagnostics: Diagnostic[];
}

/** Which mirror-usage key to write. Never both (c/image refuses it): see the why in the comments. */
function digestPolicy(mirrors: Mirror[]): 'none' | 'registry' | 'per-mirror' {
  if (mirrors.length > 0 && mirrors.every((m) => m.pullFrom === 'digest-only')) return 'registry';
  return mirrors.some((m) => m.pullFrom !== 'all') ? 'per-mirror' : 'none';
}

function renderEntry(set: MirrorSet, entry: RegistryEntry, ctx: RenderContext): EntryRender {
  const field = `spec.registries[${entry.index}]`;
  const diagnostics = sourceProblems(entry, field, ctx);
  const files: RenderedFile[] = [];
  const mirrors: TomlMirror[] = [];
  const policy = digestPolicy(entry.mirrors);
  if (policy === 'per-mirror' && versionAtLeast(ctx.runtimeVersion, [1, 25, 0]) !== true)
    diagnostics.push(
      err(
        'pull-from-mirror-version',
        `${field}.mirrors`,
        `mixed pullFrom values need per-mirror pull-from-mirror, which CRI-O supports from 1.25 (containers/image 5.21); ${ctx.runtimeVersion === undefined ? 'the CRI-O version is unknown' : `this node runs ${ctx.runtimeVersion}`}`,
        'give every mirror of this entry the same pullFrom (digest-only maps to mirror-by-digest-only, which every version has), or pass --runtime-version',
      ),
    );
  entry.mirrors.forEach((m, j) => {
    const mf = `${field}.mirrors[${j}]`;
    diagnostics.push(...mirrorProblems(m, mf, ctx));
    const location = mirrorLocation(entry, m, mf);
    if (typeof location !== 'string') {
      diagnostics.push(location);
      return;
    }
    const t: TomlMirror = { location };
    if (m.scheme === 'http' || m.tls.insecureSkipVerify) t.insecure = true;
    if (policy === 'per-mirror' && m.pullFrom !== 'all') t['pull-from-mirror'] = m.pullFrom;
    mirrors.push(t);
    files.push(...certFiles(set, m, ctx));
  });
  if (!entry.fallback && entry.mirrors.length > 0 && entry.mirrors.every((m) => m.pullFrom === 'digest-only'))
    diagnostics.push({
      severity: 'warning',
      code: 'render.crio.digest-only-air-gapped',
      message: 'every mirror is digest-only and the source is blocked: pulls by tag will always fail',
      field: `${field}.fallback`,
      hint: 'allow tags on at least one mirror (pullFrom: all), or pull by digest only',
      target: TARGET,
    });
  if (diagnostics.some((d) => d.severity === 'error')) return { comments: [], files: [], diagnostics };
  const wildcard = entry.sourceHost.startsWith('*.');
  const table: TomlRegistry = { prefix: entry.source };
  if (!wildcard) table.location = entry.source;
  if (!entry.fallback) table.blocked = true;
  if (policy === 'registry') table['mirror-by-digest-only'] = true;
  if (mirrors.length > 0) table.mirror = mirrors;
  const comments = [
    `# ${field}: ${entry.source} → ${entry.mirrors.map((m) => m.url).join(', ') || '(no mirrors)'}`,
    ...(wildcard
      ? ['# wildcard prefix: no location, so the source reference is not rewritten (CRI-O 1.21+)']
      : []),
    ...(entry.fallback
      ? []
      : ['# blocked: the source is never contacted; mirrors are tried first and are not blocked']),
    ...(policy === 'registry'
      ? [
          '# mirror-by-digest-only (not per-mirror pull-from-mirror): every mirror is digest-only, and this key works on every CRI-O version',
        ]
      : policy === 'per-mirror'
        ? ['# per-mirror pull-from-mirror (CRI-O 1.25+): the mirrors differ in pullFrom']
        : []),
  ];
  return { table, comments, files, diagnostics };
}

export function renderRegistriesConf(set: MirrorSet, ctx: RenderContext): RenderResult {
  const unsafe = unsafeNames(set, TARGET);
  if (unsafe.length > 0) return { files: [], diagnostics: unsafe };
  if (versionAtLeast(ctx.runtimeVersion, [1, 18, 0]) === false)
    return {
      files: [],
      diagnostics: [
        err(
          'version',
          'spec',
          `registries.conf.d drop-ins need CRI-O 1.18+ (containers/image 5.3); this node runs ${ctx.runtimeVersion}`,
          'upgrade CRI-O; mirrorctl does not edit the main registries.conf',
        ),
      ],
    };
  const diagnostics: Diagnostic[] = [];
  const rendered: { entry: RegistryEntry; r: EntryRender & { table: TomlRegistry } }[] = [];
  for (const entry of set.registries) {
    if (entry.only !== undefined && !entry.only.includes(TARGET)) continue;
    const r = renderEntry(set, entry, ctx);
    diagnostics.push(...r.diagnostics);
    if (r.table) rendered.push({ entry, r: { ...r, table: r.table } });
  }
  const dropIn = registriesConfDropInPath(set, ctx);
  const build = (items: typeof rendered): string =>
    `${managedHeader(set.name)}\n${items
      .map(({ r }) => `${r.comments.join('\n')}\n${stringifyToml({ registry: [r.table] }).trimEnd()}`)
      .join('\n\n')}\n`;
  const blocked = blockedMirrors(build(rendered), rendered, dropIn);
  diagnostics.push(...blocked.diagnostics);
  const kept = rendered.filter(({ entry }) => !blocked.entries.has(entry.index));
  if (kept.length === 0) return { files: [], diagnostics };
  const content = build(kept);
  const loaded = loadRegistriesConf(content, true);
  if (!loaded.ok)
    return {
      files: [],
      diagnostics: [
        ...diagnostics,
        {
          severity: 'error',
          code: 'render.crio.invalid',
          message: loadErrorText(dropIn, loaded.error, true),
          file: dropIn,
          hint: 'this is what CRI-O would log before refusing to start; fix the spec entry it names',
          target: TARGET,
        },
      ],
    };
  const byPath = new Map(kept.flatMap(({ r }) => r.files).map((f) => [f.path, f]));
  return { files: [{ path: dropIn, content, mode: 0o644 }, ...byPath.values()], diagnostics };
}

/**
 * c/image checks `blocked` on each physical reference, mirrors included: a mirror whose location
 * falls under a blocked prefix is refused as well. Such entries are errors and are left out.
 */
function blockedMirrors(
  content: string,
  rendered: readonly { entry: RegistryEntry; r: { table: TomlRegistry } }[],
  file: string,
): { entries: Set<number>; diagnostics: Diagnostic[] } {
  const entries = new Set<number>();
  const diagnostics: Diagnostic[] = [];
  const loaded = loadRegistriesConf(content, true);
  if (!loaded.ok) return { entries, diagnostics };
  for (const { entry, r } of rendered) {
    (r.table.mirror ?? []).forEach((m, j) => {
      const owner = findRegistry(loaded.config, m.location);
      if (!owner?.blocked) return;
      entries.add(entry.index);
      diagnostics.push({
        ...err(
          'mirror-blocked',
          `spec.registries[${entry.index}].mirrors[${j}].url`,
          `mirror location ${m.location} lies under the blocked prefix "${owner.prefix}" (fallback: false), so containers/image refuses the mirror too ("registry ${owner.prefix} is blocked")`,
          `set fallback: true on "${owner.prefix}", or serve the mirror from a location outside that prefix`,
        ),
        file,
      });
    });
  }
  return { entries, diagnostics };
}
