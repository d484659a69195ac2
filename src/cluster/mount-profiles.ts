// The agent's mount profiles: one DaemonSet per runtime family, each mounting read-write only the
// config directory its runtime reads (type Directory: kubelet refuses to start the pod rather than
// create the directory, so nothing appears on a node of another runtime), mirrorctl's state dir,
// and read-only the runtime socket directory and /etc/os-release. The apply Job mounts the same.
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { NodeTarget } from './api/meta.js';
import { HOST_ROOT } from './api/pod-contract.js';

export interface HostMount {
  hostPath: string;
  type: 'Directory' | 'DirectoryOrCreate' | 'File';
  readOnly: boolean;
  /** Where it appears under HOST_ROOT (several: /var/run is a symlink to /run on the node). */
  at: string[];
  /** Why the agent needs it (deploy/README.md's grant table is checked against these). */
  why: string;
}

export const PROFILE_NAMES = ['containerd', 'crio', 'docker', 'rancher'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface MountProfile {
  name: ProfileName;
  /** Values of the mirrorctl.io/target node label the profile's DaemonSet runs on. */
  targets: NodeTarget[];
  mounts: HostMount[];
}

const STATE: HostMount = {
  hostPath: '/var/lib/mirrorctl',
  type: 'DirectoryOrCreate',
  readOnly: false,
  at: ['/var/lib/mirrorctl'],
  why: "mirrorctl's journal, backups, lock and state; created only on nodes an agent runs on",
};
const OS_RELEASE: HostMount = {
  hostPath: '/etc/os-release',
  type: 'File',
  readOnly: true,
  at: ['/etc/os-release'],
  why: 'distribution detection',
};
const socketDir = (dir: string, why: string): HostMount => ({
  hostPath: dir,
  type: 'Directory',
  readOnly: true,
  at: [dir, dir.replace(/^\/run\//, '/var/run/').replace(/^\/run$/, '/var/run')],
  why,
});

export const MOUNT_PROFILES: readonly MountProfile[] = [
  {
    name: 'containerd',
    targets: ['containerd'],
    mounts: [
      {
        hostPath: '/etc/containerd',
        type: 'Directory',
        readOnly: false,
        at: ['/etc/containerd'],
        why: 'config.toml and certs.d/*/hosts.toml',
      },
      socketDir('/run/containerd', 'CRI Version/Status: runtime version and health'),
      OS_RELEASE,
      STATE,
    ],
  },
  {
    name: 'crio',
    targets: ['crio'],
    mounts: [
      {
        hostPath: '/etc/containers',
        type: 'Directory',
        readOnly: false,
        at: ['/etc/containers'],
        why: 'registries.conf and registries.conf.d/',
      },
      socketDir('/run/crio', 'CRI Version/Status: runtime version and health'),
      OS_RELEASE,
      STATE,
    ],
  },
  {
    name: 'docker',
    targets: ['docker'],
    mounts: [
      {
        hostPath: '/etc/docker',
        type: 'Directory',
        readOnly: false,
        at: ['/etc/docker'],
        why: 'daemon.json',
      },
      // dockerd's socket sits in /run itself. A bind mount of the socket file would keep the old
      // inode after dockerd restarts (the new socket is a new file), so the directory is mounted.
      socketDir('/run', "dockerd's /run/docker.sock: version and health (/_ping)"),
      OS_RELEASE,
      STATE,
    ],
  },
  {
    name: 'rancher',
    targets: ['k3s', 'rke2'],
    mounts: [
      {
        hostPath: '/etc/rancher',
        type: 'Directory',
        readOnly: false,
        at: ['/etc/rancher'],
        why: 'k3s/rke2 registries.yaml (and the server marker k3s.yaml)',
      },
      socketDir('/run/k3s/containerd', 'the embedded containerd socket (k3s and RKE2): version and health'),
      OS_RELEASE,
      STATE,
    ],
  },
];

export const profileFor = (name: ProfileName): MountProfile => {
  const p = MOUNT_PROFILES.find((x) => x.name === name);
  if (!p) throw new Error(`bug: no mount profile ${name}`);
  return p;
};

/** The profile whose DaemonSet serves a node target (undefined: `unsupported`). */
export const profileOfTarget = (target: NodeTarget): MountProfile | undefined =>
  MOUNT_PROFILES.find((p) => p.targets.includes(target));

const volumeName = (hostPath: string): string => `host${hostPath.replace(/[/.]/g, '-')}`;

/** The pod volumes and container mounts of a profile, deduplicated (`at` under HOST_ROOT). */
export function hostVolumes(profile: MountProfile): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  return {
    volumes: profile.mounts.map((m) => ({
      name: volumeName(m.hostPath),
      hostPath: { path: m.hostPath, type: m.type },
    })),
    mounts: profile.mounts.flatMap((m) =>
      [...new Set(m.at)].map((at) => ({
        name: volumeName(m.hostPath),
        mountPath: `${HOST_ROOT}${at}`,
        ...(m.readOnly ? { readOnly: true } : {}),
      })),
    ),
  };
}

/** The host-mount table of deploy/README.md, from the same data as the pods (a test compares). */
export function mountTable(): string {
  const rows = MOUNT_PROFILES.flatMap((p) =>
    p.mounts.map(
      (m) =>
        `| ${p.name} | hostPath \`${m.hostPath}\` (\`${m.type}\`) ${m.readOnly ? 'read-only' : 'read-write'} at ${[...new Set(m.at)].map((a) => `\`${HOST_ROOT}${a}\``).join(', ')} | ${m.why} |`,
    ),
  );
  return ['| profile | mount | why |', '|---|---|---|', ...rows].join('\n');
}
