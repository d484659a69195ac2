// detectRuntime(facts) → Detection: which runtime serves CRI on this node, its version, the
// mirrorctl target, the distribution that owns the files and the registry settings already there.
// Pure; every decision keeps its reason for `detect`/`plan` output.
import type { Diagnostic } from '../diagnostics.js';
import {
  type ContainerdConfigSummary,
  summarizeContainerdConfig,
} from '../formats/containerd-config-summary.js';
import {
  CONTAINERD_DROPIN_DIR,
  effectiveConfigPath,
  summarizeDropIns,
} from '../formats/containerd-dropins.js';
import { type DaemonJsonSummary, summarizeDaemonJson } from '../formats/docker-daemon.js';
import type { NodePaths } from '../formats/node-paths.js';
import { type RegistriesConfSummary, summarizeRegistriesConf } from '../formats/registries-conf-summary.js';
import type { Target } from '../spec/types.js';
import { formatVersion, parseVersion, type Version } from '../util/version.js';
import { type Distribution, NATIVE_MECHANISMS, type NativeMechanism } from './distribution.js';
import type { HostFacts } from './facts.js';
import { factView, RUNTIME_RULES, type RuntimeRule } from './runtimes.js';
import { selectTarget } from './targets.js';
import { parseRuntimeVersion, type RuntimeKind } from './version.js';

export interface DetectOptions {
  /** kubelet's `containerRuntimeVersion` for this node (inventory): outranks binaries on the host. */
  kubeletRuntimeVersion?: string;
  /** The runtime asked for (`--runtime`): rows of other runtimes are skipped, and the version comes
   *  only from this runtime's own binary or kubeletRuntimeVersion, never from another runtime
   *  installed beside it (issue 19.1). */
  runtime?: 'containerd' | 'crio' | 'docker';
}

const RUNTIME_NAME = { containerd: 'containerd', crio: 'CRI-O', docker: 'Docker Engine' } as const;

export interface Detection {
  /** From /etc/hostname, when present. */
  hostname?: string;
  runtime: RuntimeKind;
  /** Id of the detection-table row that matched (`k3s`, `cri-dockerd`, …). */
  rule?: string;
  /** Numeric version `1.7.11` (what RenderContext.runtimeVersion takes). */
  version?: string;
  /** Version with its build suffix as the runtime printed it (`1.7.11-k3s2`). */
  versionText?: string;
  target?: Target;
  possibleTargets: Target[];
  distribution: Distribution;
  distributionVersion?: string;
  /** Set when the distribution regenerates the files: use its mechanism instead. */
  managedBy?: NativeMechanism;
  /** CRI socket (the one found, else the runtime's default). */
  socket?: string;
  socketFound: boolean;
  containerd?: ContainerdConfigSummary;
  crio?: RegistriesConfSummary;
  docker?: DaemonJsonSummary;
  /** Why each decision was taken, in order. */
  reasons: string[];
  diagnostics: Diagnostic[];
}

const VERSION_COMMAND = { containerd: 'containerd', crio: 'crio', docker: 'dockerd' } as const;

