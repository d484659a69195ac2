// expectGoldenFile never passes on a file it would have to invent: a missing expected file fails
// (and is not created), a present one is compared byte for byte.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectGoldenFile, UPDATE_GOLDEN } from './golden-file.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-golden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(UPDATE_GOLDEN)('expectGoldenFile', () => {
  it('fails on a missing expected file and does not create it', () => {
    const path = join(dir, 'missing.txt');
    expect(() => expectGoldenFile(path, 'anything\n')).toThrow(/missing/);
    expect(existsSync(path)).toBe(false);
  });

  it('fails on a different expected file and passes on the same bytes', () => {
    const path = join(dir, 'present.txt');
    writeFileSync(path, 'a\n');
    expect(() => expectGoldenFile(path, 'b\n')).toThrow();
    expect(() => expectGoldenFile(path, 'a\n')).not.toThrow();
  });
});
