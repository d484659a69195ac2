// Builds the transaction's runtime ports for one node (a TxWiring, src/planner/node-entry.ts): runtime
// control (systemctl, nsenter in a pod, or the operator's own commands), health (CRI for
// containerd/CRI-O, /_ping for dockerd), process probe.
import path from 'node:path';
import { SOCKETS } from '../detect/facts.js';
import { dockerRuntimeHealth } from '../host/docker-health.js';
import type { Runner } from '../host/ports.js';
import { processProbe } from '../host/process-probe.js';
import type { HealthResult, RuntimeHealth } from '../host/runtime-port.js';
import type { ControlInput, TxWiring } from '../planner/node-entry.js';
import { commandRuntimeControl, runsInPod } from '../transaction/runtime-control.js';
import type { TxOptions } from '../transaction/types.js';

/** An operator's command is a shell line (`kill -HUP $(pidof crio)`), run by sh -c. */
const shellLine = (cmd: string | undefined): string[] | undefined =>
  cmd && cmd.trim() !== '' ? ['sh', '-c', cmd] : undefined;

function healthFor(input: ControlInput): RuntimeHealth {
  const under = (p: string) => path.join(input.root, p);
  const cri = input.criEndpoint ?? `unix://${under(input.detectedSocket ?? SOCKETS.containerd[0])}`;
  return {
    check(service, timeoutMs, expect): Promise<HealthResult> {
      if (service === 'docker')
        return dockerRuntimeHealth(under(SOCKETS.docker[1])).check(service, timeoutMs);
      // gRPC is loaded only when a restart/reload happened: most applies (hosts.toml) never need it.
      return import('../host/cri-health.js').then(({ criRuntimeHealth }) =>
        criRuntimeHealth(cri).check(service, timeoutMs, expect),
      );
    },
  };
}

export const txOptions: TxWiring = (run: Runner, input: ControlInput): TxOptions => {
  const restartCommand = shellLine(input.restartCommand);
  const reloadCommand = shellLine(input.reloadCommand);
  return {
    control: commandRuntimeControl(run, {
      inPod: runsInPod(input.env),
      ...(restartCommand ? { restartCommand } : {}),
      ...(reloadCommand ? { reloadCommand } : {}),
    }),
    health: healthFor(input),
    probe: processProbe(),
    healthTimeoutMs: input.healthTimeoutMs,
    ...(input.stateDir ? { stateDir: input.stateDir } : {}),
    // The transaction reports the action and records it as pending in state.json (issue 15.3).
    ...(input.deferAction ? { deferAction: true } : {}),
  };
};
