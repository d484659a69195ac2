import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { getPath, parseToml, parseTomlVerbatim, tomlEqual } from './parse.js';

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

describe('parsing a text again (parsed once per process)', () => {
  const text =
    'version = 2\nwhen = 1979-05-27T07:32:00Z\n"__proto__" = { polluted = true }\n[[a.b]]\nx = [1, [2, 3]]\n[c]\nd = "e"\n';

  it('gives each caller its own tree, the same as a fresh parse, prototypes and dates included', () => {
    const first = parseToml(text);
    if (!first.ok) throw new Error(first.diagnostic.message);
    const fresh = parse(text);
    expect(first.value).toStrictEqual(fresh);
    expect(Object.getPrototypeOf(first.value)).toBeNull();
    expect(Object.keys(first.value)).toEqual(Object.keys(fresh));
    expect(Object.hasOwn(first.value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(first.value.when).toBeInstanceOf(fresh.when?.constructor as DateConstructor);
    // a reader changing its tree changes nobody else's
    (first.value.c as Record<string, unknown>).d = 'changed';
    const [entry] = (first.value.a as { b: { x: unknown[] }[] }).b;
    entry?.x.push(4);
    expect(entry?.x).toEqual([1, [2, 3], 4]);
    const second = parseTomlVerbatim(text);
    if (!second.ok) throw new Error(second.error);
    expect(second.value).toStrictEqual(fresh);
    expect(second.value).not.toBe(first.value);
  });

  it('reports the same error each time', () => {
    const bad = 'a = 1\nb = \n';
    const one = parseToml(bad, 'x.toml');
    expect(parseToml(bad, 'y.toml')).toEqual({
      ...one,
      diagnostic: { ...(one.ok ? {} : one.diagnostic), file: 'y.toml' },
    });
    expect(parseTomlVerbatim(bad)).toEqual(parseTomlVerbatim(bad));
    expect(parseTomlVerbatim(bad)).toMatchObject({ ok: false, line: 2 });
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
