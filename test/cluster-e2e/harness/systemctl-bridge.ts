// The podman node's service manager: a `systemctl` stand-in (a Node.js script the image's own node
// runs) mounted into the apply Job's container, which hands each call to this test process through
// files in a shared directory and prints the answer. The test restarts its real containerd the way
// systemd would and records every call, so "the agent never restarted anything" is a fact to assert.
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BridgeCall {
  argv: string[];
  code: number;
  at: number;
}

export interface SystemctlBridge {
  /** Host path of the `systemctl` script (mount it as a File). */
  readonly script: string;
  /** Host dir the script and this process share (mount it at the same path). */
  readonly dir: string;
  readonly calls: BridgeCall[];
  stop(): void;
}

export type Unit = (verb: string) => Promise<{ code: number; stdout?: string; stderr?: string }>;

/** `units.containerd('restart')` does the work; unknown units answer as systemd does (exit 5). */
export function systemctlBridge(dir: string, units: Record<string, Unit>): SystemctlBridge {
  const requests = join(dir, 'requests');
  mkdirSync(requests, { recursive: true });
  const script = join(dir, 'systemctl');
  writeFileSync(
    script,
    `#!/usr/local/bin/node
// systemctl stand-in (test/cluster-e2e/harness/systemctl-bridge.ts): asks the test, prints its answer.
const fs = require('fs');
const dir = ${JSON.stringify(requests)};
const id = process.pid + '-' + Date.now();
fs.writeFileSync(dir + '/' + id + '.tmp', JSON.stringify(process.argv.slice(2)));
fs.renameSync(dir + '/' + id + '.tmp', dir + '/' + id + '.req');
const done = dir + '/' + id + '.done';
(function wait() {
  if (!fs.existsSync(done)) return setTimeout(wait, 50);
  const a = JSON.parse(fs.readFileSync(done, 'utf8'));
  process.stdout.write(a.stdout || '');
  process.stderr.write(a.stderr || '');
  process.exitCode = a.code;
})();
`,
  );
  chmodSync(script, 0o755);
  const calls: BridgeCall[] = [];
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    const next = readdirSync(requests).find((n) => n.endsWith('.req'));
    if (!next) return;
    busy = true;
    const base = join(requests, next.slice(0, -'.req'.length));
    renameSync(`${base}.req`, `${base}.taken`);
    const argv = JSON.parse(readFileSync(`${base}.taken`, 'utf8')) as string[];
    const words = argv.filter((a) => !a.startsWith('-'));
    const unit = (words[1] ?? '').replace(/\.service$/, '');
    const handler = units[unit];
    const answer = handler
      ? handler(words[0] ?? '')
      : Promise.resolve({
          code: 5,
          stderr: `Failed to ${words[0]} ${unit}.service: Unit ${unit}.service not found.\n`,
        });
    answer
      .catch((e: unknown) => ({ code: 1, stderr: `${String(e)}\n` }))
      .then((a) => {
        calls.push({ argv, code: a.code, at: Date.now() });
        writeFileSync(`${base}.done`, JSON.stringify(a));
      })
      .finally(() => {
        busy = false;
      });
  }, 50);
  return { script, dir, calls, stop: () => clearInterval(timer) };
}