export function detectRuntime(facts: HostFacts, paths: NodePaths, opts: DetectOptions = {}): Detection {
  const f = factView(facts, paths);
  const reasons: string[] = [];
  const diagnostics: Diagnostic[] = [...facts.diagnostics];
  const kubelet = opts.kubeletRuntimeVersion ? parseRuntimeVersion(opts.kubeletRuntimeVersion) : undefined;
  if (kubelet?.runtime === 'unknown') {
    diagnostics.push({
      severity: 'warning',
      code: 'detect.kubelet.unparsable',
      message: `kubelet runtime "${kubelet.raw}" is not containerd://, cri-o:// or docker://; ignored`,
    });
  }
  const fromKubelet = kubelet && kubelet.runtime !== 'unknown' ? kubelet.runtime : undefined;
  const forced = opts.runtime;
  const wanted = forced ?? fromKubelet;
  // A kubelet version of another runtime says nothing about the one asked for.
  const kubeletVersion = !forced || fromKubelet === forced ? kubelet?.version : undefined;

  let rule: RuntimeRule | undefined;
  const skipped: string[] = [];
  for (const r of RUNTIME_RULES) {
    const why = r.confirm(f);
    if (!why) continue;
    if (wanted && r.runtime !== wanted) {
      reasons.push(
        `skip ${r.id}: ${why}, but ${forced ? `--runtime asks for ${forced}` : `kubelet reports ${kubelet?.raw}`}`,
      );
      skipped.push(`${r.runtime} (${why})`);
      continue;
    }
    reasons.push(`runtime ${r.runtime} (${r.id}): ${why}`);
    rule = r;
    break;
  }
  const runtime: RuntimeKind = rule?.runtime ?? wanted ?? 'unknown';
  if (!rule && wanted)
    reasons.push(
      `runtime ${wanted}: ${forced ? 'asked for (--runtime)' : `from kubelet (${kubelet?.raw})`}; nothing found on the host`,
    );

  const { version, versionText } = detectVersion(f, runtime, kubeletVersion, reasons);
  if (forced && !rule && !version) {
    // Nothing of the runtime asked for, and no version given: any version-gated choice would be a
    // guess (the other runtime's version least of all).
    diagnostics.push({
      severity: 'error',
      code: 'detect.runtime.forced-not-found',
      message: `--runtime ${forced}: no ${RUNTIME_NAME[forced]} found on this node (no socket, config file or \`${VERSION_COMMAND[forced]} --version\`), so its version is unknown${skipped.length > 0 ? `; found instead: ${skipped.join(', ')}, whose version says nothing about ${RUNTIME_NAME[forced]}` : ''}`,
      hint: `pass --runtime-version with the ${RUNTIME_NAME[forced]} version this node will run (and check --root)`,
    });
  }
  const decision = selectTarget(runtime, version);
  reasons.push(decision.target ? `target ${decision.target}: ${decision.reason}` : decision.reason);
  diagnostics.push(...decision.diagnostics);

  // A plain-looking host whose kubelet reports a `-k3s`/`-rke2`/`rhaos` build is that distribution.
  let distribution: Distribution = rule?.distribution ?? 'plain';
  if (distribution === 'plain' && kubelet?.distributionHint) {
    distribution = kubelet.distributionHint;
    reasons.push(`distribution ${distribution}: kubelet reports ${kubelet.raw}`);
  }
  if (
    version &&
    kubelet &&
    kubeletVersion &&
    (version.major !== kubeletVersion.major || version.minor !== kubeletVersion.minor)
  ) {
    diagnostics.push({
      severity: 'warning',
      code: 'detect.version.mismatch',
      message: `the ${runtime} binary is ${formatVersion(version)} but kubelet reports ${kubelet.raw} (upgraded, not restarted?)`,
      hint: 'the binary decides which config it reads after the next restart; restart the runtime to settle it',
    });
  }
  const det: Detection = {
    runtime,
    possibleTargets: decision.possible,
    distribution,
    socketFound: false,
    reasons,
    diagnostics,
  };
  const hostname = f.read('/etc/hostname')?.trim();
  if (hostname) det.hostname = hostname;
  if (rule) det.rule = rule.id;
  if (version) det.version = formatVersion(version);
  if (versionText) det.versionText = versionText;
  if (decision.target) det.target = decision.target;

  const sockets = rule?.sockets ?? [];
  const found = f.firstExisting(sockets);
  if (found) det.socket = found;
  else if (sockets[0]) det.socket = sockets[0];
  det.socketFound = found !== undefined;

  const distVersion = distributionVersion(distribution, f.osRelease);
  if (distVersion) det.distributionVersion = distVersion;
  const managed = NATIVE_MECHANISMS[distribution];
  if (managed) {
    det.managedBy = managed;
    reasons.push(`files owned by ${distribution}: ${managed.summary}`);
    diagnostics.push({
      severity: 'warning',
      code: `detect.managed.${distribution}`,
      message: `${distribution} regenerates ${managed.ownedFiles.join(', ')}: direct edits do not last`,
      hint: managed.summary,
    });
  }

  if (runtime === 'containerd') {
    const path = rule?.containerdConfig?.(paths) ?? paths.containerdConfig;
    const r = summarizeContainerdConfig(path, f.read(path), version);
    det.containerd = r.summary;
    diagnostics.push(...r.diagnostics);
    if (path === paths.containerdConfig) diagnostics.push(...applyDropIns(r.summary, facts, version));
    reasons.push(containerdReason(r.summary));
  } else if (runtime === 'crio') {
    const r = summarizeRegistriesConf(
      paths.registriesConf,
      f.read(paths.registriesConf),
      paths.registriesConfDir,
      facts.dirs[paths.registriesConfDir] ?? [],
    );
    det.crio = r.summary;
    diagnostics.push(...r.diagnostics);
  } else if (runtime === 'docker') {
    const r = summarizeDaemonJson(paths.dockerDaemonJson, f.read(paths.dockerDaemonJson));
    det.docker = r.summary;
    diagnostics.push(...r.diagnostics);
  }
  return det;
}

