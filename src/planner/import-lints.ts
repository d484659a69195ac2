// What `import --from-node` says about what it read and what it produced (issue 15.10): files the
// node's runtime does not read (their settings have no effect there), and the imported spec run
// through the same renderers plan/render/explain use, so their findings (an api-root without /v2, a
// source Docker cannot mirror) show at import time. Pure: the caller observed the node.
import type { Detection } from '../detect/detect.js';
import type { Diagnostic } from '../diagnostics.js';
import { rancherDesiredState } from '../foreign/k3s-node.js';
import { DEFAULT_PATHS, type NodePaths } from '../formats/node-paths.js';
import { desiredState } from '../plan/desired.js';
import type { MirrorSet, SpecAssets, Target } from '../spec/types.js';

/** Which kind of node file an imported entry came from. */
export type SourceKind =
  | 'hosts-toml'
  | 'legacy-mirrors'
  | 'registries-yaml'
  | 'registries-conf'
  | 'daemon-json';

export interface ImportSource {
  file: string;
  kind: SourceKind;
  /** Entries this file contributed to the spec. */
  entries: number;
}

/** The runtime on the node, as detected (or named with --runtime). */
export interface NodeRuntime {
  detection: Detection;
  /** --runtime, or the detected target. */
  target?: Target;
}

type LintTarget = Target | 'k3s' | 'rke2';

/** The format each kind of file is, as a target: what the entries would be rendered as there. */
const KIND_TARGET: Record<SourceKind, LintTarget> = {
  'hosts-toml': 'containerd',
  'legacy-mirrors': 'containerd-legacy',
  'registries-yaml': 'k3s',
  'registries-conf': 'crio',
  'daemon-json': 'docker',
};

const rancher = (d: Detection): 'k3s' | 'rke2' | undefined =>
  d.distribution === 'k3s' || d.distribution === 'rke2' ? d.distribution : undefined;

/** Directories containerd reads hosts.toml from now (config_path after drop-ins, or 2.2's implicit list). */
function hostsDirs(d: Detection): string[] {
  const c = d.containerd;
  const list = c?.effectiveConfigPath ?? c?.configPath ?? c?.implicitConfigPath ?? '';
  return list.split(':').filter((p) => p !== '');
}

/** Why the node's runtime does not read this file, or undefined when it does (or cannot be told). */
function unreadReason(s: ImportSource, rt: NodeRuntime, paths: NodePaths): string | undefined {
  const d = rt.detection;
  const runtime = rt.target?.startsWith('containerd') ? 'containerd' : (rt.target ?? d.runtime);
  if (runtime === 'unknown') return undefined;
  const flavor = rancher(d);
  const name = flavor ? `${runtime} (managed by ${flavor})` : runtime;
  switch (s.kind) {
    case 'hosts-toml': {
      if (runtime !== 'containerd' || flavor) return `${name} does not read ${paths.certsDir}`;
      return hostsDirs(d).includes(paths.certsDir)
        ? undefined
        : `containerd's config_path does not name ${paths.certsDir}, so it does not read hosts.toml there`;
    }
    case 'legacy-mirrors':
      return runtime === 'containerd' && !flavor ? undefined : `${name} does not read ${s.file}`;
    case 'registries-yaml':
      return flavor && s.file === `/etc/rancher/${flavor}/registries.yaml`
        ? undefined
        : `${name} does not read ${s.file}`;
    case 'registries-conf':
      return runtime === 'crio' ? undefined : `${name} does not read ${s.file} (CRI-O and Podman do)`;
    case 'daemon-json':
      return runtime === 'docker' ? undefined : `${name} does not read ${s.file} (dockerd does)`;
  }
}

/** A warning per imported file whose settings the node's runtime does not read. */
export function unreadSources(
  sources: readonly ImportSource[],
  rt: NodeRuntime,
  paths: NodePaths = DEFAULT_PATHS,
): Diagnostic[] {
  return sources.flatMap((s): Diagnostic[] => {
    const why = s.entries > 0 ? unreadReason(s, rt, paths) : undefined;
    if (!why) return [];
    return [
      {
        severity: 'warning',
        code: 'import.file-not-read',
        file: s.file,
        message: `${why}: its ${s.entries} ${s.entries === 1 ? 'entry was' : 'entries were'} imported, but it has no effect on this node's pulls`,
        hint: 'check the spec against the runtime that will read it (`mirrorctl plan`), or drop those entries',
      },
    ];
  });
}

/** The targets to lint the imported spec for: the node's, else the formats the entries came from. */
export function lintTargets(sources: readonly ImportSource[], rt: NodeRuntime): LintTarget[] {
  const flavor = rancher(rt.detection);
  if (flavor && (rt.target === undefined || rt.target === 'containerd')) return [flavor];
  if (rt.target) return [rt.target];
  return [...new Set(sources.filter((s) => s.entries > 0).map((s) => KIND_TARGET[s.kind]))];
}

/**
 * The renderers' findings about the imported spec's entries for each target (the ones plan, render
 * and explain report), as warnings: the spec is still written, and what plan would refuse says so.
 * `assets` are the TLS files the spec names, read from the node (a missing one is a finding too);
 * findings about the node's own config files are left to plan.
 */
export function importLints(
  set: MirrorSet,
  targets: readonly LintTarget[],
  assets: SpecAssets,
  runtimeVersion?: string,
): Diagnostic[] {
  return targets.flatMap((target) => {
    const found =
      target === 'k3s' || target === 'rke2'
        ? rancherDesiredState({ set, assets, flavor: target, existing: null, service: target }).diagnostics
        : desiredState({
            set,
            assets,
            target,
            ...(runtimeVersion ? { runtimeVersion } : {}),
            paths: DEFAULT_PATHS,
            host: { mainConfig: null, dropIns: [] },
            opts: { migrateLegacy: false, keepConfigPathList: false },
          }).diagnostics;
    return found
      .filter((d) => d.severity !== 'info' && (d.field ?? '').startsWith('spec.registries['))
      .map(
        (d): Diagnostic => ({
          ...d,
          severity: 'warning',
          target: d.target ?? target,
          message: `imported spec: ${d.message}${d.severity === 'error' ? ` (plan refuses this entry for ${target})` : ''}`,
        }),
      );
  });
}
