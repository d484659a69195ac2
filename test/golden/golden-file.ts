// One expected file of a golden test: compared byte for byte, rewritten only with UPDATE_GOLDEN=1.
// A missing file fails: a test that wrote what it then compares against could never fail.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

export function expectGoldenFile(path: string, actual: string, label: string = path): void {
  if (UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(existsSync(path), `${label} is missing: run with UPDATE_GOLDEN=1, review it and commit it`).toBe(
    true,
  );
  expect(actual, label).toBe(readFileSync(path, 'utf8'));
}
