// A process the simulation started inside a node (through nsenter): its whole tree is signalled and
// killed by walking /proc (a container's processes may start their own process groups), and its end
// is reported once with the exit code the container runtime would report (128 + signal number).
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { constants } from 'node:os';

export interface Exit {
  code: number;
  signal: NodeJS.Signals | null;
}

/** PIDs below `root` (children first level first), read from /proc/<pid>/stat's ppid field. */
export function descendants(root: number): number[] {
  const parent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parent.set(ppid, [...(parent.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    for (const c of parent.get(p) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** Alive and not a zombie (a killed process stays in /proc until its parent reaps it). */
export function isLive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** PIDs of every live process in the PID namespace of `pid` (as seen from here). */
export function inPidNamespaceOf(pid: number): number[] {
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return [];
  }
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/ns/pid`) === ns && isLive(p);
      } catch {
        return false;
      }
    });
}

const comm = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
};

export class NodeProcess {
  readonly exited: Promise<Exit>;
  private ended = false;

  constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.ended = true;
        const n = signal ? (constants.signals[signal] ?? 9) : 0;
        resolve({ code: code ?? 128 + n, signal });
      });
      child.on('error', () => {
        this.ended = true;
        resolve({ code: 127, signal: null });
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get running(): boolean {
    return !this.ended;
  }

  /** The processes doing the work (below the nsenter/unshare launchers). */
  workers(): number[] {
    return descendants(this.pid).filter((p) => !['nsenter', 'unshare'].includes(comm(p)));
  }

  /** Sends `sig` to the workers (a container's PID 1 ignores it unless it handles it, as in a pod). */
  signal(sig: NodeJS.Signals): void {
    for (const p of this.workers()) {
      try {
        process.kill(p, sig);
      } catch {
        // gone already
      }
    }
  }

  /** SIGKILL to the whole tree, launchers included; resolves when the launcher has exited. */
  async kill(): Promise<Exit> {
    for (const p of [...descendants(this.pid).reverse(), this.pid]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    return this.exited;
  }
}

/** Starts argv inside the namespaces of `nodePid` (all of them: mount, UTS, IPC, network, PID). */
export function spawnInNode(nodePid: number, argv: string[], env: Record<string, string>): NodeProcess {
  const child = spawn('nsenter', ['-t', String(nodePid), '-m', '-u', '-i', '-n', '-p', '--', ...argv], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new NodeProcess(child);
}
