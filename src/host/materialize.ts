// Test helper: writes a MemoryTree onto disk under a root (the on-disk twin of memoryFs(tree)), so
// conformance, fault and e2e tests can start nodeFs and memoryFs from the same fixture.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MemoryTree } from './memory-fs.js';

export function materialize(root: string, tree: MemoryTree): void {
  mkdirSync(root, { recursive: true });
  chmodSync(root, 0o755);
  for (const [p, v] of Object.entries(tree)) {
    const real = join(root, p);
    mkdirSync(dirname(real), { recursive: true });
    if (typeof v === 'string' || v instanceof Uint8Array) {
      writeFileSync(real, v);
      chmodSync(real, 0o644);
    } else if ('symlink' in v) symlinkSync(v.symlink, real);
    else if ('fifo' in v) execFileSync('mkfifo', [real]);
    else if ('dir' in v) {
      mkdirSync(real, { recursive: true });
      chmodSync(real, v.mode ?? 0o755);
    } else {
      writeFileSync(real, v.content);
      chmodSync(real, v.mode ?? 0o644);
    }
  }
}
