// RuntimeHealth over the CRI socket: the runtime is healthy when runtime.v1 Version answers and
// Status reports RuntimeReady (what kubelet needs). `unimplemented` means the CRI plugin did not
// load (e.g. containerd with both `mirrors` and `config_path`): the runtime is up but useless. With
// an expected config_path, a containerd that reports another one did not take the change (issue 15.1).

import { criLoadedConfigPath } from '../formats/containerd-cri-status.js';
import { criClient, waitForCri } from './cri-client.js';
import type { HealthExpectation, HealthResult, RuntimeHealth } from './runtime-port.js';

/** containerd's registry config_path as its CRI Status(verbose) reports it in info.config: 1.x
 *  (pkg/cri/server/status.go marshals the whole CRI config); 2.x reports only the runtime config. */

export function criRuntimeHealth(endpoint: string): RuntimeHealth {
  return {
    async check(_service, timeoutMs, expect?: HealthExpectation): Promise<HealthResult> {
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
        const detail = `${v.runtimeName} ${v.runtimeVersion} (CRI ${v.runtimeApiVersion})`;
        if (expect?.criConfigPath === undefined) return { ok: true, detail };
        const verbose = await client.status(true);
        const loaded = verbose.ok ? criLoadedConfigPath(verbose.value.info) : undefined;
        if (loaded === undefined)
          return {
            ok: true,
            detail: `${detail}; config_path not checked: this runtime does not report its registry config over CRI`,
          };
        if (loaded !== expect.criConfigPath)
          return {
            ok: false,
            error: `CRI runs with config_path = "${loaded}", not "${expect.criConfigPath}": the runtime did not take the new config.toml`,
          };
        return { ok: true, detail: `${detail}; CRI loaded config_path = "${loaded}"` };
      } finally {
        client.close();
      }
    },
  };
}
