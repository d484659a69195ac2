import { describe, expect, it } from 'vitest';
import { parseVersion } from '../util/version.js';
import { registryTableKeys } from './containerd-config.js';
import { summarizeContainerdConfig } from './containerd-config-summary.js';

const v = (s: string) => parseVersion(s);
const PATH = '/etc/containerd/config.toml';

describe('summarizeContainerdConfig', () => {
  it.each([
    [
      'version-less file = v1, short plugin ids',
      '[plugins.cri.registry]\nconfig_path = "/etc/containerd/certs.d"\n',
      1,
    ],
    [
      'v2',
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/etc/containerd/certs.d"\n',
      2,
    ],
    [
      'v3',
      'version = 3\n[plugins."io.containerd.cri.v1.images".registry]\nconfig_path = "/etc/containerd/certs.d"\n',
      3,
    ],
    [
      'v4',
      'version = 4\n[plugins."io.containerd.cri.v1.images".registry]\nconfig_path = "/etc/containerd/certs.d"\n',
      4,
    ],
  ])('%s', (_name, text, version) => {
    const { summary, diagnostics } = summarizeContainerdConfig(PATH, text, v('2.3.0'));
    expect(summary.configVersion).toBe(version);
    expect(summary.registryTable).toEqual(registryTableKeys(version));
    expect(summary.configPath).toBe('/etc/containerd/certs.d');
    expect(diagnostics).toEqual([]);
  });

  it('flags a registry table the file version ignores (URI table in a version-less file)', () => {
    const text = '[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/etc/containerd/certs.d"\n';
    const { summary, diagnostics } = summarizeContainerdConfig(PATH, text, v('1.6.20'));
    expect(summary.configVersion).toBe(1);
    expect(summary.configPath).toBeUndefined();
    expect(summary.ignoredRegistryTables).toEqual(['plugins."io.containerd.grpc.v1.cri".registry']);
    expect(diagnostics).toMatchObject([
      {
        code: 'detect.containerd.registry-ignored',
        file: PATH,
        hint: expect.stringContaining('plugins.cri.registry'),
      },
    ]);
  });

  it('warns about a version 3 file on containerd 1.x', () => {
    const text = 'version = 3\n[plugins."io.containerd.cri.v1.images".registry]\nconfig_path = "/x"\n';
    const codes = summarizeContainerdConfig(PATH, text, v('1.7.13')).diagnostics.map((d) => d.code);
    expect(codes).toEqual(['detect.containerd.version-mismatch']);
  });

  it('sees CRI disabled by Docker’s containerd.io config', () => {
    const { summary, diagnostics } = summarizeContainerdConfig(
      PATH,
      'disabled_plugins = ["cri"]\n',
      v('1.6.26'),
    );
    expect(summary.criDisabled).toBe(true);
    expect(diagnostics.map((d) => d.code)).toEqual(['detect.containerd.cri-disabled']);
  });

  it('keeps a colon list quiet before 2.1, warns from 2.1', () => {
    const text = 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/a:/b"\n';
    expect(summarizeContainerdConfig(PATH, text, v('2.0.5')).diagnostics).toEqual([]);
    expect(summarizeContainerdConfig(PATH, text, v('2.1.0')).diagnostics.map((d) => d.code)).toEqual([
      'detect.containerd.config-path-list',
    ]);
  });

  it('ignores the empty mirrors table `containerd config default` emits, not an entry in it', () => {
    const R = '[plugins."io.containerd.grpc.v1.cri".registry';
    const empty = `version = 2\n${R}]\nconfig_path = ""\n${R}.mirrors]\n`;
    expect(summarizeContainerdConfig(PATH, empty, v('1.6.20')).summary.legacyMirrorHosts).toEqual([]);
    // `endpoint = []` is still a mirrors entry: 1.6.20 then refuses config_path ("`mirrors` cannot
    // be set when `config_path` is provided"; run by hand, and test/e2e dump suite's ubuntu host).
    const { summary } = summarizeContainerdConfig(
      PATH,
      `${empty}${R}.mirrors."q.io"]\nendpoint = []\n`,
      v('1.6.20'),
    );
    expect(summary.legacyMirrorHosts).toEqual(['q.io']);
    expect(summary.configPath).toBeUndefined();
  });

  it('reports a syntax error with its line and column', () => {
    const { summary, diagnostics } = summarizeContainerdConfig(PATH, 'version = 2\n[plugins\n', v('1.6.20'));
    expect(summary.exists).toBe(true);
    expect(diagnostics).toMatchObject([
      { severity: 'error', code: 'detect.containerd.config.syntax', file: PATH, line: 2 },
    ]);
  });

  it('describes an absent file with the version a new one should use', () => {
    expect(summarizeContainerdConfig(PATH, undefined, v('2.1.4')).summary).toMatchObject({
      exists: false,
      preferredConfigVersion: 3,
      registryTable: ['plugins', 'io.containerd.cri.v1.images', 'registry'],
    });
    expect(summarizeContainerdConfig(PATH, undefined, v('1.7.0')).summary.preferredConfigVersion).toBe(2);
  });

  it('names the implicit config_path list of containerd 2.2+', () => {
    const text = 'version = 3\n[plugins."io.containerd.cri.v1.images".registry]\nconfig_path = ""\n';
    expect(summarizeContainerdConfig(PATH, text, v('2.2.0')).summary.implicitConfigPath).toBe(
      '/etc/containerd/certs.d:/etc/docker/certs.d',
    );
    expect(summarizeContainerdConfig(PATH, text, v('2.1.4')).summary.implicitConfigPath).toBeUndefined();
  });
});
