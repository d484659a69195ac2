// RuntimeHealth over the CRI socket: the runtime is healthy when runtime.v1 Version answers and
// Status reports RuntimeReady (what kubelet needs). `unimplemented` means the CRI plugin did not
// load (e.g. containerd with both `mirrors` and `config_path`): the runtime is up but useless.

import { criClient, waitForCri } from './cri-client.js';
import type { HealthResult, RuntimeHealth } from './runtime-port.js';

export function criRuntimeHealth(endpoint: string): RuntimeHealth {
  return {
    async check(_service, timeoutMs): Promise<HealthResult> {
      const version = await waitForCri(endpoint, timeoutMs);
      if (!version.ok)
        return {
          ok: false,
          error: `${version.error.method} on ${endpoint}: ${version.error.kind}: ${version.error.details}`,
        };
      const client = criClient(endpoint);
      try {
        const status = await client.status();
        if (!status.ok) return { ok: false, error: `Status on ${endpoint}: ${status.error.details}` };
        const ready = status.value.conditions.find((c) => c.type === 'RuntimeReady');
        if (ready && !ready.status)
          return { ok: false, error: `RuntimeReady=false: ${ready.reason} ${ready.message}`.trim() };
        const v = version.value;
        return { ok: true, detail: `${v.runtimeName} ${v.runtimeVersion} (CRI ${v.runtimeApiVersion})` };
      } finally {
        client.close();
      }
    },
  };
}
