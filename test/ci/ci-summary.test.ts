// .ci/run's last line must not say "0 failed" for a run that proved less than it claims: a skipped
// test (e.g. an e2e case whose containerd is missing on this host) and a missing report fail CI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '../../scripts/ci-summary.mjs');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Counts = { passed: number; failed?: number; skipped?: number; todo?: number };

function summarize(reports: Record<string, Counts | undefined>): { code: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-ci-summary-'));
  dirs.push(dir);
  for (const [name, c] of Object.entries(reports)) {
    if (!c) continue;
    const json = {
      numPassedTests: c.passed,
      numFailedTests: c.failed ?? 0,
      numPendingTests: c.skipped ?? 0,
      numTodoTests: c.todo ?? 0,
    };
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(json));
  }
  const r = spawnSync(process.execPath, [script, dir, ...Object.keys(reports)], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout };
}

describe('scripts/ci-summary.mjs', () => {
  it('passes a run where every test passed', () => {
    const r = summarize({ unit: { passed: 3 }, e2e: { passed: 2 } });
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').at(-1)).toBe('5 passed, 0 failed');
  });

  it.each([
    ['a skipped e2e test', { unit: { passed: 3 }, e2e: { passed: 1, skipped: 1 } }],
    ['a todo test', { unit: { passed: 3, todo: 1 } }],
    ['a failed test', { unit: { passed: 3, failed: 1 } }],
    ['a missing report', { unit: { passed: 3 }, e2e: undefined }],
  ])('fails the run on %s', (_name, reports) => {
    const r = summarize(reports);
    expect(r.code).toBe(1);
    expect(r.out).not.toMatch(/ 0 failed\s*$/);
  });
});
