import { describe, expect, it } from 'vitest';
import { analyzeContainerdConfig } from '../formats/containerd-config.js';
import { importFindings } from './containerd-config-imports.js';

// The same rules run against real containerd 1.6/1.7/2.1 in test/e2e/containerd-config-dump-generated.test.ts.
const CERTS = '/etc/containerd/certs.d';
const MAIN = `version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "${CERTS}"\n`;
const DROP = '/etc/containerd/conf.d/50-site.toml';
const analysis = (version: string, dropIn: string | undefined, unread: string[] = []) =>
  analyzeContainerdConfig(MAIN, version, '/etc/containerd/config.toml', {
    files: dropIn === undefined ? [] : [{ path: DROP, text: dropIn }],
    unread,
  });
const codes = (ds: { code: string }[]) => ds.map((d) => d.code);

describe('importFindings', () => {
  it.each([
    // 1.x: an imported CRI plugin table replaces the main one (config_path lost); 2.x merges per key.
    [
      '1.6.20',
      'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "p"\n',
      ['render.containerd-config.import-overrides'],
    ],
    [
      '2.1.9',
      'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "p"\n',
      ['render.containerd-config.imports-checked'],
    ],
    [
      '2.1.9',
      `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/other"\n`,
      ['render.containerd-config.import-overrides'],
    ],
    [
      '1.7.24',
      `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "${CERTS}"\n`,
      ['render.containerd-config.imports-checked'],
    ],
    [
      '1.7.24',
      'version = 2\n[plugins.cri.registry]\nconfig_path = "/x"\n',
      ['render.containerd-config.import-refused-by-containerd'],
    ],
    [
      '2.1.9',
      `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."q.io"]\nendpoint = []\n`,
      ['render.containerd-config.import-legacy-mirrors', 'render.containerd-config.imports-checked'].slice(
        0,
        1,
      ),
    ],
    ['2.1.9', 'version = 2\n[broken\n', ['render.containerd-config.import-syntax']],
  ])('containerd %s, drop-in %j → %j', (version, dropIn, expected) => {
    expect(codes(importFindings('containerd', analysis(version, dropIn), CERTS, CERTS))).toEqual(expected);
  });

  it('warns when imports were not read, or one could not be followed', () => {
    const unread = analyzeContainerdConfig(MAIN, '2.1.9');
    expect(codes(importFindings('containerd', unread, CERTS, CERTS))).toEqual([
      'render.containerd-config.imports',
    ]);
    const relative = importFindings(
      'containerd',
      analysis('1.6.20', undefined, ['conf.d/*.toml']),
      CERTS,
      CERTS,
    );
    expect(relative).toMatchObject([
      {
        severity: 'warning',
        code: 'render.containerd-config.import-unread',
        message: expect.stringContaining('working directory'),
      },
    ]);
  });

  it('refuses legacy mirrors when an imported file sets config_path, or replaces the table on 1.x', () => {
    const legacy = (version: string, dropIn: string) =>
      codes(
        importFindings(
          'containerd-legacy',
          analyzeContainerdConfig(
            'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n',
            version,
            undefined,
            { files: [{ path: DROP, text: dropIn }], unread: [] },
          ),
          '',
        ),
      );
    expect(
      legacy(
        '2.1.9',
        `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "${CERTS}"\n`,
      ),
    ).toEqual(['render.containerd-legacy.import-config-path']);
    expect(
      legacy('1.6.20', 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "p"\n'),
    ).toEqual(['render.containerd-legacy.import-overrides']);
    expect(
      legacy('2.1.9', 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "p"\n'),
    ).toEqual(['render.containerd-legacy.imports-checked']);
  });
});
