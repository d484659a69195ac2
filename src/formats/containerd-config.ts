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
  /** Where the CRI registry table lives for this config version, as the running containerd reads it. */
  registryTableKeys: string[];
  /** Plugin table holding `use_local_image_pull` (on 2.x always `io.containerd.cri.v1.images`). */
  imagesPluginKeys: string[];
  /** The plugin table that holds `registry` is present (on 1.x an import that has it replaces the main one's). */
  registryPluginPresent: boolean;
  /** Raw `config_path` ('' included); a `:`-separated OS path list on Linux. */
  configPath?: string;
  configPathDirs: string[];
  /** `mirrors."<host>".endpoint` lists by host (`*` included; `[]` too: the entry alone conflicts
   *  with config_path). */
  legacyMirrors: Record<string, string[]>;
  /** `configs."<host>".tls` tables, by host (the host actually contacted); an empty one too. */
  legacyTlsConfigs: Record<string, LegacyTls>;
  /** Hosts with `configs."<host>".auth` (static credentials; allowed together with config_path). */
  legacyAuthHosts: string[];
  /** Their string fields (containerd AuthConfig: username, password, auth, identitytoken). */
  legacyAuths: Record<string, Record<string, string>>;
  imports: string[];
  disabledPlugins: string[];
  /** CRI disabled (`disabled_plugins` names cri / its images plugin): config_path would do nothing. */
  criDisabled: boolean;
  useLocalImagePull?: boolean;
  /** Registry tables under a plugin this config version (and runtime) ignores (§1.1, pitfall 1g). */
  misplacedRegistryTables: string[][];
  /** containerd's own errors when it refuses to load this file (it does not start at all). */
  loadErrors: string[];
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
): Pick<ContainerdConfigFacts, 'legacyMirrors' | 'legacyTlsConfigs' | 'legacyAuthHosts' | 'legacyAuths'> {
  const legacyMirrors: Record<string, string[]> = {};
  const legacyTlsConfigs: Record<string, LegacyTls> = {};
  const legacyAuthHosts: string[] = [];
  const legacyAuths: Record<string, Record<string, string>> = {};
  // Every entry counts, even `endpoint = []` or an empty `tls` table: CRI's ValidatePluginConfig
  // tests `len(Registry.Mirrors) > 0` and `TLS != nil` (its own test uses `"something.io": {}`).
  const mirrors = isTable(registry) ? registry.mirrors : undefined;
  if (isTable(mirrors)) {
    for (const [host, m] of Object.entries(mirrors)) {
      if (isTable(m)) legacyMirrors[host] = strings(m.endpoint);
    }
  }
  const configs = isTable(registry) ? registry.configs : undefined;
  if (isTable(configs)) {
    for (const [host, c] of Object.entries(configs)) {
      if (!isTable(c)) continue;
      if (c.auth !== undefined) legacyAuthHosts.push(host);
      if (isTable(c.auth))
        legacyAuths[host] = Object.fromEntries(
          Object.entries(c.auth).filter((kv): kv is [string, string] => typeof kv[1] === 'string'),
        );
      if (isTable(c.tls)) legacyTlsConfigs[host] = readLegacyTls(c.tls);
    }
  }
  return { legacyMirrors, legacyTlsConfigs, legacyAuthHosts, legacyAuths };
}

/**
 * Where containerd reads `registry` in this document: decided by the file's `version` AND the
 * running containerd (containerdGates(...).versionlessRegistry), because 2.x reads a version 0/1
 * file differently from 1.x. Returns the table's keys and the tables that version ignores.
 */
function registryLocation(
  root: TomlTable,
  configVersion: number,
  runtimeVersion: string | undefined,
): { keys: string[]; ignored: string[][] } {
  const present = (keys: string[]): boolean => isTable(getPath(root, keys));
  const others = (keys: string[]): string[][] =>
    CRI_PLUGIN_IDS.map((id) => ['plugins', id, 'registry']).filter(
      (k) => formatKeyPath(k) !== formatKeyPath(keys) && present(k),
    );
  const rule = containerdGates(runtimeVersion).versionlessRegistry;
  if (configVersion >= 2 || rule === 'cri-plugin') {
    const keys = registryTableKeys(configVersion);
    return { keys, ignored: others(keys) };
  }
  const images = registryTableKeys(3);
  if (rule === 'images-plugin-only') return { keys: images, ignored: others(images) };
  // 2.3+: v1Migrate renames `cri` onto `io.containerd.grpc.v1.cri`, then the images plugin's
  // migration copies that plugin's `registry` over the images plugin's one (plugins/cri/images
  // plugin.go configMigration). Not run here (no 2.3 binary): read from the source.
  const short = ['plugins', CRI_V1, 'registry'];
  const uri = ['plugins', CRI_V2, 'registry'];
  const keys = present(short) ? short : present(uri) ? uri : images;
  return { keys, ignored: others(keys).filter((k) => formatKeyPath(k) !== formatKeyPath(images)) };
}

/**
 * Why this containerd refuses the file outright (its exact messages): 1.x validates plugin ids of a
 * version ≥ 2 file (server/config ValidateV2: fewer than 4 dot-separated parts is an error), 2.x
 * un-dotted disabled/required plugins (ValidateVersion; a v1 file's short ids were renamed before
 * that check). Too high a `version` is the renderers' version-unsupported finding.
 */
