// convert goldens through the real CLI: each case directory holds `args` (the convert arguments,
// run with the case directory as cwd), the input, and the expected stdout, stderr and exit code.
// UPDATE_GOLDEN=1 rewrites the expected files; review the diff.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from '../../../src/cli/testing.js';
import { expectGoldenFile } from '../golden-file.js';

const DIR = import.meta.dirname;
const cases = readdirSync(DIR).filter((d) => statSync(join(DIR, d)).isDirectory());

test('there is a golden case per format in both directions', () => {
  for (const f of [
    'openshift',
    'idms',
    'itms',
    'icsp',
    'k3s',
    'rke2',
    'talos',
    'bottlerocket',
    'docker',
    'spec',
  ])
    expect(cases).toContain(`spec-to-${f}`);
  for (const f of ['idms-itms', 'icsp', 'k3s', 'talos', 'talos-legacy', 'docker', 'bottlerocket'])
    expect(cases).toContain(`${f}-to-spec`);
});

test.each(cases)('%s', async (name) => {
  const dir = join(DIR, name);
  const args = readFileSync(join(dir, 'args'), 'utf8').trim().split(/\s+/);
  const r = await runCli(['convert', ...args], { cwd: dir });
  const actual = { 'expected.out': r.stdout, 'expected.err': r.stderr, 'expected.code': `${r.code}\n` };
  for (const [file, text] of Object.entries(actual)) {
    expectGoldenFile(join(dir, file), text, `${name}/${file}`);
  }
});
