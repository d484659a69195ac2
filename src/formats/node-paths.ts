// Where each runtime reads its registry settings on a node, and where mirrorctl keeps its state.
// One record so renderers, detection, the planner and tests agree; `--root` prefixes every path.

export interface NodePaths {
  containerdConfig: string; // /etc/containerd/config.toml
  certsDir: string; // /etc/containerd/certs.d
  registriesConf: string; // /etc/containers/registries.conf
  registriesConfDir: string; // /etc/containers/registries.conf.d
  dockerDaemonJson: string; // /etc/docker/daemon.json
  stateDir: string; // /var/lib/mirrorctl
}

export const DEFAULT_PATHS: NodePaths = {
  containerdConfig: '/etc/containerd/config.toml',
  certsDir: '/etc/containerd/certs.d',
  registriesConf: '/etc/containers/registries.conf',
  registriesConfDir: '/etc/containers/registries.conf.d',
  dockerDaemonJson: '/etc/docker/daemon.json',
  stateDir: '/var/lib/mirrorctl',
};
