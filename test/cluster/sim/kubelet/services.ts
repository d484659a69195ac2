// A simulated node's service manager: the `systemctl` inside the node (assets/systemctl.cjs) asks it,
// so the restart Job's `nsenter -t 1 … -- systemctl restart containerd` restarts the node's own
// runtime process. Units are declared by the test (command run in the node's namespaces); every call
// is recorded. Unknown units answer as systemd does (exit 5, "Unit x.service not found.").
import type { NodeProcess } from './process.js';

export interface ServiceDef {
  /** argv run inside the node (its paths, not this machine's: binaries under /usr or /.sim/host/…). */
  command: string[];
  env?: Record<string, string>;
  /** `systemctl reload` sends this signal (default SIGHUP); undefined + `reload: false` → not supported. */
  reloadSignal?: NodeJS.Signals;
  /** Milliseconds `stop` waits after SIGTERM before SIGKILL (default 5,000). */
  stopTimeoutMs?: number;
}

export interface SystemctlCall {
  argv: string[];
  code: number;
  at: number;
}

export interface Answer {
  code: number;
  stdout: string;
  stderr: string;
}

type Start = (argv: string[], env: Record<string, string>, log: (line: string) => void) => NodeProcess;

export class Services {
  readonly calls: SystemctlCall[] = [];
  /** Output of service processes, by unit. */
  readonly logs = new Map<string, string>();
  /** Starts per unit (restarts included). */
  readonly starts = new Map<string, number>();
  private readonly defs = new Map<string, ServiceDef>();
  private readonly procs = new Map<string, NodeProcess>();
  /** Replaces the built-in handling (a test that wants to fail a restart, or run its own daemon). */
  override: ((argv: string[]) => Promise<Answer | undefined>) | undefined;

  constructor(private readonly start: Start) {}

  define(unit: string, def: ServiceDef): void {
    this.defs.set(unit.replace(/\.service$/, ''), def);
  }

  isActive(unit: string): boolean {
    return this.procs.get(unit)?.running ?? false;
  }

  process(unit: string): NodeProcess | undefined {
    return this.procs.get(unit);
  }

  async handle(argv: string[]): Promise<Answer> {
    const custom = await this.override?.(argv);
    const answer = custom ?? (await this.builtin(argv));
    this.calls.push({ argv, code: answer.code, at: Date.now() });
    return answer;
  }

  async startUnit(unit: string): Promise<void> {
    const def = this.defs.get(unit);
    if (!def || this.isActive(unit)) return;
    const log = (line: string) => this.logs.set(unit, `${this.logs.get(unit) ?? ''}${line}`);
    this.procs.set(unit, this.start(def.command, def.env ?? {}, log));
    this.starts.set(unit, (this.starts.get(unit) ?? 0) + 1);
  }

  async stopUnit(unit: string): Promise<void> {
    const p = this.procs.get(unit);
    if (!p?.running) return;
    p.signal('SIGTERM');
    const timeout = this.defs.get(unit)?.stopTimeoutMs ?? 5000;
    const killed = setTimeout(() => void p.kill(), timeout);
    await p.exited;
    clearTimeout(killed);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.procs.values()].map((p) => p.kill()));
  }

  private async builtin(argv: string[]): Promise<Answer> {
    const args = argv.filter((a) => !a.startsWith('-'));
    const verb = args[0] ?? '';
    const units = args.slice(1).map((u) => u.replace(/\.service$/, ''));
    const ok: Answer = { code: 0, stdout: '', stderr: '' };
    if (verb === 'daemon-reload') return ok;
    const missing = units.find((u) => !this.defs.has(u));
    if (missing !== undefined)
      return verb === 'is-active'
        ? { code: 4, stdout: 'inactive\n', stderr: '' }
        : {
            code: 5,
            stdout: '',
            stderr: `Failed to ${verb} ${missing}.service: Unit ${missing}.service not found.\n`,
          };
    for (const u of units) {
      switch (verb) {
        case 'start':
          await this.startUnit(u);
          break;
        case 'stop':
          await this.stopUnit(u);
          break;
        case 'restart':
        case 'try-restart':
        case 'reload-or-restart':
          await this.stopUnit(u);
          await this.startUnit(u);
          break;
        case 'reload':
          if (!this.isActive(u))
            return { code: 1, stdout: '', stderr: `${u}.service is not active, cannot reload.\n` };
          this.procs.get(u)?.signal(this.defs.get(u)?.reloadSignal ?? 'SIGHUP');
          break;
        case 'is-active':
          return this.isActive(u)
            ? { code: 0, stdout: 'active\n', stderr: '' }
            : { code: 3, stdout: 'inactive\n', stderr: '' };
        default:
          return { code: 1, stdout: '', stderr: `Unknown command verb ${verb}.\n` };
      }
    }
    return ok;
  }
}
