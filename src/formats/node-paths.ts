import type { NodePaths } from '../render/types.js';

export const DEFAULT_PATHS: NodePaths = {
  containerdConfig: '/etc/containerd/config.toml',
  certsDir: '/etc/containerd/certs.d',
  registriesConf: '/etc/containers/registries.conf',
  registriesConfDir: '/etc/containers/registries.conf.d',
  dockerDaemonJson: '/etc/docker/daemon.json',
  stateDir: '/var/lib/mirrorctl',
};
