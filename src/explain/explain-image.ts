// explainImage: render the target's files from the spec, then resolve the image against those
// files with each runtime's own rules. Pure; shared by `mirrorctl explain`, verify and preflight.

import type { Diagnostic } from '../diagnostics.js';
import { analyzeContainerdConfig } from '../formats/containerd-config.js';
import type { NodePaths } from '../formats/node-paths.js';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import {
  type CImageConfig,
  effectiveRegistriesConf,
  type HostConfFile,
  loadRegistriesConf,
} from '../formats/registries-conf.js';
import { formatImageRef, parseImageRef } from '../registry/reference.js';
import { renderContainerdHosts } from '../render/containerd-hosts.js';
import { renderContainerdLegacy } from '../render/containerd-legacy.js';
import { renderDockerDaemon } from '../render/docker-daemon.js';
import { renderRegistriesConf } from '../render/registries-conf.js';
import type { RenderContext } from '../render/types.js';
import type { MirrorSet, RegistryEntry, SpecAssets, Target } from '../spec/types.js';
import { applyTomlOps } from '../toml/ops.js';
import { stringifyToml } from '../toml/stringify.js';
import { explainContainerd } from './explain-containerd.js';
import { explainContainerdLegacy } from './explain-containerd-legacy.js';
import { explainCrio } from './explain-crio.js';
import { explainDocker } from './explain-docker.js';
import { requestCredential } from './request-credential.js';
import type { ExplainedImage, ExplainRequest, ExplainResult } from './types.js';

export interface ExplainOptions {
  runtimeVersion?: string;
  /** TLS file contents (only needed for the renderers' completeness checks). */
  assets?: SpecAssets;
  paths?: NodePaths;
  /** containerd-legacy: the node's config.toml the legacy mirrors are merged into (default: none). */
  legacyConfigToml?: string;
  /** crio: the node's registries.conf and other drop-ins, merged with mirrorctl's as c/image does. */
  crioHost?: { main: string | null; dropIns: readonly HostConfFile[] };
}

/** Parses and normalizes an image reference (docker.io/library/… and :latest), or says why not. */
export function parseExplainImage(input: string): ExplainedImage | Diagnostic {
  const parsed = parseImageRef(input);
  if (!parsed.ok)
    return {
      severity: 'error',
      code: 'explain.image.invalid',
      message: `invalid image reference ${JSON.stringify(input)}: ${parsed.reason}`,
      hint: 'e.g. nginx, docker.io/library/nginx:1.27, icr.io/cpopen/foo@sha256:<64 hex>',
    };
  return {
    input,
    reference: formatImageRef(parsed.ref),
    ref: parsed.ref,
    kind: parsed.ref.digest === undefined ? 'tag' : 'digest',
  };
}

// Missing TLS assets do not change the request order; explain works from the spec alone.
const relevant = (d: Diagnostic): boolean => !d.code.endsWith('.asset-missing');

type Resolved = { requests: ExplainRequest[]; diagnostics: Diagnostic[] };

