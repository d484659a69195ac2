// The ordered detection table (nypm's packageManagers idea): the first row whose confirm()
// returns a reason wins. Order encodes precedence, and each row says why it sits where it does.

import { criDisabledIn } from '../formats/containerd-config.js';
import type { NodePaths } from '../formats/node-paths.js';
import type { Distribution } from './distribution.js';
import {
  type HostFacts,
  K3S_CONTAINERD_CONFIG,
  MARKERS,
  RKE2_CONTAINERD_CONFIG,
  SOCKETS,
  TALOS_CRI_CONFIG,
  type VersionCommandId,
} from './facts.js';
import { type OsRelease, parseOsRelease } from './os-release.js';
import { versionFromOutput } from './version-output.js';

/** Read-only helpers over HostFacts for the confirm() functions. */
export interface FactView {
  facts: HostFacts;
  paths: NodePaths;
  osRelease: OsRelease;
  exists(path: string): boolean;
  firstExisting(paths: readonly string[]): string | undefined;
  read(path: string): string | undefined;
  /** Version token printed by a runtime's `--version`, when it ran. */
  commandVersion(id: VersionCommandId): string | undefined;
}

export function factView(facts: HostFacts, paths: NodePaths): FactView {
  const osText = facts.files['/etc/os-release'] ?? facts.files['/usr/lib/os-release'] ?? '';
  const exists = (p: string): boolean => facts.present[p] !== undefined || facts.files[p] !== undefined;
  return {
    facts,
    paths,
    osRelease: parseOsRelease(osText),
    exists,
    firstExisting: (ps) => ps.find(exists),
    read: (p) => facts.files[p],
    commandVersion: (id) => {
      const c = facts.commands[id];
      return c && c.code === 0 ? versionFromOutput(id, `${c.stdout}\n${c.stderr}`) : undefined;
    },
  };
}

export interface RuntimeRule {
  id: string;
  runtime: 'containerd' | 'crio' | 'docker';
  distribution: Distribution;
  /** CRI socket(s), preferred first. */
  sockets: readonly string[];
  /** config.toml this distribution's containerd reads (containerd rows only). */
  containerdConfig?(paths: NodePaths): string;
  /** Why this row matches, or undefined. */
  confirm(f: FactView): string | undefined;
}

const crioEvidence = (f: FactView): string | undefined => {
  const sock = f.firstExisting(SOCKETS.crio);
  if (sock) return `socket ${sock}`;
  if (f.exists(MARKERS.crioConf) || f.exists(MARKERS.crioConfDir)) return `${MARKERS.crioConf} exists`;
  const v = f.commandVersion('crio');
  return v ? `crio --version → ${v}` : undefined;
};

const isRhcos = (os: OsRelease): boolean =>
  os.ID === 'rhcos' ||
  os.ID === 'scos' ||
  os.OPENSHIFT_VERSION !== undefined ||
  (os.ID === 'rhel' && os.VARIANT_ID === 'coreos');

