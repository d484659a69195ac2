// containerd's config.toml as containerd reads it (runtime-semantics.md §1.1–1.4): config versions →
// CRI plugin table, config_path, legacy mirrors/configs, disabled_plugins, imports. Ports
// server/config + the CRI registry config (1.x pkg/cri/config, 2.x internal/cri/config). Pure.
import type { Diagnostic } from '../diagnostics.js';
import { getPath, isTable, parseToml, type TomlTable } from '../toml/parse.js';
import { formatKeyPath } from '../toml/patch-keys.js';
import { containerdGates } from './containerd-versions.js';
import { DEFAULT_PATHS } from './node-paths.js';

const CRI_V1 = 'cri';
const CRI_V2 = 'io.containerd.grpc.v1.cri';
const IMAGES_V3 = 'io.containerd.cri.v1.images';

/** Plugin ids that mean "CRI" (in disabled_plugins, as a table under `plugins`): v1 short id, v2
 *  URI, and v3/v4's split images plugin, which owns `registry` there. */
export const CRI_PLUGIN_IDS: readonly string[] = [CRI_V1, CRI_V2, IMAGES_V3];

/** The CRI plugin table holding `registry` (and `use_local_image_pull`) for a config version:
 *  v1 (and a version-less file) short ids, v2 URIs, v3/v4 the images plugin (§1.1). */
const criPluginKeys = (configVersion: number): string[] => [
  'plugins',
  configVersion <= 1 ? CRI_V1 : configVersion === 2 ? CRI_V2 : IMAGES_V3,
];

/** Keys of the `registry` table containerd reads in a file of this config version. */
export const registryTableKeys = (configVersion: number): string[] => [
  ...criPluginKeys(configVersion),
  'registry',
];

/** containerd 2.2.0–2.2.1 bake the list into the default; 2.2.2+ apply it at init when mirrors are empty. */
export const IMPLICIT_CONFIG_PATH_2_2 = '/etc/containerd/certs.d:/etc/docker/certs.d';

/** Legacy `registry.configs."<host>".tls` (deprecated 1.5, removed in 2.0). */
export interface LegacyTls {
  insecureSkipVerify?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)(:\d+)?$/;

/**
 * A legacy `mirrors."<host>".endpoint` entry with the scheme CRI gives it (1.x pkg/cri/server
 * image_pull.go addDefaultScheme): none written → https, or http for a loopback host. CRI then uses
 * a non-empty URL path verbatim as the API root; only an empty one becomes /v2 (§1.2).
 */
export const legacyEndpointUrl = (endpoint: string): string =>
  endpoint.includes('://')
    ? endpoint
    : `${LOOPBACK.test(endpoint.split('/')[0] ?? '') ? 'http' : 'https'}://${endpoint}`;

/** What containerd takes from one parsed config.toml (or drop-in) about registries. */
export interface ContainerdConfigFacts {
  /** `version` key; a file without one is version 1. */
  configVersion: number;
  /** Where the CRI registry table lives for this config version. */
  registryTableKeys: string[];
  /** Plugin table holding `use_local_image_pull` (v3+: `io.containerd.cri.v1.images`): criPluginKeys. */
  imagesPluginKeys: string[];
  /** The plugin table that holds `registry` is present (on 1.x an import that has it replaces the main one's). */
  registryPluginPresent: boolean;
  /** Raw `config_path` ('' included); a `:`-separated OS path list on Linux. */
  configPath?: string;
  configPathDirs: string[];
  /** Non-empty `mirrors."<host>".endpoint` lists, by host (`*` included). */
  legacyMirrors: Record<string, string[]>;
  /** Non-empty `configs."<host>".tls` tables, by host (the host actually contacted). */
  legacyTlsConfigs: Record<string, LegacyTls>;
  /** Hosts with `configs."<host>".auth` (static credentials; allowed together with config_path). */
  legacyAuthHosts: string[];
  imports: string[];
  disabledPlugins: string[];
  /** CRI disabled (`disabled_plugins` names cri / its images plugin): config_path would do nothing. */
  criDisabled: boolean;
  useLocalImagePull?: boolean;
  /** Registry tables under a plugin this config version ignores (§1.1, pitfall 1g). */
  misplacedRegistryTables: string[][];
}

/** A string list as containerd's []string fields decode it: anything else is not a list of strings. */
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

function readLegacyTls(tls: TomlTable): LegacyTls {
  return {
    ...(typeof tls.insecure_skip_verify === 'boolean'
      ? { insecureSkipVerify: tls.insecure_skip_verify }
      : {}),
    ...(nonEmpty(tls.ca_file) ? { caFile: tls.ca_file } : {}),
    ...(nonEmpty(tls.cert_file) ? { certFile: tls.cert_file } : {}),
    ...(nonEmpty(tls.key_file) ? { keyFile: tls.key_file } : {}),
  };
}

