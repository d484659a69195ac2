// Writes the kustomize base deploy/ from src/cluster/kustomize.ts for the package version (the image
// tag). Run: npm run gen:deploy (test/cluster/deploy.test.ts fails when deploy/ is not current).
// deploy/mirrors.yaml is the user's to edit and is only written when missing; deploy/README.md is
// hand-written. Files of an older layout that the base no longer has are removed.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { VERSION } from '../src/cli/version.js';
import { buildKustomizeBase, USER_FILES } from '../src/cluster/kustomize.js';

const dir = new URL('../deploy/', import.meta.url);
for (const gone of ['daemonset.yaml', 'control.json']) rmSync(new URL(gone, dir), { force: true });
for (const [name, content] of Object.entries(buildKustomizeBase(VERSION))) {
  const file = new URL(name, dir);
  if (USER_FILES.has(name) && existsSync(file)) continue;
  mkdirSync(dirname(file.pathname), { recursive: true });
  writeFileSync(file, content);
}
process.stdout.write('deploy/ is current\n');
