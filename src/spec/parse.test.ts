import { describe, expect, it } from 'vitest';
import { measureNestingDepth } from './nesting.js';
import { MAX_SPEC_BYTES, MAX_SPEC_DEPTH, parseSpecText } from './parse.js';

const text = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: x }
spec:
  registries:
    - source: icr.io
      mirrors: &m
        - url: https://a.example.com
        - url: https://b.example.com
    - source: quay.io
      mirrors: *m
`;

describe('parseSpecText', () => {
  it('maps field paths to line/column of values and keys', () => {
    const p = parseSpecText(text, 'm.yaml');
    expect(p.diagnostics).toEqual([]);
    expect(p.locate(['spec', 'registries', 0, 'mirrors', 1, 'url'])).toEqual({ line: 9, column: 16 });
    expect(p.locate(['spec', 'registries', 1, 'source'], { key: true })).toEqual({ line: 10, column: 7 });
    expect(p.locate(['metadata', 'name'])).toEqual({ line: 3, column: 19 });
  });
  it('follows aliases when locating', () => {
    const p = parseSpecText(text, 'm.yaml');
    expect(p.locate(['spec', 'registries', 1, 'mirrors', 0, 'url'])).toEqual({ line: 8, column: 16 });
  });
  it('points a missing field at its deepest existing parent', () => {
    const p = parseSpecText(text, 'm.yaml');
    expect(p.locate(['spec', 'registries', 0, 'nope', 'deeper'])).toEqual({ line: 6, column: 7 });
  });
  it('accepts exactly the size limit and rejects one byte more', () => {
    const body = 'a: 1\n';
    const fill = (n: number) => `${body}#${'x'.repeat(n - body.length - 2)}\n`;
    expect(fill(MAX_SPEC_BYTES).length).toBe(MAX_SPEC_BYTES);
    expect(parseSpecText(fill(MAX_SPEC_BYTES), 'f').diagnostics).toEqual([]);
    expect(parseSpecText(fill(MAX_SPEC_BYTES + 1), 'f').diagnostics[0]?.code).toBe('spec.too-large');
  });
  it('counts bytes, not characters', () => {
    const big = `a: "${'é'.repeat(MAX_SPEC_BYTES / 2)}"\n`;
    expect(big.length).toBeLessThan(MAX_SPEC_BYTES);
    expect(parseSpecText(big, 'f').diagnostics[0]?.code).toBe('spec.too-large');
  });
  it('accepts nesting up to the limit and rejects deeper', () => {
    const flow = (n: number) => `a: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    expect(parseSpecText(flow(MAX_SPEC_DEPTH - 1), 'f').diagnostics).toEqual([]);
    expect(parseSpecText(flow(MAX_SPEC_DEPTH), 'f').diagnostics[0]?.code).toBe('spec.too-deep');
  });
  it('survives 500k nested brackets without composing them', () => {
    const d = parseSpecText('['.repeat(500_000), 'f').diagnostics;
    expect(d.map((x) => x.code)).toEqual(['spec.too-deep']);
  });
  it('rejects a second document but ignores empty ones around the first', () => {
    expect(parseSpecText('---\na: 1\n---\n', 'f').diagnostics).toEqual([]);
    const d = parseSpecText('a: 1\n---\nb: 2\n', 'f').diagnostics;
    expect(d).toMatchObject([{ code: 'spec.multiple-documents', line: 3 }]);
  });
  it('reports duplicate keys with the key name and position', () => {
    const d = parseSpecText('a: 1\nb: 2\na: 3\n', 'f').diagnostics;
    expect(d).toMatchObject([
      { code: 'spec.duplicate-key', message: 'duplicate key "a"', line: 3, column: 1 },
    ]);
  });
  it('stops alias bombs', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x,x]'];
    for (const [i, n] of ['b', 'c', 'd', 'e'].entries())
      bomb.push(`${n}: &${n} [${Array(10).fill(`*${'abcd'[i]}`).join(',')}]`);
    expect(parseSpecText(bomb.join('\n'), 'f').diagnostics[0]?.code).toBe('spec.alias-limit');
  });
  it('strips a UTF-8 BOM', () => {
    expect(parseSpecText('\uFEFFa: 1\n', 'f').value).toEqual({ a: 1 });
  });
  it('holds .json files to strict JSON, with a position', () => {
    const d = parseSpecText("{\n  'a': 1\n}\n", 'spec.json').diagnostics;
    expect(d).toMatchObject([{ code: 'spec.syntax', line: 2, column: 3 }]);
    expect(parseSpecText('{"a": 1}', 'spec.json').value).toEqual({ a: 1 });
  });
});

describe('measureNestingDepth', () => {
  it.each([
    ['a: 1', 1],
    ['a:\n  b:\n    c: 1', 3],
    ['a: [[1]]', 3],
    ['a: "[[[[[[["', 1],
    ["a: '{{{{'", 1],
    ['a: 1 # [[[[[[', 1],
    ['- - - x', 3],
  ])('%j has depth %i (the estimate may exceed it by one, never fall short)', (t, depth) => {
    const measured = measureNestingDepth(t).depth;
    expect(measured).toBeGreaterThanOrEqual(depth);
    expect(measured).toBeLessThanOrEqual(depth + 1);
  });
});
