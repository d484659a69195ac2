import { describe, expect, it } from 'vitest';
import { parseToml, type TomlTable } from '../toml/parse.js';
import {
  analyzeContainerdConfig,
  CRI_PLUGIN_IDS,
  criDisabledIn,
  legacyEndpointUrl,
  readContainerdConfig,
  registryTableKeys,
} from './containerd-config.js';

const R2 = 'plugins."io.containerd.grpc.v1.cri".registry';
const IMAGES_KEYS = ['plugins', 'io.containerd.cri.v1.images', 'registry'];
const toml = (text: string): TomlTable => {
  const r = parseToml(text);
  if (!r.ok) throw new Error(r.diagnostic.message);
  return r.value;
};

describe('config generations', () => {
  it.each([
    [0, ['plugins', 'cri', 'registry']],
    [1, ['plugins', 'cri', 'registry']],
    [2, ['plugins', 'io.containerd.grpc.v1.cri', 'registry']],
    [3, ['plugins', 'io.containerd.cri.v1.images', 'registry']],
    [4, ['plugins', 'io.containerd.cri.v1.images', 'registry']],
  ])('version %i keeps registry under %j', (version, keys) => {
    expect(registryTableKeys(version)).toEqual(keys);
    expect(readContainerdConfig({ version }).registryTableKeys).toEqual(keys);
  });

  it('reads a file without `version` as version 1', () => {
    expect(readContainerdConfig(toml('[plugins.cri.registry]\nconfig_path = "/c"\n'))).toMatchObject({
      configVersion: 1,
      configPath: '/c',
      registryPluginPresent: true,
    });
  });
});

describe('readContainerdConfig', () => {
  it('splits config_path as an OS path list', () => {
    const f = readContainerdConfig(toml(`version = 2\n[${R2}]\nconfig_path = ":/a::/b"\n`));
    expect(f.configPath).toBe(':/a::/b');
    expect(f.configPathDirs).toEqual(['/a', '/b']);
  });

  it.each(CRI_PLUGIN_IDS)('disabled_plugins = [%j] disables CRI', (id) => {
    expect(readContainerdConfig({ disabled_plugins: [id] }).criDisabled).toBe(true);
    expect(criDisabledIn(`disabled_plugins = ["${id}"]\n`)).toBe(true);
  });

  it('takes only lists of strings, as containerd’s []string fields decode them', () => {
    const f = readContainerdConfig(
      toml(
        `disabled_plugins = "cri"\nimports = "/a.toml"\nversion = 2\n[${R2}.mirrors]\n"a.io" = { endpoint = "https://m" }\n"b.io" = { endpoint = [1, "https://m"] }\n"c.io" = { endpoint = [] }\n`,
      ),
    );
    expect(f).toMatchObject({ criDisabled: false, imports: [], disabledPlugins: [] });
    // Every entry is a mirror host (CRI tests len(mirrors) > 0); only string endpoints are kept.
    expect(f.legacyMirrors).toEqual({ 'a.io': [], 'b.io': ['https://m'], 'c.io': [] });
  });

  it('reads legacy configs: tls tables (an empty one too: CRI tests TLS != nil) and auth hosts', () => {
    const f = readContainerdConfig(
      toml(
        `version = 2\n[${R2}.configs."a.io".tls]\nca_file = "/ca.pem"\ninsecure_skip_verify = false\ncert_file = ""\n[${R2}.configs."b.io".tls]\n[${R2}.configs."c.io".auth]\nusername = "u"\n`,
      ),
    );
    expect(f.legacyTlsConfigs).toEqual({
      'a.io': { caFile: '/ca.pem', insecureSkipVerify: false },
      'b.io': {},
    });
    expect(f.legacyAuthHosts).toEqual(['c.io']);
  });

  // A version-less file by containerd version (containerd-versions.ts versionlessRegistry); 1.7
  // and 2.1 rows are also run on the real binaries by test/e2e/containerd-config-dump*.test.ts.
  const SHORT = ['plugins', 'cri', 'registry'];
  const URI = ['plugins', 'io.containerd.grpc.v1.cri', 'registry'];
  const IMAGES = ['plugins', 'io.containerd.cri.v1.images', 'registry'];
  it.each([
    ['1.7.13', `[${R2}]\nconfig_path = "/c"\n`, SHORT, [URI]],
    ['1.7.13', '[plugins.cri.registry]\nconfig_path = "/c"\n', SHORT, []],
    ['2.1.9', '[plugins.cri.registry]\nconfig_path = "/c"\n', IMAGES, [SHORT]],
    ['2.1.9', `[${R2}]\nconfig_path = "/c"\n`, IMAGES, [URI]],
    ['2.0.0', '[plugins."io.containerd.cri.v1.images".registry]\nconfig_path = "/c"\n', IMAGES, []],
    ['2.3.0', '[plugins.cri.registry]\nconfig_path = "/c"\n', SHORT, []],
    ['2.3.0', `[${R2}]\nconfig_path = "/c"\n`, URI, []],
    ['2.3.0', '[plugins.cri]\nsandbox_image = "p"\n', IMAGES, []],
  ])('containerd %s reads a version-less %j from %j, ignoring %j', (runtime, text, keys, ignored) => {
    const f = readContainerdConfig(toml(text), runtime);
    expect(f.registryTableKeys).toEqual(keys);
    expect(f.misplacedRegistryTables).toEqual(ignored);
  });

  it('reads use_local_image_pull from the images plugin on 2.x whatever the file version', () => {
    const f = readContainerdConfig(
      toml('[plugins."io.containerd.cri.v1.images"]\nuse_local_image_pull = true\n'),
      '2.1.9',
    );
    expect(f.useLocalImagePull).toBe(true);
  });

  it('finds use_local_image_pull in the images plugin of a v3 file', () => {
    const text = 'version = 3\n[plugins."io.containerd.cri.v1.images"]\nuse_local_image_pull = true\n';
    expect(readContainerdConfig(toml(text)).useLocalImagePull).toBe(true);
  });
});

