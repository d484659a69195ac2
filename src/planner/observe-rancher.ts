// A k3s/RKE2 node's current state, read through the Host port: registries.yaml and the role markers
// that say which unit to restart; the desired state itself is pure (foreign/k3s-node.ts).

import {
  type RancherDesired,
  ROLE_PROBES,
  rancherDesiredState,
  rancherService,
} from '../foreign/k3s-node.js';
import { type RancherFlavor, registriesYamlPath } from '../foreign/k3s-registries-yaml.js';
import type { HostFs } from '../host/ports.js';
import type { MirrorSet, SpecAssets } from '../spec/types.js';

/** Reads registries.yaml and the role markers through the Host port, then renders. */
export async function observeRancherNode(
  fs: HostFs,
  set: MirrorSet,
  assets: SpecAssets,
  flavor: RancherFlavor,
): Promise<RancherDesired> {
  const bytes = await fs.readFile(registriesYamlPath(flavor));
  const probes = ROLE_PROBES[flavor];
  const present = new Set<string>();
  for (const p of [...probes.agentUnit, ...probes.serverMarkers])
    if ((await fs.stat(p)) !== null) present.add(p);
  return rancherDesiredState({
    set,
    assets,
    flavor,
    existing: bytes === null ? null : new TextDecoder().decode(bytes),
    service: rancherService(flavor, (p) => present.has(p)),
  });
}
