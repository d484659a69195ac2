import { describe, expect, it } from 'vitest';
import { getPath, parseToml, tomlEqual } from './parse.js';

describe('parseToml', () => {
  it('reports file, line and column instead of throwing', () => {
    const r = parseToml(
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = /etc\n',
      '/etc/containerd/config.toml',
    );
    expect(r).toMatchObject({
      ok: false,
      diagnostic: {
        severity: 'error',
        code: 'toml.parse',
        file: '/etc/containerd/config.toml',
        line: 3,
        column: 17,
      },
    });
  });

  it('reads nested quoted keys', () => {
    const r = parseToml('[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/c"\n');
    if (!r.ok) throw new Error(r.diagnostic.message);
    expect(getPath(r.value, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'config_path'])).toBe('/c');
    expect(getPath(r.value, ['plugins', 'missing', 'x'])).toBeUndefined();
  });
});

describe('tomlEqual', () => {
  it.each([
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, true],
    [{ a: {} }, { a: { b: 1 } }, false],
    [[1], [1, 2], false],
    ['x', 'x', true],
  ])('%j vs %j', (a, b, eq) => expect(tomlEqual(a, b)).toBe(eq));
});