function resolve(set: MirrorSet, image: ExplainedImage, ctx: RenderContext, opts: ExplainOptions): Resolved {
  switch (ctx.target) {
    case 'crio': {
      const r = renderRegistriesConf(set, ctx);
      const dropIn = r.files.find((f) => f.path.endsWith('.conf'));
      const own = dropIn ? [{ path: dropIn.path, text: dropIn.content }] : [];
      const host = opts.crioHost;
      const effective = host
        ? effectiveRegistriesConf(host.main, [...host.dropIns.filter((f) => f.path !== dropIn?.path), ...own])
        : undefined;
      if (effective && !effective.ok)
        return {
          requests: [],
          diagnostics: [
            ...r.diagnostics,
            { severity: 'error', code: 'explain.crio.host-config', message: effective.error, target: 'crio' },
          ],
        };
      const loaded = dropIn ? loadRegistriesConf(dropIn.content, true) : undefined;
      const empty: CImageConfig = { registries: [], convertedFromV1: false };
      const config = effective?.ok ? effective.config : loaded?.ok ? loaded.config : empty;
      const source = host
        ? `${ctx.paths.registriesConf} or ${ctx.paths.registriesConfDir}`
        : (dropIn?.path ?? ctx.paths.registriesConfDir);
      const out = explainCrio(config, image, source);
      return { requests: out.requests, diagnostics: [...r.diagnostics, ...out.diagnostics] };
    }
    case 'docker': {
      const r = renderDockerDaemon(set, ctx, null);
      const daemon = r.files.find((f) => f.path === ctx.paths.dockerDaemonJson);
      const out = explainDocker(daemon?.content ?? null, image);
      return { requests: out.requests, diagnostics: [...r.diagnostics, ...out.diagnostics] };
    }
    case 'containerd': {
      const r = renderContainerdHosts(set, ctx);
      const out = explainContainerd(
        { files: r.files, certsDir: ctx.paths.certsDir, version: ctx.runtimeVersion },
        image,
      );
      return { requests: out.requests, diagnostics: [...r.diagnostics, ...out.diagnostics] };
    }
    case 'containerd-legacy': {
      // Render against the node's config.toml (or none), apply the edits, read back the mirrors.
      const before = analyzeContainerdConfig(
        opts.legacyConfigToml ?? null,
        ctx.runtimeVersion,
        ctx.paths.containerdConfig,
      );
      const r = renderContainerdLegacy(set, ctx, before);
      const after = applyTomlOps(before.parsed ?? {}, r.ops);
      const mirrors = analyzeContainerdConfig(
        stringifyToml(after),
        ctx.runtimeVersion,
        ctx.paths.containerdConfig,
      ).legacyMirrors;
      const out = explainContainerdLegacy(mirrors, image);
      return { requests: out.requests, diagnostics: [...r.diagnostics, ...out.diagnostics] };
    }
  }
}

/**
 * Whether a spec entry can affect this image on this target: its source matches the image
 * (containerd picks hosts.toml per registry host, so the host alone decides there).
 */
function entryApplies(entry: RegistryEntry, image: ExplainedImage, target: Target): boolean {
  if (entry.sourceHost === '*') return true;
  if (entry.sourceHost !== image.ref.registry) return false;
  if (target === 'containerd' || target === 'containerd-legacy' || entry.sourcePath === '') return true;
  const repo = image.ref.repository;
  return repo === entry.sourcePath || repo.startsWith(`${entry.sourcePath}/`);
}

/** Renderer findings about entries that cannot touch this image are noise in its explanation. */
function aboutThisImage(set: MirrorSet, image: ExplainedImage, target: Target): (d: Diagnostic) => boolean {
  return (d) => {
    const index = /^spec\.registries\[(\d+)\]/.exec(d.field ?? '')?.[1];
    const entry = index === undefined ? undefined : set.registries[Number(index)];
    // The legacy renderer is all-or-nothing: an error anywhere means no mirrors at all.
    if (target === 'containerd-legacy' && d.severity === 'error') return true;
    return entry === undefined || entryApplies(entry, image, target);
  };
}

export function explainImage(
  set: MirrorSet,
  image: string | ExplainedImage,
  target: Target,
  opts: ExplainOptions = {},
): ExplainResult | { target: Target; diagnostics: Diagnostic[] } {
  const parsed = typeof image === 'string' ? parseExplainImage(image) : image;
  if ('severity' in parsed) return { target, diagnostics: [parsed] };
  const ctx: RenderContext = {
    target,
    assets: opts.assets ?? {},
    paths: opts.paths ?? DEFAULT_PATHS,
    ...(opts.runtimeVersion === undefined ? {} : { runtimeVersion: opts.runtimeVersion }),
  };
  const r = resolve(set, parsed, ctx, opts);
  const excluded: Diagnostic[] = set.registries
    .filter((e) => e.only !== undefined && !e.only.includes(target) && entryApplies(e, parsed, target))
    .map((e) => ({
      severity: 'info',
      code: 'explain.only',
      message: `${e.source} is limited to ${e.only?.join(', ')}: nothing is written for ${target}`,
      field: `spec.registries[${e.index}].only`,
    }));
  const diagnostics = [...r.diagnostics, ...excluded]
    .filter(relevant)
    .filter(aboutThisImage(set, parsed, target))
    .map((d) => (d.target ? d : { ...d, target }));
  const requests = r.requests.map((req) => {
    const credential = requestCredential(set, ctx.assets, target, req);
    return credential === undefined ? req : { ...req, credential };
  });
  return { target, image: parsed, requests, diagnostics };
}
