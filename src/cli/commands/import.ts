// `mirrorctl import --from-node`: the registry settings already on a node (hosts.toml, legacy CRI
// mirrors, registries.yaml, registries.conf(.d), daemon.json) as one spec on stdout, so a hand-made
// setup can be adopted and then managed by plan/apply. Whatever has no spec field is reported.
import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';
import { NODE_OPTIONS } from '../node-options.js';

export const importCommand: CommandDef = {
  name: 'import',
  summary: "read a node's existing registry mirror settings back into a spec",
  description: `Reads certs.d/<host>/hosts.toml, legacy CRI registry.mirrors in config.toml, k3s/RKE2
registries.yaml, registries.conf and registries.conf.d, and daemon.json under --root, and prints one
MirrorSet. The first file that configures a registry wins (a warning names the others). Credentials
(configs.auth, an Authorization: Basic header) never go into the spec: with --auth-out FILE they are
written there (0600) and each mirror names it (auth: { file }), else they are left out with a warning.
Inline certificates and source rewrites have no spec field: each is reported on stderr. Other header
values (hosts.toml) are copied, with a warning; -o creates the file 0600 then. TLS paths are
node paths; run mirrorctl where they resolve (or copy the files) before planning with the spec.
A file the node's runtime does not read (registries.conf on a Docker node, hosts.toml outside
containerd's config_path) is reported, and the imported spec is checked by the renderers plan uses for
the node's target (or, runtime unknown, for the format each file is): their findings are warnings here.
Other formats (IDMS, registries.yaml files, Talos …) are imported with \`mirrorctl convert --to spec\`.`,
  options: [
    { flags: '--from-node', description: 'read the node under --root (the only source import reads)' },
    ...NODE_OPTIONS,
    { flags: '--name <name>', description: 'metadata.name of the spec', default: 'imported' },
    { flags: '-o, --output <file>', description: 'write the spec here instead of stdout' },
    {
      flags: '--auth-out <file>',
      description:
        'write credentials found on the node (configs.auth, an Authorization: Basic header) to this auth.json (0600) and name it in the spec; without it they are left out',
    },
  ],
  examples: [
    'mirrorctl import --from-node > mirrors.yaml',
    'mirrorctl import --from-node --root /mnt/node-image',
  ],
  run: lazyRun(
    () => import('./import-run.js'),
    (m) => m.runImport,
  ),
};