describe('analyzeContainerdConfig', () => {
  it('gives a missing file the version `containerd config default` writes', () => {
    expect(analyzeContainerdConfig(null, '1.7.13')).toMatchObject({ exists: false, configVersion: 2 });
    expect(analyzeContainerdConfig(null, '2.1.4')).toMatchObject({
      exists: false,
      configVersion: 3,
      registryTableKeys: ['plugins', 'io.containerd.cri.v1.images', 'registry'],
    });
  });

  it('gives a blank file (only comments) a version like a new file', () => {
    expect(analyzeContainerdConfig('# nothing yet\n', '2.1.9')).toMatchObject({
      exists: true,
      blank: true,
      configVersion: 3,
      registryTableKeys: IMAGES_KEYS,
      tableNeedsRuntimeVersion: false,
    });
  });

  it('cannot place the registry table of a version-less file without the containerd version', () => {
    expect(analyzeContainerdConfig('[plugins.cri]\n', undefined).tableNeedsRuntimeVersion).toBe(true);
    expect(analyzeContainerdConfig('[plugins.cri]\n', '1.6.20').tableNeedsRuntimeVersion).toBe(false);
    expect(analyzeContainerdConfig('version = 2\n', undefined).tableNeedsRuntimeVersion).toBe(false);
    expect(analyzeContainerdConfig(null, undefined).tableNeedsRuntimeVersion).toBe(false);
  });

  it('reports a syntax error as toml.parse with line and column', () => {
    const a = analyzeContainerdConfig('version = 2\n[plugins\n', '1.6.20', '/etc/containerd/config.toml');
    expect(a.parsed).toBeUndefined();
    expect(a.diagnostics).toMatchObject([
      { code: 'toml.parse', line: 2, file: '/etc/containerd/config.toml' },
    ]);
    expect(criDisabledIn('[broken\n')).toBe(false);
  });
});

describe('legacyEndpointUrl', () => {
  it.each([
    ['mirror.example.com/proxy', 'https://mirror.example.com/proxy'],
    ['localhost:5000', 'http://localhost:5000'],
    ['127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['[::1]:5000', 'http://[::1]:5000'],
    ['http://m.example.com', 'http://m.example.com'],
  ])('%s → %s', (endpoint, url) => expect(legacyEndpointUrl(endpoint)).toBe(url));
});
