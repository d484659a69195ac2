// What an existing containerd config.toml says about registries (runtime-semantics.md §1.1–1.3):
// its config version, which plugin table holds `registry` for that version, config_path, and
// legacy mirrors/configs that conflict with config_path. Parsing only; the agent decides.
import { parse, TomlError } from 'smol-toml';
import { atLeast, type Version } from '../util/version.js';
import type { Diagnostic } from '../diagnostics.js';
import type { ContainerdDropIn } from './containerd-dropins.js';

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

/** containerd 2.2.0–2.2.1 bake the list into the default; 2.2.2+ apply it at init when mirrors are empty. */
export const IMPLICIT_CONFIG_PATH_2_2 = '/etc/containerd/certs.d:/etc/docker/certs.d';

const REGISTRY_PARENTS: Record<number, string[]> = {
  1: ['plugins', 'cri'],
  2: ['plugins', 'io.containerd.grpc.v1.cri'],
  3: ['plugins', 'io.containerd.cri.v1.images'],
  4: ['plugins', 'io.containerd.cri.v1.images'],
};
const CRI_PLUGIN_IDS = ['cri', 'io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.images'];

/** Keys of the `registry` table for a config version (v1 short IDs, v2 URI, v3/v4 images plugin). */
export function registryTableKeys(configVersion: number): string[] {
  return [...(REGISTRY_PARENTS[configVersion] ?? REGISTRY_PARENTS[2] ?? []), 'registry'];
}

/** True when config.toml lists the CRI plugin in disabled_plugins (unparsable text: false). */
export function criDisabledIn(text: string | undefined): boolean {
  if (text === undefined) return false;
  try {
    return strings(parse(text).disabled_plugins).some((p) => CRI_PLUGIN_IDS.includes(p));
  } catch {
    return false;
  }
}

export const preferredConfigVersion = (v: Version | undefined): number => (v && atLeast(v, 2, 0) ? 3 : 2);

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);
const getPath = (t: Table, keys: string[]): unknown =>
  keys.reduce<unknown>((acc, k) => (isTable(acc) ? acc[k] : undefined), t);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export function summarizeContainerdConfig(
  path: string,
  text: string | undefined,
  runtimeVersion: Version | undefined,
): { summary: ContainerdConfigSummary; diagnostics: Diagnostic[] } {
  const preferred = preferredConfigVersion(runtimeVersion);
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
  let doc: Table;
  try {
    doc = parse(text);
  } catch (err) {
    const d: Diagnostic = {
      severity: 'error',
      code: 'detect.containerd.config.syntax',
      message: `config.toml does not parse: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      file: path,
      hint: 'containerd refuses to start with this file; fix it before mirrorctl edits it',
    };
    if (err instanceof TomlError) Object.assign(d, { line: err.line, column: err.column });
    return { summary, diagnostics: [d] };
  }
  const version = typeof doc.version === 'number' ? doc.version : 1;
  summary.configVersion = version;
  summary.registryTable = registryTableKeys(version);
  const registry = getPath(doc, summary.registryTable);
  const diagnostics: Diagnostic[] = [];
  if (isTable(registry)) {
    if (typeof registry.config_path === 'string' && registry.config_path !== '') {
      summary.configPath = registry.config_path;
      summary.configPathDirs = registry.config_path.split(':').filter((p) => p !== '');
    }
    const mirrors = registry.mirrors;
    if (isTable(mirrors)) {
      summary.legacyMirrorHosts = Object.keys(mirrors).filter((h) => {
        const m = mirrors[h];
        return isTable(m) && strings(m.endpoint).length > 0;
      });
    }
    const configs = registry.configs;
    if (isTable(configs)) {
      summary.legacyTlsHosts = Object.keys(configs).filter(
        (h) => isTable(configs[h]) && isTable(getPath(configs, [h, 'tls'])),
      );
    }
  }
  summary.imports = strings(doc.imports);
  summary.criDisabled = strings(doc.disabled_plugins).some((p) => CRI_PLUGIN_IDS.includes(p));
  for (const parent of Object.values(REGISTRY_PARENTS)) {
    const keys = [...parent, 'registry'];
    if (keys.join('.') !== summary.registryTable.join('.') && isTable(getPath(doc, keys))) {
      const dotted = keys.map((k) => (k.includes('.') ? `"${k}"` : k)).join('.');
      if (!summary.ignoredRegistryTables.includes(dotted)) summary.ignoredRegistryTables.push(dotted);
    }
  }
  if (
    !summary.configPath &&
    summary.legacyMirrorHosts.length === 0 &&
    runtimeVersion &&
    atLeast(runtimeVersion, 2, 2)
  ) {
    summary.implicitConfigPath = IMPLICIT_CONFIG_PATH_2_2;
  }
  diagnostics.push(...configDiagnostics(summary, runtimeVersion));
  return { summary, diagnostics };
}

function configDiagnostics(s: ContainerdConfigSummary, v: Version | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const base = { file: s.path, target: 'containerd' };
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
  if (s.configPathDirs.length > 1 && v && atLeast(v, 2, 1)) {
    out.push({
      ...base,
      severity: 'warning',
      code: 'detect.containerd.config-path-list',
      message: `config_path "${s.configPath}" is a list: containerd ${v.major}.${v.minor} transfer-service pulls ignore hosts.toml`,
      field: `${s.registryTable.join('.')}.config_path`,
      hint: 'use a single directory (mirrorctl writes /etc/containerd/certs.d), or set use_local_image_pull = true',
    });
  }
  if (s.configVersion !== undefined && s.configVersion >= 3 && v && !atLeast(v, 2, 0)) {
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
