import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { materialize } from './materialize.js';
import { nodeFs } from './node-fs.js';
import { hostFsConformance } from './testing.js';

const base = mkdtempSync(join(tmpdir(), 'mirrorctl-nodefs-'));
let n = 0;
afterAll(() => execFileSync('rm', ['-rf', base]));

hostFsConformance('nodeFs', async (tree) => {
  const root = join(base, String(++n));
  materialize(root, tree);
  return nodeFs({ root });
});

test('the host /etc/shadow is never read through a link, even when it exists outside the root', async () => {
  const root = join(base, 'shadow');
  materialize(root, { '/etc/containerd/config.toml': { symlink: '/etc/passwd' } });
  const fs = nodeFs({ root });
  expect(readFileSync('/etc/passwd').length).toBeGreaterThan(0);
  expect(await fs.readFile('/etc/containerd/config.toml')).toBeNull();
});
