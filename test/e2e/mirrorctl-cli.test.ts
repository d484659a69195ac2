// Plumbing for the apply cases: the CLI runs from source inside the test namespace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { mirrorctl } from './harness/mirrorctl.js';

it('mirrorctl --version runs from source in the e2e namespace', async () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const result = await mirrorctl(['--version']);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.trim()).toBe(pkg.version);
});
