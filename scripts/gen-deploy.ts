// Writes the kustomize base deploy/ from src/cluster/kustomize.ts. Run: npm run gen:deploy
// (test/cluster/deploy.test.ts fails when deploy/ is not current). deploy/mirrors.yaml is the
// user's to edit and is only written when missing.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { buildKustomizeBase } from '../src/cluster/kustomize.js';
import { SPEC_KEYS } from '../src/cluster/names.js';

const dir = new URL('../deploy/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, content] of Object.entries(buildKustomizeBase())) {
  const file = new URL(name, dir);
  if (name === SPEC_KEYS.spec && existsSync(file)) continue;
  writeFileSync(file, content);
}
process.stdout.write('deploy/ is current\n');
