// What observeHost gathers from a node and detectRuntime decides from: plain JSON, so a node's
// facts can be captured, shipped by the agent and replayed in tests. The probe list is data too.
import type { Diagnostic } from '../diagnostics.js';
import { CONTAINERD_DROPIN_DIR } from '../formats/containerd-dropins.js';
import type { NodePaths } from '../formats/node-paths.js';

/** lstat's kind of a path: what HostFacts record and HostFs.stat answers (src/host/ports.ts takes it
 *  from here, so the pure core needs nothing from host/). */
export type FileType = 'file' | 'dir' | 'symlink' | 'other';

export type VersionCommandId = 'containerd' | 'crio' | 'dockerd' | 'cri-dockerd';

export interface CommandFact {
  argv: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface HostFacts {
  /** UTF-8 contents of the probed files that exist, keyed by absolute node path. */
  files: Record<string, string>;
  /** Probed paths that exist (sockets, marker dirs, files), with their lstat type. */
  present: Record<string, FileType>;
  /** Entry names of probed directories that exist. */
  dirs: Record<string, string[]>;
  /** The first successful run of each version command; absent when no candidate ran. */
  commands: Partial<Record<VersionCommandId, CommandFact>>;
  /** Files that could not be read (escaping symlinks, directories, I/O errors). */
  diagnostics: Diagnostic[];
}

export interface VersionCommand {
  id: VersionCommandId;
  /** Candidates in order; the first that exits 0 is kept. */
  argvs: string[][];
}

export interface HostProbes {
  read: string[];
  stat: string[];
  list: string[];
  /** Directories whose entries with this suffix are read too (drop-in dirs). */
  readEntries: { dir: string; suffix: string }[];
  commands: VersionCommand[];
}

/** Explicit runtime binaries (e.g. `--containerd-bin`), tried before the usual names. */
export type RuntimeBins = Partial<Record<VersionCommandId, string>>;

export const K3S_CONTAINERD_CONFIG = '/var/lib/rancher/k3s/agent/etc/containerd/config.toml';
export const RKE2_CONTAINERD_CONFIG = '/var/lib/rancher/rke2/agent/etc/containerd/config.toml';
export const TALOS_CRI_CONFIG = '/etc/cri/containerd.toml';

export const SOCKETS = {
  containerd: ['/run/containerd/containerd.sock', '/var/run/containerd/containerd.sock'],
  k3s: ['/run/k3s/containerd/containerd.sock'],
  crio: ['/run/crio/crio.sock', '/var/run/crio/crio.sock'],
  criDockerd: ['/run/cri-dockerd.sock', '/var/run/cri-dockerd.sock'],
  docker: ['/run/docker.sock', '/var/run/docker.sock'],
} as const;

export const MARKERS = {
  k3s: '/etc/rancher/k3s',
  rke2: '/etc/rancher/rke2',
  machineConfigDaemon: '/etc/machine-config-daemon',
  kindVersion: '/kind/version',
  crioConf: '/etc/crio/crio.conf',
  crioConfDir: '/etc/crio/crio.conf.d',
} as const;

/** Everything observeHost looks at, for the given node paths. */
export function hostProbes(paths: NodePaths, bins: RuntimeBins = {}): HostProbes {
  const withBin = (id: VersionCommandId, defaults: string[][]): VersionCommand => {
    const explicit = bins[id];
    return { id, argvs: explicit ? [[explicit, '--version'], ...defaults] : defaults };
  };
  return {
    read: [
      '/etc/os-release',
      '/usr/lib/os-release',
      '/etc/hostname',
      MARKERS.kindVersion,
      paths.containerdConfig,
      K3S_CONTAINERD_CONFIG,
      RKE2_CONTAINERD_CONFIG,
      TALOS_CRI_CONFIG,
      paths.registriesConf,
      paths.dockerDaemonJson,
      MARKERS.crioConf,
    ],
    stat: [
      ...Object.values(SOCKETS).flat(),
      ...Object.values(MARKERS),
      paths.certsDir,
      paths.registriesConfDir,
      paths.containerdConfig,
      K3S_CONTAINERD_CONFIG,
      RKE2_CONTAINERD_CONFIG,
      paths.registriesConf,
      paths.dockerDaemonJson,
    ],
    list: [paths.certsDir, paths.registriesConfDir, CONTAINERD_DROPIN_DIR],
    readEntries: [{ dir: CONTAINERD_DROPIN_DIR, suffix: '.toml' }],
    commands: [
      // k3s/RKE2 keep their containerd off PATH.
      withBin('containerd', [
        ['containerd', '--version'],
        ['/var/lib/rancher/rke2/bin/containerd', '--version'],
        ['/var/lib/rancher/k3s/data/current/bin/containerd', '--version'],
      ]),
      withBin('crio', [['crio', '--version']]),
      withBin('dockerd', [['dockerd', '--version']]),
      withBin('cri-dockerd', [['cri-dockerd', '--version']]),
    ],
  };
}

export const emptyFacts = (): HostFacts => ({
  files: {},
  present: {},
  dirs: {},
  commands: {},
  diagnostics: [],
});
