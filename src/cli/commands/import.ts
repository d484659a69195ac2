// `mirrorctl import --from-node`: the registry settings already on a node (hosts.toml, legacy CRI
// mirrors, registries.yaml, registries.conf(.d), daemon.json) as one spec on stdout, so a hand-made
// setup can be adopted and then managed by plan/apply. Whatever has no spec field is reported.
import { resolve } from 'node:path';
import { hasErrors } from '../../diagnostics.js';
import { CliError, ExitCode } from '../../exit-codes.js';
import { docToSpec, docToYaml, specDoc, specToDoc } from '../../foreign/spec-doc.js';
import { DEFAULT_PATHS } from '../../formats/node-paths.js';
import { writeLocalText } from '../../host/local-files.js';
import { nodeFs } from '../../host/node-fs.js';
import { importFromNode } from '../../planner/import-node.js';
import { type CommandDef, optBool, optString } from '../command.js';
import { ROOT_OPTION } from '../node-options.js';
import { writeDiagnostics } from '../output.js';

export const importCommand: CommandDef = {
  name: 'import',
  summary: "read a node's existing registry mirror settings back into a spec",
  description: `Reads certs.d/<host>/hosts.toml, legacy CRI registry.mirrors in config.toml, k3s/RKE2
registries.yaml, registries.conf and registries.conf.d, and daemon.json under --root, and prints one
MirrorSet. The first file that configures a registry wins (a warning names the others). Credentials,
inline certificates and source rewrites have no spec field: each is reported on stderr. TLS paths are
node paths; run mirrorctl where they resolve (or copy the files) before planning with the spec.
Other formats (IDMS, registries.yaml files, Talos …) are imported with \`mirrorctl convert --to spec\`.`,
  options: [
    { flags: '--from-node', description: 'read the node under --root (the only source import reads)' },
    ROOT_OPTION,
    { flags: '--name <name>', description: 'metadata.name of the spec', default: 'imported' },
    { flags: '-o, --output <file>', description: 'write the spec here instead of stdout' },
  ],
  examples: [
    'mirrorctl import --from-node > mirrors.yaml',
    'mirrorctl import --from-node --root /mnt/node-image',
  ],
  async run(ctx, _args, opts) {
    if (!optBool(opts, 'fromNode'))
      throw new CliError(
        'pass --from-node (files in other formats: mirrorctl convert --to spec FILE)',
        ExitCode.INVALID_INPUT,
      );
    const root = resolve(ctx.cwd, optString(opts, 'root') ?? '/');
    const found = await importFromNode(nodeFs({ root }), DEFAULT_PATHS);
    const converted = docToSpec(specDoc(optString(opts, 'name') ?? 'imported', found.entries), root);
    const diagnostics = [...found.diagnostics, ...converted.diagnostics];
    writeDiagnostics(ctx, diagnostics);
    if (!converted.spec || hasErrors(diagnostics)) return ExitCode.INVALID_INPUT;
    if (!ctx.quiet)
      ctx.stderr.write(
        `imported ${converted.spec.registries.length} registries from ${found.files.join(', ')}\n`,
      );
    const text = docToYaml(specToDoc(converted.spec));
    const out = optString(opts, 'output');
    if (out) await writeLocalText(resolve(ctx.cwd, out), text);
    else ctx.stdout.write(text);
    return ExitCode.OK;
  },
};
