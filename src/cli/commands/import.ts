// `mirrorctl import --from-node`: the registry settings already on a node (hosts.toml, legacy CRI
// mirrors, registries.yaml, registries.conf(.d), daemon.json) as one spec on stdout, so a hand-made
// setup can be adopted and then managed by plan/apply. Whatever has no spec field is reported.
import { resolve } from 'node:path';
import { type Diagnostic, hasErrors } from '../../diagnostics.js';
import { CliError, ExitCode } from '../../exit-codes.js';
import { authRef, credentialsAsReference } from '../../foreign/credentials-doc.js';
import { docToSpec, docToYaml, specDoc, specToDoc } from '../../foreign/spec-doc.js';
import { DEFAULT_PATHS } from '../../formats/node-paths.js';
import { writeLocalText } from '../../host/local-files.js';
import { importLints, lintTargets, unreadSources } from '../../planner/import-lints.js';
import { detectNodeRuntime, importFromNode, readTlsAssets } from '../../planner/import-node.js';
import { type CommandDef, optBool, optString } from '../command.js';
import { nodeHost } from '../node-host.js';
import { NODE_OPTIONS, rootOf, runtimeFlag } from '../node-options.js';
import { writeDiagnostics } from '../output.js';

const HEADERS_COPIED: Diagnostic = {
  severity: 'warning',
  code: 'import.headers-copied',
  message:
    'the spec carries the header values of hosts.toml (an Authorization header is a credential): keep it as private as the node files',
  hint: 'write it with -o FILE (created 0600) rather than to a terminal or a shared place',
};

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
  async run(ctx, _args, opts) {
    if (!optBool(opts, 'fromNode'))
      throw new CliError(
        'pass --from-node (files in other formats: mirrorctl convert --to spec FILE)',
        ExitCode.INVALID_INPUT,
      );
    const root = rootOf(ctx, opts);
    const host = nodeHost(root);
    const bin = optString(opts, 'containerdBin');
    const version = optString(opts, 'runtimeVersion');
    // Which runtime reads which file decides what is in effect on this node (issue 15.10).
    const detection = await detectNodeRuntime(host, DEFAULT_PATHS, {
      runCommands: root === '/' || bin !== undefined,
      ...(bin ? { containerdBin: bin } : {}),
      ...(version ? { runtimeVersion: version } : {}),
    });
    const target = runtimeFlag(opts) ?? detection.target;
    const runtime = { detection, ...(target ? { target } : {}) };
    const found = await importFromNode(host.fs, DEFAULT_PATHS);
    const out = optString(opts, 'output');
    const authOut = optString(opts, 'authOut');
    // Credentials go behind a reference (a separate 0600 auth.json), never into the spec.
    const refs = credentialsAsReference(
      found.entries,
      found.credentials,
      authOut && authRef(ctx.cwd, authOut, out),
    );
    const converted = docToSpec(specDoc(optString(opts, 'name') ?? 'imported', refs.entries), root);
    const lints = converted.spec
      ? importLints(
          converted.spec,
          lintTargets(found.sources, runtime),
          await readTlsAssets(host.fs, converted.spec),
          version ?? detection.version,
        )
      : [];
    // Header values are the one secret a spec carries (hosts.toml `header`): the spec needs them to
    // reproduce the node, so they are copied — and said so; -o writes the file 0600.
    const withHeaders = (converted.spec?.registries ?? []).some((e) =>
      e.mirrors.some((m) => Object.keys(m.headers).length > 0),
    );
    const diagnostics = [
      ...found.diagnostics,
      ...refs.diagnostics,
      ...converted.diagnostics,
      ...unreadSources(found.sources, runtime),
      ...lints,
      ...(withHeaders ? [HEADERS_COPIED] : []),
    ];
    writeDiagnostics(ctx, diagnostics);
    if (!converted.spec || hasErrors(diagnostics)) return ExitCode.INVALID_INPUT;
    if (!ctx.quiet)
      ctx.stderr.write(
        `imported ${converted.spec.registries.length} registries from ${found.files.join(', ')}\n`,
      );
    const text = docToYaml(specToDoc(converted.spec));
    if (authOut && refs.authFileText !== undefined)
      await writeLocalText(resolve(ctx.cwd, authOut), refs.authFileText, 0o600);
    if (out) await writeLocalText(resolve(ctx.cwd, out), text, withHeaders ? 0o600 : undefined);
    else ctx.stdout.write(text);
    return ExitCode.OK;
  },
};