function readLegacy(
  registry: unknown,
): Pick<ContainerdConfigFacts, 'legacyMirrors' | 'legacyTlsConfigs' | 'legacyAuthHosts'> {
  const legacyMirrors: Record<string, string[]> = {};
  const legacyTlsConfigs: Record<string, LegacyTls> = {};
  const legacyAuthHosts: string[] = [];
  const mirrors = isTable(registry) ? registry.mirrors : undefined;
  if (isTable(mirrors)) {
    for (const [host, m] of Object.entries(mirrors)) {
      const endpoints = isTable(m) ? strings(m.endpoint) : [];
      if (endpoints.length > 0) legacyMirrors[host] = endpoints;
    }
  }
  const configs = isTable(registry) ? registry.configs : undefined;
  if (isTable(configs)) {
    for (const [host, c] of Object.entries(configs)) {
      if (!isTable(c)) continue;
      if (c.auth !== undefined) legacyAuthHosts.push(host);
      if (isTable(c.tls) && Object.keys(c.tls).length > 0) legacyTlsConfigs[host] = readLegacyTls(c.tls);
    }
  }
  return { legacyMirrors, legacyTlsConfigs, legacyAuthHosts };
}

/**
 * Reads a parsed config.toml. `runtimeVersion` matters only for misplaced tables: containerd 2.x
 * migrates a version-less file's URI table itself (v1 → v2 → v3), so it reads that table there.
 */
export function readContainerdConfig(root: TomlTable, runtimeVersion?: string): ContainerdConfigFacts {
  const configVersion = typeof root.version === 'number' ? root.version : 1;
  const registryKeys = registryTableKeys(configVersion);
  const pluginKeys = criPluginKeys(configVersion);
  const registry = getPath(root, registryKeys);
  const configPath =
    isTable(registry) && typeof registry.config_path === 'string' ? registry.config_path : undefined;
  const disabledPlugins = strings(root.disabled_plugins);
  const useLocal = getPath(root, [...pluginKeys, 'use_local_image_pull']);
  const migratesV1 = containerdGates(runtimeVersion).configV3 && configVersion === 1;
  const misplaced = CRI_PLUGIN_IDS.map((id) => ['plugins', id, 'registry'])
    .filter((keys) => formatKeyPath(keys) !== formatKeyPath(registryKeys) && isTable(getPath(root, keys)))
    .filter((keys) => !(migratesV1 && keys[1] === CRI_V2));
  return {
    configVersion,
    registryTableKeys: registryKeys,
    imagesPluginKeys: pluginKeys,
    registryPluginPresent: isTable(getPath(root, pluginKeys)),
    ...(configPath !== undefined ? { configPath } : {}),
    configPathDirs: configPath ? configPath.split(':').filter((d) => d !== '') : [],
    ...readLegacy(registry),
    imports: strings(root.imports),
    disabledPlugins,
    criDisabled: disabledPlugins.some((p) => CRI_PLUGIN_IDS.includes(p)),
    ...(typeof useLocal === 'boolean' ? { useLocalImagePull: useLocal } : {}),
    misplacedRegistryTables: misplaced,
  };
}

/** True when config.toml lists the CRI plugin in disabled_plugins (unparsable text: false). */
export function criDisabledIn(text: string | undefined): boolean {
  if (text === undefined) return false;
  const parsed = parseToml(text);
  return parsed.ok && readContainerdConfig(parsed.value).criDisabled;
}

export interface ContainerdConfigAnalysis extends ContainerdConfigFacts {
  /** Node path, for diagnostics. */
  file: string;
  exists: boolean;
  /** File text ('' when missing); ops from the plan apply to it. */
  text: string;
  /** Undefined when the file does not parse (see diagnostics). */
  parsed?: TomlTable;
  runtimeVersion?: string;
  /** The `toml.parse` error when the file does not parse. */
  diagnostics: Diagnostic[];
}

/**
 * config.toml text (null = the file does not exist) → what containerd reads from it; a missing file
 * gets the config version `containerd config default` writes, an unparsable one reads as empty v1.
 */
export function analyzeContainerdConfig(
  text: string | null,
  runtimeVersion?: string,
  file: string = DEFAULT_PATHS.containerdConfig,
): ContainerdConfigAnalysis {
  const base = { file, exists: text !== null, text: text ?? '', runtimeVersion };
  if (text === null) {
    const facts = readContainerdConfig({ version: containerdGates(runtimeVersion).defaultConfigVersion });
    return { ...base, ...facts, diagnostics: [] };
  }
  const parsed = parseToml(text, file);
  if (!parsed.ok) return { ...base, ...readContainerdConfig({}), diagnostics: [parsed.diagnostic] };
  return {
    ...base,
    parsed: parsed.value,
    ...readContainerdConfig(parsed.value, runtimeVersion),
    diagnostics: [],
  };
}
