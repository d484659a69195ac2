// What the node should look like for one target: owned files plus edits of files mirrorctl does not
// own (config.toml, daemon.json), and what the runtime needs when each changes. Pure: every host file
// it depends on is passed in as text.
import type { Diagnostic } from '../diagnostics.js';
import { analyzeContainerdConfig, type ImportedConfigFiles } from '../formats/containerd-config.js';
import type { NodePaths } from '../formats/node-paths.js';
import { planConfigPath } from '../render/containerd-config.js';
import { renderContainerdHosts } from '../render/containerd-hosts.js';
import { renderContainerdLegacy } from '../render/containerd-legacy.js';
import { crioAuthEdits } from '../render/containers-auth.js';
import { renderDockerDaemon } from '../render/docker-daemon.js';
import { managedHeader } from '../render/header.js';
import { registriesConfDropInPath, renderRegistriesConf } from '../render/registries-conf.js';
import { analyzeRegistriesConf } from '../render/registries-conf-host.js';
import type { RenderedFile } from '../render/types.js';
import type { MirrorSet, SpecAssets, Target } from '../spec/types.js';
import { patchToml } from '../toml/patch.js';
import type { FileEdit } from './build.js';
import type { RuntimeActionKind, Service } from './types.js';

export interface DesiredOptions {
  /** Convert legacy CRI `mirrors` to hosts.toml and remove them in the same transaction. */
  migrateLegacy: boolean;
  /** containerd ≥ 2.1: keep a `:` list config_path and set use_local_image_pull instead. */
  keepConfigPathList: boolean;
}

/** Host files a target's desired state depends on (read by the caller, passed back as text). */
export interface HostInputs {
  /** config.toml (containerd), daemon.json (docker), registries.conf (crio); null = absent. */
  mainConfig: string | null;
  /** crio: the other registries.conf.d drop-ins (not mirrorctl's own). */
  dropIns: { path: string; text: string }[];
  /** containerd: the files config.toml imports (planner/observe-containerd-imports.ts). */
  containerdImports?: ImportedConfigFiles;
  /** crio: CRI-O's global_auth_file (if a crio.conf(.d) file sets it) and the auth file's text. */
  crioAuth?: { globalAuthFile?: string; authText: string | null };
}

export interface DesiredState {
  service: Service;
  files: RenderedFile[];
  ownedNeeds: RuntimeActionKind;
  edits: FileEdit[];
  diagnostics: Diagnostic[];
  /** Where hosts.toml files go (containerd; an existing config_path is reused). */
  hostsDir?: string;
}

export interface DesiredInput {
  set: MirrorSet;
  assets: SpecAssets;
  target: Target;
  runtimeVersion?: string;
  paths: NodePaths;
  host: HostInputs;
  opts: DesiredOptions;
}

/** Files each target reads besides the ones it renders (so the caller knows what to observe). */
export function mainConfigPath(target: Target, paths: NodePaths): string {
  switch (target) {
    case 'containerd':
    case 'containerd-legacy':
      return paths.containerdConfig;
    case 'crio':
      return paths.registriesConf;
    case 'docker':
      return paths.dockerDaemonJson;
  }
}

export function desiredState(input: DesiredInput): DesiredState {
  switch (input.target) {
    case 'containerd':
      return containerdState(input);
    case 'containerd-legacy':
      return legacyState(input);
    case 'crio':
      return crioState(input);
    case 'docker':
      return dockerState(input);
  }
}

function containerdState(input: DesiredInput): DesiredState {
  const { set, paths, opts } = input;
  const analysis = analyzeContainerdConfig(
    input.host.mainConfig,
    input.runtimeVersion,
    paths.containerdConfig,
    input.host.containerdImports,
  );
  const cfg = planConfigPath(analysis, {
    certsDir: paths.certsDir,
    migrateLegacy: opts.migrateLegacy,
    keepConfigPathList: opts.keepConfigPathList,
    specName: set.name,
  });
  const ctx = {
    target: 'containerd' as const,
    ...(input.runtimeVersion ? { runtimeVersion: input.runtimeVersion } : {}),
    assets: input.assets,
    paths: { ...paths, certsDir: cfg.hostsDir },
  };
  const rendered = renderContainerdHosts(set, ctx);
  // Spec-rendered files win over files converted from legacy mirrors for the same directory.
  const byPath = new Map<string, RenderedFile>();
  for (const f of cfg.files) byPath.set(f.path, f);
  for (const f of rendered.files) byPath.set(f.path, f);
  const edits: FileEdit[] = [];
  if (cfg.ops.length > 0) {
    edits.push({
      path: paths.containerdConfig,
      after: patchToml(analysis.text, cfg.ops),
      mode: 0o644,
      reason: describeOps(cfg.ops.length, cfg.createsFile),
      needs: 'restart',
    });
  }
  return {
    service: 'containerd',
    files: [...byPath.values()],
    ownedNeeds: 'none',
    edits,
    diagnostics: [...analysis.diagnostics, ...cfg.diagnostics, ...rendered.diagnostics],
    hostsDir: cfg.hostsDir,
  };
}

