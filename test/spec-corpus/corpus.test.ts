// The bad-input corpus (issue 7): every file under bad/ must be rejected with the expected code on
// the expected field, a file position and no spec; warn/ files validate with the expected warning;
// good/ files validate cleanly and normalize to the committed *.expected.json (UPDATE_GOLDEN=1
// rewrites those). manifest.json is the table; each case is one file so it can be read alone.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { validateSpec } from '../../src/spec/validate.js';
import { expectGoldenFile } from '../golden/golden-file.js';

interface Case {
  file: string;
  code: string;
  field?: string;
  /** Append a YAML comment until the text has this many bytes (keeps >1 MiB files out of git). */
  padToBytes?: number;
}
interface Manifest {
  bad: Case[];
  warn: Case[];
  good: Array<{ file: string }>;
}

const dir = import.meta.dirname;
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

const hasControlChar = (s: string): boolean =>
  [...s].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20 || ch.codePointAt(0) === 0x7f);

function readCase(c: { file: string; padToBytes?: number }): string {
  const text = readFileSync(join(dir, c.file), 'utf8');
  if (!c.padToBytes) return text;
  const need = c.padToBytes - Buffer.byteLength(text);
  return `${text}#${'x'.repeat(Math.max(0, need - 2))}\n`;
}

describe('spec corpus manifest', () => {
  it('has at least 200 bad cases and lists every file exactly once', () => {
    expect(manifest.bad.length).toBeGreaterThanOrEqual(200);
    const listed = [...manifest.bad, ...manifest.warn, ...manifest.good].map((c) => c.file).sort();
    const onDisk = ['bad', 'warn', 'good']
      .flatMap((d) => readdirSync(join(dir, d)).map((f) => `${d}/${f}`))
      .filter((f) => !f.endsWith('.expected.json'))
      .sort();
    expect(listed).toEqual(onDisk);
  });
});

describe.each(manifest.bad)('bad: $file', (c) => {
  it(`is rejected with ${c.code}${c.field ? ` at ${c.field}` : ''}`, () => {
    const result = validateSpec(readCase(c), c.file);
    expect(result.spec).toBeUndefined();
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((d) => d.code)).not.toContain('spec.internal');
    const match = errors.find((d) => d.code === c.code && (c.field === undefined || d.field === c.field));
    expect(match, `got: ${errors.map((d) => `${d.code} ${d.field ?? ''}`).join('; ')}`).toBeDefined();
    if (!match) return;
    expect(match.file).toBe(c.file);
    if (c.field !== undefined || !['spec.too-large', 'spec.empty', 'spec.alias-limit'].includes(c.code)) {
      expect(match.line, 'a position for the finding').toBeGreaterThan(0);
    }
    const printed = formatDiagnostic(match);
    expect(printed).toMatch(/^✖ /);
    if (c.field) expect(printed).toContain(`${c.field}: `);
    // Messages and hints never echo raw control characters (or line breaks) back to a terminal.
    expect(hasControlChar(match.message + (match.hint ?? ''))).toBe(false);
  });
});

describe.each(manifest.warn)('warn: $file', (c) => {
  it(`validates with warning ${c.code} at ${c.field}`, () => {
    const result = validateSpec(readCase(c), c.file);
    expect(result.spec).toBeDefined();
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const match = result.diagnostics.find((d) => d.code === c.code && d.field === c.field);
    expect(match?.severity).toBe('warning');
    expect(match?.line).toBeGreaterThan(0);
  });
});

describe.each(manifest.good)('good: $file', (c) => {
  it('validates without diagnostics and normalizes to the expected MirrorSet', () => {
    const result = validateSpec(readCase(c), c.file);
    expect(result.diagnostics).toEqual([]);
    const expectedPath = join(dir, `${c.file}.expected.json`);
    const actual = `${JSON.stringify(result.spec, null, 2)}\n`;
    expectGoldenFile(expectedPath, actual);
  });
});
