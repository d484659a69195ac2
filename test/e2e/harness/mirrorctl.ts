// Runs the mirrorctl CLI from source (tsx), the way later e2e cases call `mirrorctl apply --root /`
// inside the private mount namespace, so it edits the bind-mounted node paths.
import { join } from 'node:path';
import { type ExecResult, run } from './exec.js';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

export function mirrorctl(args: readonly string[], env: Record<string, string> = {}): Promise<ExecResult> {
  return run([process.execPath, '--import', 'tsx', join(repoRoot, 'bin', 'mirrorctl.ts'), ...args], {
    cwd: repoRoot,
    env: { NO_COLOR: '1', ...env },
    timeoutMs: 120_000,
  });
}
