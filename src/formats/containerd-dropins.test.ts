import { describe, expect, it } from 'vitest';
import { parseVersion } from '../util/version.js';
import { effectiveConfigPath, isImported, summarizeDropIns } from './containerd-dropins.js';

const CONF_D = ['/etc/containerd/conf.d/*.toml'];
const v2 = (path: string, body: string) => ({ [path]: `version = 2\n${body}` });

describe('containerd drop-ins', () => {
  it('counts only imported files', () => {
    expect(isImported('/etc/containerd/conf.d/a.toml', CONF_D)).toBe(true);
    expect(isImported('/etc/containerd/conf.d/a.conf', CONF_D)).toBe(false);
    expect(isImported('/etc/containerd/conf.d/a.toml', ['/etc/containerd/conf.d/a.toml'])).toBe(true);
    expect(isImported('/etc/containerd/conf.d/a.toml', [])).toBe(false);
  });

  // A drop-in that only tunes the CRI plugin (no registry): on 1.x its table replaces the main one
  // and config_path is lost; on 2.x tables are deep-merged and config_path survives.
  const files = v2(
    '/etc/containerd/conf.d/10-cri.toml',
    '[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "p:3.9"\n',
  );
  it.each([
    ['1.7.13', { from: '/etc/containerd/conf.d/10-cri.toml' }],
    ['2.1.4', { configPath: '/etc/containerd/certs.d' }],
  ])('on containerd %s', (version, expected) => {
    const { dropIns } = summarizeDropIns(files, CONF_D);
    expect(effectiveConfigPath('/etc/containerd/certs.d', dropIns, parseVersion(version))).toEqual(expected);
  });

  it('lets the last imported drop-in that sets config_path win', () => {
    const { dropIns } = summarizeDropIns(
      {
        ...v2(
          '/etc/containerd/conf.d/20-b.toml',
          '[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/b"\n',
        ),
        ...v2(
          '/etc/containerd/conf.d/10-a.toml',
          '[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/a"\n',
        ),
      },
      CONF_D,
    );
    expect(effectiveConfigPath(undefined, dropIns, parseVersion('2.0.0'))).toEqual({
      configPath: '/b',
      from: '/etc/containerd/conf.d/20-b.toml',
    });
  });

  it('reports legacy mirrors and syntax errors in imported drop-ins, by file', () => {
    const { diagnostics } = summarizeDropIns(
      {
        ...v2(
          '/etc/containerd/conf.d/a.toml',
          '[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\nendpoint = ["https://m"]\n',
        ),
        '/etc/containerd/conf.d/b.toml': '[broken\n',
      },
      CONF_D,
    );
    expect(diagnostics.map((d) => [d.code, d.file, d.severity])).toEqual([
      ['detect.containerd.legacy-mirrors', '/etc/containerd/conf.d/a.toml', 'warning'],
      ['detect.containerd.dropin.syntax', '/etc/containerd/conf.d/b.toml', 'error'],
    ]);
  });
});
