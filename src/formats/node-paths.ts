// Where each runtime reads its registry settings on a node, and where mirrorctl keeps its state.
// One record so renderers, detection, the planner and tests agree; `--root` prefixes every path.

export interface NodePaths {
  containerdConfig: string; // /etc/containerd/config.toml
  certsDir: string; // /etc/containerd/certs.d
  registriesConf: string; // /etc/containers/registries.conf
  registriesConfDir: string; // /etc/containers/registries.conf.d
  dockerDaemonJson: string; // /etc/docker/daemon.json
  stateDir: string; // /var/lib/mirrorctl
  crioConf: string; // /etc/crio/crio.conf
  crioConfDir: string; // /etc/crio/crio.conf.d
  /** The containers auth file mirrorctl merges mirror credentials into when CRI-O names none. */
  containersAuthFile: string; // /etc/containers/auth.json
}

export const DEFAULT_PATHS: NodePaths = {
  containerdConfig: '/etc/containerd/config.toml',
  certsDir: '/etc/containerd/certs.d',
  registriesConf: '/etc/containers/registries.conf',
  registriesConfDir: '/etc/containers/registries.conf.d',
  dockerDaemonJson: '/etc/docker/daemon.json',
  stateDir: '/var/lib/mirrorctl',
  crioConf: '/etc/crio/crio.conf',
  crioConfDir: '/etc/crio/crio.conf.d',
  containersAuthFile: '/etc/containers/auth.json',
};
