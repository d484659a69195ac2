// `mirrorctl render`: the files a target reads, written under --out as they would sit on the node.
import { DISTRO_TARGETS } from '../../foreign/format-names.js';
import { TARGETS } from '../../spec/types.js';
import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';
import { SPEC_OPTION } from '../node-options.js';

export const renderCommand: CommandDef = {
  name: 'render',
  summary: 'write the files a target reads, as they would sit on the node, under a directory',
  description: `Pure rendering, no node involved: DIR/etc/containerd/certs.d/<host>/hosts.toml (+ CA/client
files), DIR/etc/containerd/config.toml (a patched copy of --base, or a minimal file with the registry
table), DIR/etc/containers/registries.conf.d/50-mirrorctl-<name>.conf, DIR/etc/docker/daemon.json (merged
into --base). Diagnostics go to stderr. Exit 0 ok, 2 invalid input or an entry the target cannot express
(unless --skip-inexpressible). Distribution targets: k3s/rke2 write etc/rancher/<flavor>/registries.yaml
(merged into --base) and its TLS files; openshift writes openshift-mirrors.yaml (ImageDigestMirrorSet,
ImageTagMirrorSet, CA ConfigMap) and openshift-image-config-patch.yaml; talos writes
talos-registry-mirrors.yaml (for talosctl patch mc); bottlerocket writes bottlerocket-settings.toml
(for apiclient apply). mirrorctl never writes OpenShift, Talos or Bottlerocket node files itself.`,
  options: [
    SPEC_OPTION,
    {
      flags: '-t, --target <target>',
      description: 'format to render',
      choices: [...TARGETS, ...DISTRO_TARGETS],
    },
    {
      flags: '--runtime-version <v>',
      description: 'runtime version to render for (gates version-specific keys)',
    },
    { flags: '--out <dir>', description: 'directory standing for the node root' },
    { flags: '--base <file>', description: 'existing config.toml / daemon.json / registries.conf to edit' },
    { flags: '--migrate-legacy', description: 'convert legacy CRI mirrors found in --base to hosts.toml' },
    { flags: '--skip-inexpressible', description: 'leave out entries the target cannot express (warning)' },
    {
      flags: '--talos-version <version>',
      description:
        'for --target talos: the nodes\' Talos version (1.11, or osImage "Talos (v1.11.2)"); before 1.12 writes machine.registries',
    },
  ],
  examples: [
    'mirrorctl render -f mirrors.yaml --target containerd --runtime-version 1.7.24 --out ./node',
    'mirrorctl render -f mirrors.yaml --target containerd --base /etc/containerd/config.toml --out ./node',
    'mirrorctl render -f mirrors.yaml --target crio --out ./node',
    'mirrorctl render -f mirrors.yaml --target openshift --out ./manifests',
  ],
  run: lazyRun(
    () => import('./render-run.js'),
    (m) => m.runRender,
  ),
};
