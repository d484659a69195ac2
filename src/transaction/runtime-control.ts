// Default RuntimeControl: `systemctl restart|reload <unit>`, through `nsenter -t 1 -m -u -i -n -p`
// when the agent runs in a pod (hostPID), or the operator's own argv (--restart-command /
// --reload-command; tests use these to restart a containerd they started).

import type { Runner } from '../host/ports.js';
import type { ControlResult, RuntimeControl } from '../host/runtime-port.js';
import type { RuntimeAction, Service } from '../plan/types.js';

export const NSENTER_HOST = ['nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--'] as const;

/** systemd units of each service. rke2 agents (workers) run `rke2-agent`; servers `rke2-server`. */
const UNITS: Record<Service, string> = {
  containerd: 'containerd',
  crio: 'crio',
  docker: 'docker',
  k3s: 'k3s',
  'k3s-agent': 'k3s-agent',
  rke2: 'rke2-agent',
  'rke2-server': 'rke2-server',
};

export interface CommandControlOptions {
  /** Prefix systemctl with nsenter into PID 1's namespaces (agent pod with hostPID). */
  inPod: boolean;
  /** Replaces `systemctl restart <unit>` (argv, run as is). */
  restartCommand?: readonly string[];
  /** Replaces `systemctl reload <unit>`. */
  reloadCommand?: readonly string[];
}

export function controlArgv(action: RuntimeAction, opts: CommandControlOptions): string[] | null {
  if (action.kind === 'none') return null;
  const custom = action.kind === 'restart' ? opts.restartCommand : opts.reloadCommand;
  if (custom && custom.length > 0) return [...custom];
  const argv = ['systemctl', action.kind, UNITS[action.service]];
  return opts.inPod ? [...NSENTER_HOST, ...argv] : argv;
}

/** Last non-empty lines of a command's output: the runtime's own words for the failure. */
const tail = (s: string): string => s.trim().split('\n').slice(-5).join('\n');

export function commandRuntimeControl(run: Runner, opts: CommandControlOptions): RuntimeControl {
  return {
    async perform(action, timeoutMs): Promise<ControlResult> {
      const argv = controlArgv(action, opts);
      if (!argv) return { ok: true, detail: 'no runtime action needed' };
      const r = await run(argv, { timeoutMs });
      const shown = argv.join(' ');
      if (r.timedOut)
        return { ok: false, timedOut: true, error: `\`${shown}\` did not finish within ${timeoutMs} ms` };
      if (r.code !== 0) {
        const why =
          tail(r.stderr) || tail(r.stdout) || (r.signal ? `killed by ${r.signal}` : `exit ${r.code}`);
        return {
          ok: false,
          timedOut: false,
          error: `\`${shown}\` failed (exit ${r.code ?? r.signal}): ${why}`,
        };
      }
      return { ok: true, detail: `\`${shown}\` done` };
    },
  };
}

/** `KUBERNETES_SERVICE_HOST` is set in every pod (even without a token): the agent is in a pod. */
export const runsInPod = (env: Record<string, string | undefined>): boolean =>
  typeof env.KUBERNETES_SERVICE_HOST === 'string' && env.KUBERNETES_SERVICE_HOST !== '';
