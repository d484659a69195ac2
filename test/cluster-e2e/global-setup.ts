// Once per `npm run test:cluster`: builds the image's CLI bundle (scripts/build-bundle.mjs — the file
// the image ships at /opt/mirrorctl/mirrorctl.mjs) from the current sources into a temp dir and hands
// its path to every test file, so no test ever runs a stale dist/ bundle.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the freshly built CLI bundle (readable by every uid: the controller pod runs as 65532). */
    bundle: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-cluster-bundle-'));
  chmodSync(dir, 0o755);
  const bundle = join(dir, 'mirrorctl.mjs');
  const { buildCliBundle } = (await import(
    new URL('../../scripts/build-bundle.mjs', import.meta.url).href
  )) as { buildCliBundle: (outfile: string) => Promise<{ size: number }> };
  await buildCliBundle(bundle);
  chmodSync(bundle, 0o644);
  project.provide('bundle', bundle);
  return () => rmSync(dir, { recursive: true, force: true });
}
