// The `--restart-command` a test hands to `mirrorctl apply`/`uninstall`: mirrorctl runs it with
// `sh -c` like any operator's command, and it asks this test process (which owns the containerd
// child) to restart the daemon, then waits for the answer. The request/answer are files in a temp
// dir, polled by the test while it awaits the CLI, so every restart is counted and the new PID is
// what the command prints — exactly as a service manager would restart a node's runtime.
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RestartBridge {
  /** Shell line for `--restart-command` (exits 0 once the daemon was restarted). */
  readonly command: string;
  /** Restarts performed through the bridge so far. */
  restarts(): number;
  stop(): void;
}

/** `restart` does the real work (e.g. the harness's `containerd.restart()`), returning the new PID. */
export function restartBridge(dir: string, restart: () => Promise<number>): RestartBridge {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    const next = readdirSync(dir).find((n) => n.endsWith('.req'));
    if (!next) return;
    busy = true;
    const base = join(dir, next.slice(0, -'.req'.length));
    // Taken exactly once: the rename is atomic, the next poll no longer sees a request.
    renameSync(`${base}.req`, `${base}.taken`);
    restart()
      .then((pid) => {
        count += 1;
        writeFileSync(`${base}.done`, `restarted, pid ${pid}\n`);
      })
      .catch((e: unknown) => writeFileSync(`${base}.done`, `FAILED ${String(e)}\n`))
      .finally(() => {
        busy = false;
      });
  }, 50);
  // mktemp gives each request its own name; the command fails (non-zero) when the restart failed.
  const command = [
    `r=$(mktemp -u -p ${dir} XXXXXXXX)`,
    `: > "$r.req"`,
    `while [ ! -e "$r.done" ]; do sleep 0.05; done`,
    `cat "$r.done"`,
    `! grep -q FAILED "$r.done"`,
  ].join('; ');
  return {
    command,
    restarts: () => count,
    stop: () => clearInterval(timer),
  };
}
