// Detection's view of a node's config.toml: what containerd-config.ts reads, summarized for
// `mirrorctl detect` with the `detect.containerd.*` findings (runtime-semantics.md §1.1–1.4, pitfall
// §5.1g). The reading rules live in containerd-config.ts; drop-ins are added by the caller.
import type { Diagnostic } from '../diagnostics.js';
import { parseTomlVerbatim } from '../toml/parse.js';
import { formatKeyPath } from '../toml/patch-keys.js';
import { formatVersion, type Version } from '../util/version.js';
import { IMPLICIT_CONFIG_PATH_2_2, readContainerdConfig, registryTableKeys } from './containerd-config.js';
import type { ContainerdDropIn } from './containerd-dropins.js';
import { type ContainerdGates, containerdGates } from './containerd-versions.js';

export interface ContainerdConfigSummary {
  path: string;
  exists: boolean;
  /** From `version = N`; a file without the key is version 1. Undefined when there is no file. */
  configVersion?: number;
  /** Config version a new file should use for this containerd (2 on 1.x, 3 on 2.x). */
  preferredConfigVersion: number;
  /** Keys of the table that holds `registry` for configVersion (or preferredConfigVersion). */
  registryTable: string[];
  configPath?: string;
  /** config_path split on ':' (an OS path list). */
  configPathDirs: string[];
  /** Hosts with a non-empty legacy `mirrors."<host>"` entry. */
  legacyMirrorHosts: string[];
  /** Hosts with a legacy `configs."<host>".tls` table (an error with config_path on 1.5–1.7). */
  legacyTlsHosts: string[];
  /** The CRI plugin is in disabled_plugins (Docker's containerd.io ships that). */
  criDisabled: boolean;
  imports: string[];
  /** `registry` tables under a plugin key this config version ignores (pitfall §5.1g). */
  ignoredRegistryTables: string[];
  /** `*.toml` files in /etc/containerd/conf.d (only those listed in imports count). */
  dropIns: ContainerdDropIn[];
  /** config_path after imports are merged; differs from configPath when a drop-in decides it. */
  effectiveConfigPath?: string;
  /** The drop-in that decided effectiveConfigPath. */
  effectiveConfigPathFrom?: string;
  /** What containerd uses when config_path is unset: 2.2+ applies a two-directory list (§1.3),
   *  which 2.1+ transfer-service pulls ignore — so mirrorctl must still set a single directory. */
  implicitConfigPath?: string;
}

export function summarizeContainerdConfig(
  path: string,
  text: string | undefined,
  runtimeVersion: Version | undefined,
): { summary: ContainerdConfigSummary; diagnostics: Diagnostic[] } {
  const gates = containerdGates(runtimeVersion && formatVersion(runtimeVersion));
  const preferred = gates.defaultConfigVersion;
  const summary: ContainerdConfigSummary = {
    path,
    exists: text !== undefined,
    preferredConfigVersion: preferred,
    registryTable: registryTableKeys(preferred),
    configPathDirs: [],
    legacyMirrorHosts: [],
    legacyTlsHosts: [],
    criDisabled: false,
    imports: [],
    ignoredRegistryTables: [],
    dropIns: [],
  };
  if (text === undefined) return { summary, diagnostics: [] };
  const parsed = parseTomlVerbatim(text);
  if (!parsed.ok) {
    const d: Diagnostic = {
      severity: 'error',
      code: 'detect.containerd.config.syntax',
      message: `config.toml does not parse: ${parsed.error}`,
      file: path,
      hint: 'containerd refuses to start with this file; fix it before mirrorctl edits it',
      ...(parsed.line !== undefined ? { line: parsed.line, column: parsed.column } : {}),
    };
    return { summary, diagnostics: [d] };
  }
  const facts = readContainerdConfig(
    parsed.value,
    runtimeVersion === undefined ? undefined : formatVersion(runtimeVersion),
  );
  summary.configVersion = facts.configVersion;
  summary.registryTable = facts.registryTableKeys;
  if (facts.configPath) {
    summary.configPath = facts.configPath;
    summary.configPathDirs = facts.configPathDirs;
  }
  summary.legacyMirrorHosts = Object.keys(facts.legacyMirrors);
  summary.legacyTlsHosts = Object.keys(facts.legacyTlsConfigs);
  summary.imports = facts.imports;
  summary.criDisabled = facts.criDisabled;
  summary.ignoredRegistryTables = facts.misplacedRegistryTables.map(formatKeyPath);
  if (!summary.configPath && summary.legacyMirrorHosts.length === 0 && gates.implicitConfigPathList) {
    summary.implicitConfigPath = IMPLICIT_CONFIG_PATH_2_2;
  }
  return { summary, diagnostics: configDiagnostics(summary, gates) };
}

function configDiagnostics(s: ContainerdConfigSummary, gates: ContainerdGates): Diagnostic[] {
  const out: Diagnostic[] = [];
  const base = { file: s.path, target: 'containerd' };
  const v = gates.version;
  if (s.legacyMirrorHosts.length > 0) {
    out.push({
      ...base,
      severity: 'warning',
      code: 'detect.containerd.legacy-mirrors',
      message: `legacy registry.mirrors present for ${s.legacyMirrorHosts.join(', ')}; containerd refuses them together with config_path`,
      field: `${s.registryTable.join('.')}.mirrors`,
      hint: 'plan with --migrate-legacy to convert them to hosts.toml in the same change, or use --runtime containerd-legacy',
    });
  }
  for (const t of s.ignoredRegistryTables) {
    out.push({
      ...base,
      severity: 'warning',
      code: 'detect.containerd.registry-ignored',
      message: `[${t}] is ignored by a version ${s.configVersion} config.toml`,
      field: t,
      hint: `registry settings for config version ${s.configVersion} live under [${s.registryTable.join('.')}]`,
    });
  }
  if (s.criDisabled) {
    out.push({
      ...base,
      severity: 'warning',
      code: 'detect.containerd.cri-disabled',
      message: 'the CRI plugin is in disabled_plugins: kubelet cannot use this containerd',
      field: 'disabled_plugins',
      hint: 'remove "cri" from disabled_plugins (Docker\'s containerd.io package ships it disabled)',
    });
  }
  if (s.configPathDirs.length > 1 && gates.transferServicePulls) {
    out.push({
      ...base,
      severity: 'warning',
      code: 'detect.containerd.config-path-list',
      message: `config_path "${s.configPath}" is a list: containerd ${v.major}.${v.minor} transfer-service pulls ignore hosts.toml`,
      field: `${s.registryTable.join('.')}.config_path`,
      hint: 'use a single directory (mirrorctl writes /etc/containerd/certs.d), or set use_local_image_pull = true',
    });
  }
  if (s.configVersion !== undefined && s.configVersion >= 3 && gates.known && !gates.configV3) {
    out.push({
      ...base,
      severity: 'warning',
      code: 'detect.containerd.version-mismatch',
      message: `a version ${s.configVersion} config.toml on containerd ${v.major}.${v.minor}: its registry settings are silently ignored`,
      field: 'version',
      hint: 'containerd 1.x reads version 1 or 2 files',
    });
  }
  return out;
}
