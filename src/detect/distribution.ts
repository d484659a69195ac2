// Who owns a node's runtime files. Distributions regenerate them from their own sources, so
// mirrorctl must point at the native mechanism instead of fighting it (issue 6).
export const DISTRIBUTIONS = ['plain', 'k3s', 'rke2', 'openshift', 'talos', 'bottlerocket', 'kind'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

export interface NativeMechanism {
  /** One line for `detect`/`plan` output. */
  summary: string;
  /** Files the distribution regenerates (hand edits are lost). */
  ownedFiles: string[];
}

/** undefined = the standard mirrorctl path (files written on the node) is the right one. */
export const NATIVE_MECHANISMS: Record<Distribution, NativeMechanism | undefined> = {
  plain: undefined,
  // kind nodes are plain containerd; kind only patches config.toml at cluster creation.
  kind: undefined,
  k3s: {
    summary:
      'k3s regenerates containerd config at start: write /etc/rancher/k3s/registries.yaml and restart k3s',
    ownedFiles: [
      '/var/lib/rancher/k3s/agent/etc/containerd/config.toml',
      '/var/lib/rancher/k3s/agent/etc/containerd/certs.d',
    ],
  },
  rke2: {
    summary:
      'RKE2 regenerates containerd config at start: write /etc/rancher/rke2/registries.yaml and restart rke2-server/rke2-agent',
    ownedFiles: [
      '/var/lib/rancher/rke2/agent/etc/containerd/config.toml',
      '/var/lib/rancher/rke2/agent/etc/containerd/certs.d',
    ],
  },
  openshift: {
    summary:
      'the Machine Config Operator owns registries.conf: apply ImageDigestMirrorSet/ImageTagMirrorSet through the API',
    ownedFiles: ['/etc/containers/registries.conf', '/etc/containers/registries.conf.d'],
  },
  talos: {
    summary: 'Talos is immutable: apply a machine config patch (machine.registries.mirrors) with talosctl',
    ownedFiles: ['/etc/cri/conf.d/hosts', '/etc/cri/containerd.toml'],
  },
  bottlerocket: {
    summary:
      'Bottlerocket renders runtime config from settings: apply settings.container-registry with apiclient',
    ownedFiles: ['/etc/containerd/config.toml', '/etc/docker/daemon.json'],
  },
};

/** True when the distribution regenerates the runtime files mirrorctl would write. */
export const isManaged = (d: Distribution): boolean => NATIVE_MECHANISMS[d] !== undefined;