function legacyState(input: DesiredInput): DesiredState {
  const analysis = analyzeContainerdConfig(
    input.host.mainConfig,
    input.runtimeVersion,
    input.paths.containerdConfig,
    input.host.containerdImports,
  );
  const ctx = {
    target: 'containerd-legacy' as const,
    ...(input.runtimeVersion ? { runtimeVersion: input.runtimeVersion } : {}),
    assets: input.assets,
    paths: input.paths,
  };
  const r = renderContainerdLegacy(input.set, ctx, analysis);
  const edits: FileEdit[] =
    r.ops.length > 0
      ? [
          {
            path: input.paths.containerdConfig,
            after: patchToml(analysis.text, r.ops),
            mode: 0o644,
            reason: 'legacy CRI registry mirrors',
            needs: 'restart',
          },
        ]
      : [];
  // TLS files named by absolute path from config.toml: a change is only read at restart too.
  return { service: 'containerd', files: r.files, ownedNeeds: 'restart', edits, diagnostics: r.diagnostics };
}

const describeOps = (n: number, creates: boolean): string =>
  creates
    ? 'create config.toml with config_path'
    : `config_path for hosts.toml (${n} edit${n === 1 ? '' : 's'})`;

function crioState(input: DesiredInput): DesiredState {
  const ctx = {
    target: 'crio' as const,
    ...(input.runtimeVersion ? { runtimeVersion: input.runtimeVersion } : {}),
    assets: input.assets,
    paths: input.paths,
  };
  const rendered = renderRegistriesConf(input.set, ctx);
  const own = registriesConfDropInPath(input.set, ctx);
  // Mirror credentials: merged into the auth file CRI-O reads; the drop-in records which keys are ours.
  const auth = crioAuthEdits(
    input.set,
    ctx,
    {
      ...(input.host.crioAuth ?? { authText: null }),
      ownDropIn: input.host.dropIns.find((d) => d.path === own)?.text,
    },
    managedHeader(input.set.name),
  );
  if (auth.ledger !== '')
    rendered.files = rendered.files.map((f) =>
      f.path === own ? { ...f, content: withLedger(f.content, auth.ledger) } : f,
    );
  const ownFile = rendered.files.find((f) => f.path === own);
  const others = input.host.dropIns.filter((d) => d.path !== own);
  const hostDiagnostics = analyzeRegistriesConf(input.host.mainConfig, others, {
    mainPath: input.paths.registriesConf,
    ...(ownFile ? { own: { path: own, text: ownFile.content } } : {}),
  });
  return {
    service: 'crio',
    files: rendered.files,
    ownedNeeds: 'reload',
    edits: auth.edits.map((e) => ({ ...e })),
    diagnostics: [...hostDiagnostics, ...rendered.diagnostics, ...auth.diagnostics],
  };
}

/** The ledger comment goes right after the managed header (the header must stay first). */
function withLedger(content: string, ledger: string): string {
  const cut = content.indexOf('\n\n');
  return cut < 0 ? `${content}${ledger}` : `${content.slice(0, cut + 1)}${ledger}${content.slice(cut + 1)}`;
}

function dockerState(input: DesiredInput): DesiredState {
  const ctx = {
    target: 'docker' as const,
    ...(input.runtimeVersion ? { runtimeVersion: input.runtimeVersion } : {}),
    assets: input.assets,
    paths: input.paths,
  };
  const rendered = renderDockerDaemon(input.set, ctx, input.host.mainConfig);
  const daemonJson = input.paths.dockerDaemonJson;
  const edits: FileEdit[] = rendered.files
    .filter((f) => f.path === daemonJson)
    .map((f) => ({
      path: f.path,
      after: f.content,
      mode: f.mode,
      reason: `set ${rendered.edits.map((e) => e.key).join(', ') || 'registry keys'}`,
      needs: 'reload' as const,
    }));
  return {
    service: 'docker',
    files: rendered.files.filter((f) => f.path !== daemonJson),
    // /etc/docker/certs.d is read when a registry connection is made: no reload for cert files.
    ownedNeeds: 'none',
    edits,
    diagnostics: rendered.diagnostics,
  };
}