export const RUNTIME_RULES: readonly RuntimeRule[] = [
  // RKE2 before k3s: RKE2 ships k3s's containerd build (`-k3s` suffix), so only its files tell them apart.
  {
    id: 'rke2',
    runtime: 'containerd',
    distribution: 'rke2',
    sockets: SOCKETS.k3s,
    containerdConfig: () => RKE2_CONTAINERD_CONFIG,
    confirm: (f) => {
      const marker = f.firstExisting([MARKERS.rke2, RKE2_CONTAINERD_CONFIG]);
      if (marker) return `${marker} exists`;
      return /-rke2/.test(f.commandVersion('containerd') ?? '')
        ? 'containerd version has an -rke2 suffix'
        : undefined;
    },
  },
  // k3s (and RKE2) regenerate config.toml from templates: before plain containerd.
  {
    id: 'k3s',
    runtime: 'containerd',
    distribution: 'k3s',
    sockets: SOCKETS.k3s,
    containerdConfig: () => K3S_CONTAINERD_CONFIG,
    confirm: (f) => {
      const marker = f.firstExisting([MARKERS.k3s, K3S_CONTAINERD_CONFIG]);
      if (marker) return `${marker} exists`;
      return /-k3s/.test(f.commandVersion('containerd') ?? '')
        ? 'containerd version has a -k3s suffix'
        : undefined;
    },
  },
  // OpenShift is CRI-O plus the machine-config daemon (or RHCOS): before plain CRI-O.
  {
    id: 'openshift',
    runtime: 'crio',
    distribution: 'openshift',
    sockets: SOCKETS.crio,
    confirm: (f) => {
      const crio = crioEvidence(f);
      if (!crio) return undefined;
      if (f.exists(MARKERS.machineConfigDaemon)) return `${crio}; ${MARKERS.machineConfigDaemon} exists`;
      return isRhcos(f.osRelease)
        ? `${crio}; os-release ID=${f.osRelease.ID} (CoreOS for OpenShift)`
        : undefined;
    },
  },
  // Immutable OSes: identified by os-release alone, their own daemons own the files.
  {
    id: 'talos',
    runtime: 'containerd',
    distribution: 'talos',
    sockets: SOCKETS.containerd,
    containerdConfig: () => TALOS_CRI_CONFIG,
    confirm: (f) => (f.osRelease.ID === 'talos' ? 'os-release ID=talos' : undefined),
  },
  {
    id: 'bottlerocket-ecs',
    runtime: 'docker',
    distribution: 'bottlerocket',
    sockets: SOCKETS.docker,
    confirm: (f) =>
      f.osRelease.ID === 'bottlerocket' && /ecs/.test(f.osRelease.VARIANT_ID ?? '')
        ? `os-release ID=bottlerocket, VARIANT_ID=${f.osRelease.VARIANT_ID} (ECS variants run Docker)`
        : undefined,
  },
  {
    id: 'bottlerocket',
    runtime: 'containerd',
    distribution: 'bottlerocket',
    sockets: SOCKETS.containerd,
    containerdConfig: (p) => p.containerdConfig,
    confirm: (f) => (f.osRelease.ID === 'bottlerocket' ? 'os-release ID=bottlerocket' : undefined),
  },
  {
    id: 'kind',
    runtime: 'containerd',
    distribution: 'kind',
    sockets: SOCKETS.containerd,
    containerdConfig: (p) => p.containerdConfig,
    confirm: (f) =>
      f.exists(MARKERS.kindVersion) ? `${MARKERS.kindVersion} exists (kindest/node image)` : undefined,
  },
  // cri-dockerd before containerd: Docker hosts run containerd too, but kubelet talks to cri-dockerd.
  {
    id: 'cri-dockerd',
    runtime: 'docker',
    distribution: 'plain',
    sockets: SOCKETS.criDockerd,
    confirm: (f) => {
      const sock = f.firstExisting(SOCKETS.criDockerd);
      if (sock) return `socket ${sock}`;
      const v = f.commandVersion('cri-dockerd');
      return v ? `cri-dockerd --version → ${v}` : undefined;
    },
  },
  { id: 'crio', runtime: 'crio', distribution: 'plain', sockets: SOCKETS.crio, confirm: crioEvidence },
  // containerd serving CRI; one with CRI disabled belongs to dockerd (next rows).
  {
    id: 'containerd',
    runtime: 'containerd',
    distribution: 'plain',
    sockets: SOCKETS.containerd,
    containerdConfig: (p) => p.containerdConfig,
    confirm: (f) => {
      if (criDisabledIn(f.read(f.paths.containerdConfig))) return undefined;
      const sock = f.firstExisting(SOCKETS.containerd);
      if (sock) return `socket ${sock}`;
      if (f.exists(f.paths.containerdConfig)) return `${f.paths.containerdConfig} exists`;
      const v = f.commandVersion('containerd');
      return v ? `containerd --version → ${v}` : undefined;
    },
  },
  {
    id: 'dockerd',
    runtime: 'docker',
    distribution: 'plain',
    sockets: SOCKETS.docker,
    confirm: (f) => {
      const sock = f.firstExisting(SOCKETS.docker);
      if (sock) return `socket ${sock} (no cri-dockerd found)`;
      if (f.exists(f.paths.dockerDaemonJson))
        return `${f.paths.dockerDaemonJson} exists (no cri-dockerd found)`;
      const v = f.commandVersion('dockerd');
      return v ? `dockerd --version → ${v} (no cri-dockerd found)` : undefined;
    },
  },
  // Last resort: a containerd whose CRI plugin is disabled still is the only runtime here.
  {
    id: 'containerd-cri-disabled',
    runtime: 'containerd',
    distribution: 'plain',
    sockets: SOCKETS.containerd,
    containerdConfig: (p) => p.containerdConfig,
    confirm: (f) =>
      criDisabledIn(f.read(f.paths.containerdConfig))
        ? `${f.paths.containerdConfig} exists (CRI plugin disabled)`
        : undefined,
  },
];
