// fast-check model of the config.toml files a node may have before mirrorctl edits it: no file, an
// empty or comment-only file, or a file of config version absent/1/2/3 with CRI plugin tables under
// any of the three ids, a registry table (config_path unset/empty/ours/another dir/a list, legacy
// mirrors) and `imports` of drop-ins that touch nothing, tune the CRI plugin, or set config_path.
// Rendered to text + the drop-in files beside it (paths relative to /etc/containerd).
import fc from 'fast-check';

export const CERTS = '/etc/containerd/certs.d';
const OTHER = '/etc/docker/certs.d';

const PLUGIN = {
  cri: 'plugins.cri',
  uri: 'plugins."io.containerd.grpc.v1.cri"',
  images: 'plugins."io.containerd.cri.v1.images"',
} as const;
type PluginKey = keyof typeof PLUGIN;

export interface ConfigModel {
  shape: 'absent' | 'empty' | 'comments' | 'content';
  version: 1 | 2 | 3 | undefined;
  /** Plugin tables with an ordinary (non-registry) setting. */
  pluginTables: PluginKey[];
  /** Where an existing registry table sits, if any. */
  registryAt: PluginKey | 'none';
  configPath: string | undefined;
  legacyMirror: boolean;
  imports: 'none' | 'unrelated' | 'cri-table' | 'same-config-path' | 'other-config-path' | 'no-match';
  /** The plugin id the drop-ins use for the CRI plugin (each uses its own file's naming). */
  dropInPlugin: PluginKey;
  migrateLegacy: boolean;
  keepConfigPathList: boolean;
}

export const configModel: fc.Arbitrary<ConfigModel> = fc.record({
  shape: fc.constantFrom('absent', 'empty', 'comments', 'content', 'content', 'content', 'content'),
  version: fc.constantFrom(undefined, 1, 2, 2, 3, 3),
  pluginTables: fc.subarray(['cri', 'uri', 'images'] as PluginKey[]),
  registryAt: fc.constantFrom('none', 'cri', 'uri', 'images'),
  configPath: fc.constantFrom(undefined, '', CERTS, OTHER, `${CERTS}:${OTHER}`),
  legacyMirror: fc.boolean(),
  imports: fc.constantFrom(
    'none',
    'none',
    'unrelated',
    'cri-table',
    'same-config-path',
    'other-config-path',
    'no-match',
  ),
  dropInPlugin: fc.constantFrom('cri', 'uri', 'images'),
  migrateLegacy: fc.boolean(),
  keepConfigPathList: fc.boolean(),
}) as fc.Arbitrary<ConfigModel>;

const SETTING: Record<PluginKey, string> = {
  cri: 'sandbox_image = "registry.k8s.io/pause:3.9"',
  uri: 'sandbox_image = "registry.k8s.io/pause:3.9"',
  images: 'snapshotter = "overlayfs"',
};

export interface ConfigInput {
  /** config.toml text; null = the file does not exist. */
  text: string | null;
  /** Drop-ins, by path relative to the config's directory. */
  files: Record<string, string>;
}

function dropIn(m: ConfigModel): string | undefined {
  const head = m.version === undefined ? '' : `version = ${m.version}\n`;
  const table = PLUGIN[m.dropInPlugin];
  switch (m.imports) {
    case 'unrelated':
      return `${head}[plugins."io.containerd.gc.v1.scheduler"]\npause_threshold = 0.02\n`;
    case 'cri-table':
      return `${head}[${table}]\n${SETTING[m.dropInPlugin]}\n`;
    case 'same-config-path':
      return `${head}[${table}.registry]\nconfig_path = "${CERTS}"\n`;
    case 'other-config-path':
      return `${head}[${table}.registry]\nconfig_path = "${OTHER}"\n`;
    default:
      return undefined;
  }
}

export function renderModel(m: ConfigModel): ConfigInput {
  if (m.shape === 'absent') return { text: null, files: {} };
  if (m.shape === 'empty') return { text: '', files: {} };
  if (m.shape === 'comments') return { text: '# provisioned later\n', files: {} };
  const top: string[] = [];
  if (m.version !== undefined) top.push(`version = ${m.version}`);
  if (m.imports !== 'none') top.push('imports = ["conf.d/*.toml"]');
  top.push('oom_score = 0');
  const tables: string[] = [];
  for (const p of m.pluginTables) tables.push(`[${PLUGIN[p]}]\n${SETTING[p]}`);
  if (m.registryAt !== 'none') {
    const reg = `${PLUGIN[m.registryAt]}.registry`;
    tables.push(`[${reg}]${m.configPath === undefined ? '' : `\nconfig_path = "${m.configPath}"`}`);
    if (m.legacyMirror)
      tables.push(`[${reg}.mirrors."docker.io"]\nendpoint = ["https://mirror.example.com"]`);
  }
  const d = dropIn(m);
  return {
    text: `${[top.join('\n'), ...tables].join('\n\n')}\n`,
    files: d === undefined ? {} : { 'conf.d/50-site.toml': d },
  };
}
