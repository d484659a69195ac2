// Reads an existing /etc/containerd/config.toml (or its absence) into the facts the config_path
// plan needs (runtime-semantics.md §1.1–1.4). Pure: the caller reads the file and passes the text.
import type { Diagnostic } from '../diagnostics.js';
import { containerdGates } from '../formats/containerd-versions.js';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import { getPath, isTable, parseToml, type TomlTable } from '../toml/parse.js';
import { formatKeyPath } from '../toml/patch-keys.js';

export { type ConfigPathOptions, type ConfigPathPlan, planConfigPath } from './containerd-config-plan.js';
export { legacyToHostsFiles } from './containerd-legacy-migrate.js';

/** Legacy `registry.configs."<host>".tls` (deprecated 1.5, removed in 2.0). */
export interface LegacyTls {
  insecureSkipVerify?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface ContainerdConfigAnalysis {
  /** Node path, for diagnostics. */
  file: string;
  exists: boolean;
  /** File text ('' when missing); ops from the plan apply to it. */
  text: string;
  /** Undefined when the file does not parse (see diagnostics). */
  parsed?: TomlTable;
  runtimeVersion?: string;
  /** `version` key; a file without one is version 1. A missing file gets the runtime's default. */
  configVersion: number;
  /** Where the CRI registry table lives for this config version. */
  registryTableKeys: string[];
  /** Plugin table holding `use_local_image_pull` (v3+: `io.containerd.cri.v1.images`). */
  imagesPluginKeys: string[];
  /** Raw `config_path`; a `:`-separated list on Linux. */
  configPath?: string;
  configPathDirs: string[];
  /** Non-empty `mirrors."<host>".endpoint` lists, by host (`*` included). */
  legacyMirrors: Record<string, string[]>;
  legacyTlsConfigs: Record<string, LegacyTls>;
  imports: string[];
  disabledPlugins: string[];
  /** CRI disabled (`disabled_plugins` names cri / its images plugin): config_path would do nothing. */
  criDisabled: boolean;
  useLocalImagePull?: boolean;
  /** Registry tables under a plugin this config version ignores (§1.1, pitfall 1g). */
  misplacedRegistryTables: string[][];
  diagnostics: Diagnostic[];
}

const CRI_V1 = ['plugins', 'cri'];
const CRI_V2 = ['plugins', 'io.containerd.grpc.v1.cri'];
const IMAGES_V3 = ['plugins', 'io.containerd.cri.v1.images'];

/** CRI plugin table of a config version: v1 short ids, v2 URIs, v3/v4 the split images plugin. */
export const criPluginKeys = (configVersion: number): string[] =>
  configVersion <= 1 ? CRI_V1 : configVersion === 2 ? CRI_V2 : IMAGES_V3;

const CRI_PLUGIN_IDS = new Set(['cri', 'io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.images']);

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

function readLegacy(registry: unknown): Pick<ContainerdConfigAnalysis, 'legacyMirrors' | 'legacyTlsConfigs'> {
  const legacyMirrors: Record<string, string[]> = {};
  const legacyTlsConfigs: Record<string, LegacyTls> = {};
  const mirrors = getPath(isTable(registry) ? registry : {}, ['mirrors']);
  if (isTable(mirrors)) {
    for (const [host, m] of Object.entries(mirrors)) {
      const endpoints = isTable(m) ? strings(m.endpoint) : [];
      if (endpoints.length > 0) legacyMirrors[host] = endpoints;
    }
  }
  const configs = getPath(isTable(registry) ? registry : {}, ['configs']);
  if (isTable(configs)) {
    for (const [host, c] of Object.entries(configs)) {
      const tls = isTable(c) ? c.tls : undefined;
      if (!isTable(tls) || Object.keys(tls).length === 0) continue;
      legacyTlsConfigs[host] = {
        ...(typeof tls.insecure_skip_verify === 'boolean'
          ? { insecureSkipVerify: tls.insecure_skip_verify }
          : {}),
        ...(typeof tls.ca_file === 'string' && tls.ca_file !== '' ? { caFile: tls.ca_file } : {}),
        ...(typeof tls.cert_file === 'string' && tls.cert_file !== '' ? { certFile: tls.cert_file } : {}),
        ...(typeof tls.key_file === 'string' && tls.key_file !== '' ? { keyFile: tls.key_file } : {}),
      };
    }
  }
  return { legacyMirrors, legacyTlsConfigs };
}

/** Analyzes config.toml text (null = the file does not exist). Never throws. */
export function analyzeContainerdConfig(
  text: string | null,
  runtimeVersion?: string,
  file: string = DEFAULT_PATHS.containerdConfig,
): ContainerdConfigAnalysis {
  const gates = containerdGates(runtimeVersion);
  const base = {
    file,
    exists: text !== null,
    text: text ?? '',
    runtimeVersion,
    configPathDirs: [],
    legacyMirrors: {},
    legacyTlsConfigs: {},
    imports: [],
    disabledPlugins: [],
    criDisabled: false,
    misplacedRegistryTables: [],
  };
  if (text === null) {
    const v = gates.defaultConfigVersion;
    return { ...base, configVersion: v, ...tables(v), diagnostics: [] };
  }
  const parsed = parseToml(text, file);
  if (!parsed.ok) return { ...base, configVersion: 1, ...tables(1), diagnostics: [parsed.diagnostic] };
  const root = parsed.value;
  const configVersion = typeof root.version === 'number' ? root.version : 1;
  const t = tables(configVersion);
  const registry = getPath(root, t.registryTableKeys);
  const configPath =
    isTable(registry) && typeof registry.config_path === 'string' ? registry.config_path : undefined;
  const disabledPlugins = strings(root.disabled_plugins);
  const useLocal = getPath(root, [...t.imagesPluginKeys, 'use_local_image_pull']);
  const misplaced = [CRI_V1, CRI_V2, IMAGES_V3]
    .map((p) => [...p, 'registry'])
    .filter(
      (keys) => formatKeyPath(keys) !== formatKeyPath(t.registryTableKeys) && isTable(getPath(root, keys)),
    )
    // containerd 2.x migrates a version-less file's URI table itself (v1 → v2 → v3), so it is read there.
    .filter((keys) => !(gates.configV3 && configVersion === 1 && keys[1] === CRI_V2[1]));
  return {
    ...base,
    parsed: root,
    configVersion,
    ...t,
    ...(configPath !== undefined ? { configPath } : {}),
    configPathDirs: configPath ? configPath.split(':').filter((d) => d !== '') : [],
    ...readLegacy(registry),
    imports: strings(root.imports),
    disabledPlugins,
    criDisabled: disabledPlugins.some((p) => CRI_PLUGIN_IDS.has(p)),
    ...(typeof useLocal === 'boolean' ? { useLocalImagePull: useLocal } : {}),
    misplacedRegistryTables: misplaced,
    diagnostics: [],
  };
}

function tables(
  configVersion: number,
): Pick<ContainerdConfigAnalysis, 'registryTableKeys' | 'imagesPluginKeys'> {
  const plugin = criPluginKeys(configVersion);
  return {
    registryTableKeys: [...plugin, 'registry'],
    imagesPluginKeys: configVersion >= 3 ? IMAGES_V3 : plugin,
  };
}
