// A fresh containerd node for an e2e test: /etc/containerd and /var/lib/mirrorctl emptied (on the
// test's private mounts), the version's own base config.toml, the real daemon started on it with a
// restart bridge (what `--restart-command` runs), CRI answering before the test goes on.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseContainerdConfig,
  type Containerd,
  type ContainerdBinary,
  nativeConfigVersion,
  startContainerd,
} from './containerd.js';
import { emptyDir } from './mountns.js';
import { type RestartBridge, restartBridge } from './restart-bridge.js';

export const CONTAINERD_CONFIG = '/etc/containerd/config.toml';

export interface ContainerdNode {
  containerd: Containerd;
  bridge: RestartBridge;
  /** The daemon's own temp dir (state, socket, log), under `parent`. */
  dir: string;
  stop(): Promise<void>;
}

export async function freshContainerdNode(binary: ContainerdBinary, parent: string): Promise<ContainerdNode> {
  emptyDir('/etc/containerd');
  emptyDir('/var/lib/mirrorctl');
  writeFileSync(CONTAINERD_CONFIG, baseContainerdConfig(nativeConfigVersion(binary.version)));
  const dir = mkdtempSync(join(parent, `c${binary.version}-`));
  const containerd = startContainerd({ binary, dir, configFile: CONTAINERD_CONFIG });
  const bridge = restartBridge(join(dir, 'restart'), async () => {
    await containerd.restart();
    return containerd.pid();
  });
  const cri = await containerd.waitForCri();
  if (!cri.ok) {
    bridge.stop();
    await containerd.stop();
    throw new Error(`containerd ${binary.version}: CRI not ready\n${containerd.log()}`);
  }
  return {
    containerd,
    bridge,
    dir,
    async stop() {
      bridge.stop();
      await containerd.stop();
    },
  };
}
