// The implementation of `mirrorctl import` (import.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.
import { resolve } from 'node:path';
import { type Diagnostic, hasErrors } from '../../diagnostics.js';
import { CliError, ExitCode } from '../../exit-codes.js';
import { authRef, credentialsAsReference } from '../../foreign/credentials-doc.js';
import { docToSpec, docToYaml, specDoc, specToDoc } from '../../foreign/spec-doc.js';
import { DEFAULT_PATHS } from '../../formats/node-paths.js';
import { writeLocalText } from '../../host/local-files.js';
import { importLints, lintTargets, unreadSources } from '../../planner/import-lints.js';
import { detectNodeRuntime, importFromNode, readTlsAssets } from '../../planner/import-node.js';
import type { OptionValues } from '../command.js';
import { optBool, optString } from '../command.js';
import type { CliContext } from '../context.js';
import { nodeHost } from '../node-host.js';
import { rootOf, runtimeFlag } from '../node-options.js';
import { writeDiagnostics } from '../output.js';

const HEADERS_COPIED: Diagnostic = {
  severity: 'warning',
  code: 'import.headers-copied',
  message:
    'the spec carries the header values of hosts.toml (an Authorization header is a credential): keep it as private as the node files',
  hint: 'write it with -o FILE (created 0600) rather than to a terminal or a shared place',
};

export async function runImport(ctx: CliContext, _args: string[], opts: OptionValues): Promise<number> {
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
}
