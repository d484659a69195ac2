// Golden-directory helper shared by the containerd suites: compares a map of produced files with
// `<case>/expected/**` (no extra, no missing), or rewrites it when UPDATE_GOLDEN=1.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { expect } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';

export const UPDATE = process.env.UPDATE_GOLDEN === '1';

export const caseDirs = (root: string): string[] =>
  readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

/** Diagnostics as stored in expected/diagnostics.json (stable fields only). */
export const diagnosticsJson = (ds: readonly Diagnostic[]): string =>
  `${JSON.stringify(
    ds.map((d) => ({ severity: d.severity, code: d.code, field: d.field, message: d.message, hint: d.hint })),
    null,
    2,
  )}\n`;

export function expectGolden(expectedDir: string, produced: Record<string, string>): void {
  if (UPDATE) {
    rmSync(expectedDir, { recursive: true, force: true });
    for (const [rel, content] of Object.entries(produced)) {
      mkdirSync(dirname(join(expectedDir, rel)), { recursive: true });
      writeFileSync(join(expectedDir, rel), content);
    }
    return;
  }
  expect(Object.keys(produced).sort()).toEqual(listFiles(expectedDir));
  for (const [rel, content] of Object.entries(produced)) {
    expect(content, rel).toBe(readFileSync(join(expectedDir, rel), 'utf8'));
  }
}

export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
export const readIfExists = (path: string): string | null =>
  existsSync(path) ? readFileSync(path, 'utf8') : null;