function detectVersion(
  f: ReturnType<typeof factView>,
  runtime: RuntimeKind,
  kubeletVersion: Version | undefined,
  reasons: string[],
): { version?: Version; versionText?: string } {
  if (runtime === 'unknown') return {};
  const id = VERSION_COMMAND[runtime];
  const token = f.commandVersion(id);
  const parsed = token ? parseVersion(token) : undefined;
  if (token && parsed) {
    reasons.push(`version ${formatVersion(parsed)}: ${id} --version printed ${token}`);
    return { version: parsed, versionText: token.replace(/^v/, '') };
  }
  if (kubeletVersion) {
    reasons.push(`version ${formatVersion(kubeletVersion)}: from kubelet`);
    return { version: kubeletVersion, versionText: formatVersion(kubeletVersion, true) };
  }
  reasons.push(`version unknown: ${id} --version did not run or printed no version`);
  return {};
}

function distributionVersion(d: Distribution, os: Record<string, string>): string | undefined {
  if (d === 'openshift') return os.OPENSHIFT_VERSION ?? os.VERSION_ID;
  if (d === 'talos' || d === 'bottlerocket') return os.VERSION_ID;
  return undefined;
}

/** Drop-ins sit beside the main config.toml; only its imports make containerd read them. */
function applyDropIns(
  s: ContainerdConfigSummary,
  facts: HostFacts,
  version: Version | undefined,
): Diagnostic[] {
  const prefix = `${CONTAINERD_DROPIN_DIR}/`;
  const files = Object.fromEntries(Object.entries(facts.files).filter(([p]) => p.startsWith(prefix)));
  const { dropIns, diagnostics } = summarizeDropIns(files, s.imports);
  s.dropIns = dropIns;
  const eff = effectiveConfigPath(s.configPath, dropIns, version);
  if (eff.configPath) {
    s.effectiveConfigPath = eff.configPath;
    // A drop-in that sets config_path also switches off 2.2's implicit list.
    delete s.implicitConfigPath;
  }
  if (eff.from) s.effectiveConfigPathFrom = eff.from;
  return diagnostics;
}

function containerdReason(s: ContainerdConfigSummary): string {
  if (!s.exists) return `config ${s.path}: absent (a new file would use version ${s.preferredConfigVersion})`;
  const parts = [`config ${s.path}: version ${s.configVersion ?? '?'}`];
  parts.push(s.configPath ? `config_path = "${s.configPath}"` : 'no config_path');
  if (s.effectiveConfigPathFrom) {
    parts.push(
      `after imports: ${s.effectiveConfigPath ? `"${s.effectiveConfigPath}"` : 'unset'} (from ${s.effectiveConfigPathFrom})`,
    );
  }
  if (s.legacyMirrorHosts.length) parts.push(`legacy mirrors for ${s.legacyMirrorHosts.join(', ')}`);
  return parts.join(', ');
}