function loadErrors(root: TomlTable, configVersion: number, runtimeVersion: string | undefined): string[] {
  const gates = containerdGates(runtimeVersion);
  if (!gates.known) return [];
  const out: string[] = [];
  if (configVersion < 2) return out;
  const short = (id: string): boolean => (gates.configV3 ? !id.includes('.') : id.split('.').length < 4);
  for (const [key, what] of [
    ['disabled_plugins', 'disabled plugin URI'],
    ['required_plugins', 'required plugin URI'],
  ] as const) {
    for (const id of strings(root[key]).filter(short))
      out.push(`invalid ${what} ${JSON.stringify(id)} expect io.containerd.x.vx`);
  }
  if (!gates.configV3 && isTable(root.plugins)) {
    for (const id of Object.keys(root.plugins).filter(short))
      out.push(`invalid plugin key URI ${JSON.stringify(id)} expect io.containerd.x.vx`);
  }
  return out;
}

/**
 * Reads a parsed config.toml as the containerd of `runtimeVersion` does (undefined = unknown: the
 * oldest supported 1.x). The version decides where a version-less file keeps `registry` (above).
 */
export function readContainerdConfig(root: TomlTable, runtimeVersion?: string): ContainerdConfigFacts {
  const configVersion = typeof root.version === 'number' ? root.version : 1;
  const location = registryLocation(root, configVersion, runtimeVersion);
  const registryKeys = location.keys;
  // use_local_image_pull is a 2.1 key of the images plugin; no migration moves it (§1.4).
  const pluginKeys = containerdGates(runtimeVersion).configV3
    ? criPluginKeys(3)
    : criPluginKeys(configVersion);
  const registry = getPath(root, registryKeys);
  const configPath =
    isTable(registry) && typeof registry.config_path === 'string' ? registry.config_path : undefined;
  const disabledPlugins = strings(root.disabled_plugins);
  const useLocal = getPath(root, [...pluginKeys, 'use_local_image_pull']);
  return {
    configVersion,
    registryTableKeys: registryKeys,
    imagesPluginKeys: pluginKeys,
    registryPluginPresent: isTable(getPath(root, registryKeys.slice(0, -1))),
    ...(configPath !== undefined ? { configPath } : {}),
    configPathDirs: configPath ? configPath.split(':').filter((d) => d !== '') : [],
    ...readLegacy(registry),
    imports: strings(root.imports),
    disabledPlugins,
    criDisabled: disabledPlugins.some((p) => CRI_PLUGIN_IDS.includes(p)),
    ...(typeof useLocal === 'boolean' ? { useLocalImagePull: useLocal } : {}),
    misplacedRegistryTables: location.ignored,
    loadErrors: loadErrors(root, configVersion, runtimeVersion),
  };
}

/** True when config.toml lists the CRI plugin in disabled_plugins (unparsable text: false). */
export function criDisabledIn(text: string | undefined): boolean {
  if (text === undefined) return false;
  const parsed = parseToml(text);
  return parsed.ok && readContainerdConfig(parsed.value).criDisabled;
}

export interface ImportedConfigFiles {
  files: { path: string; text: string }[];
  unread: string[];
}

export interface ContainerdConfigAnalysis extends ContainerdConfigFacts {
  /** Node path, for diagnostics. */
  file: string;
  exists: boolean;
  /** The file exists but holds no key (empty, or only comments): it gets a `version` like a new
   *  file, so the table written does not depend on how each containerd reads a version-less file. */
  blank: boolean;
  /** The files `imports` pulls in, as the planner read them (undefined: not read, e.g. a render
   *  without a node); `unread` lists imports it could not follow. */
  imported?: ImportedConfigFiles;
  /** A version-less (or `version = 1`) file and an unknown containerd version: 1.x and 2.0–2.2 read
   *  its registry from different tables, so no table can be chosen (writers must refuse). */
  tableNeedsRuntimeVersion: boolean;
  /** File text ('' when missing); ops from the plan apply to it. */
  text: string;
  /** Undefined when the file does not parse (see diagnostics). */
  parsed?: TomlTable;
  runtimeVersion?: string;
  /** The `toml.parse` error when the file does not parse. */
  diagnostics: Diagnostic[];
}

/**
 * config.toml text (null = the file does not exist) → what containerd reads from it; a missing or
 * blank file gets the config version `containerd config default` writes, an unparsable one reads as
 * empty v1.
 */
export function analyzeContainerdConfig(
  text: string | null,
  runtimeVersion?: string,
  file: string = DEFAULT_PATHS.containerdConfig,
  imported?: ImportedConfigFiles,
): ContainerdConfigAnalysis {
  const base = {
    file,
    exists: text !== null,
    text: text ?? '',
    runtimeVersion,
    ...(imported ? { imported } : {}),
  };
  const fresh = () => readContainerdConfig({ version: containerdGates(runtimeVersion).defaultConfigVersion });
  const neither = { blank: false, tableNeedsRuntimeVersion: false };
  if (text === null) return { ...base, ...neither, ...fresh(), diagnostics: [] };
  const parsed = parseToml(text, file);
  if (!parsed.ok)
    return { ...base, ...neither, ...readContainerdConfig({}), diagnostics: [parsed.diagnostic] };
  const blank = Object.keys(parsed.value).length === 0;
  const facts = blank ? fresh() : readContainerdConfig(parsed.value, runtimeVersion);
  return {
    ...base,
    blank,
    tableNeedsRuntimeVersion: facts.configVersion <= 1 && !containerdGates(runtimeVersion).known,
    parsed: parsed.value,
    ...facts,
    diagnostics: [],
  };
}
