// skopeo with an explicit registries.conf and signature policy. skopeo 1.9.3 ignores
// CONTAINERS_REGISTRIES_CONF (verified-on-debian12.md), so the hidden global `--registries-conf`
// flag is the only way to point it at a file; drop-ins still come from <that dir>/registries.conf.d
// only when the file is the system one, so tests pass /etc/containers/registries.conf inside the
// private mount namespace.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExecResult, run } from './exec.js';

export interface SkopeoOptions {
  registriesConf?: string;
  /** Signature policy file; `acceptAnythingPolicy(dir)` writes one. */
  policy: string;
}

/** The policy a test node needs so unsigned test images are accepted. */
export function acceptAnythingPolicy(dir: string): string {
  const file = join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  return file;
}

export function skopeo(args: readonly string[], options: SkopeoOptions): Promise<ExecResult> {
  const global = ['--policy', options.policy];
  if (options.registriesConf) global.push('--registries-conf', options.registriesConf);
  return run(['skopeo', ...global, ...args], { timeoutMs: 120_000 });
}
