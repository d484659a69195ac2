// The implementation of `mirrorctl convert` (convert.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.
import { resolve } from 'node:path';
import { type Diagnostic, hasErrors } from '../../diagnostics.js';
import { CliError, ExitCode } from '../../exit-codes.js';
import { FORMAT_NAMES, type Format, formatNamed } from '../../foreign/convert-table.js';
import { authRef, credentialsAsReference } from '../../foreign/credentials-doc.js';
import { docToSpec, specDoc } from '../../foreign/spec-doc.js';
import { parseTalosVersion } from '../../foreign/talos-machine-config.js';
import { readLocalText, writeLocalText } from '../../host/local-files.js';
import { loadSpec } from '../../spec/load.js';
import type { MirrorSet, SpecAssets } from '../../spec/types.js';
import { checkMetadataName } from '../../spec/value-syntax.js';
import type { OptionValues } from '../command.js';
import { optString } from '../command.js';
import type { CliContext } from '../context.js';
import { writeDiagnostics } from '../output.js';

/** Formats whose output embeds PEM contents rather than naming files. */
const INLINES_PEM = new Set(['talos', 'openshift', 'bottlerocket']);

export interface SpecRead {
  spec?: MirrorSet;
  assets: SpecAssets;
  diagnostics: Diagnostic[];
  /** The exact name for written objects: --name, else the input's own objects' name. */
  objectName?: string;
}

const DEFAULT_NAME = 'imported';

/** The spec's name from a foreign input's own name, when that is a valid spec name (a DNS label). */
function specName(own: string | undefined, file: string): { name: string; diagnostics: Diagnostic[] } {
  if (own === undefined) return { name: DEFAULT_NAME, diagnostics: [] };
  if (checkMetadataName(own).length === 0) return { name: own, diagnostics: [] };
  return {
    name: DEFAULT_NAME,
    diagnostics: [
      {
        severity: 'warning',
        code: 'convert.name',
        file,
        message: `the input is named ${own}, which is not a DNS-1123 label: the spec is named ${DEFAULT_NAME} (objects written from it keep ${own})`,
        hint: 'use --name to choose the name',
      },
    ],
  };
}

/**
 * Reads FILE as `from` into a validated spec (+ the TLS files it names, when readable here). The
 * name is `name` (--name) when given, else the input's own: a spec's metadata.name, or the
 * metadata.name of IDMS/ITMS/ICSP objects, kept as OpenShift's own migration keeps it.
 */
export async function readAsSpec(
  ctx: CliContext,
  from: Format,
  file: string,
  name?: string,
  /** --auth-out: where found credentials go, and how the spec names that file. */
  auth?: { path: string; ref: string },
): Promise<SpecRead> {
  const path = resolve(ctx.cwd, file);
  const named = name === undefined ? {} : { objectName: name };
  if (from.name === 'spec') {
    const loaded = await loadSpec(path, readLocalText);
    const problems = (name === undefined ? [] : checkMetadataName(name)).map(
      (f): Diagnostic => ({
        severity: 'error',
        field: 'metadata.name',
        ...f,
        message: `--name: ${f.message}`,
      }),
    );
    if (!loaded.spec || name === undefined) return loaded;
    return {
      ...loaded,
      spec: { ...loaded.spec, name },
      diagnostics: [...loaded.diagnostics, ...problems],
      ...named,
    };
  }
  const text = await readLocalText(path);
  if (text === null) throw new CliError(`${file}: no such file`, ExitCode.INVALID_INPUT);
  if (!from.read)
    throw new CliError(`--from ${from.name}: this format is write-only`, ExitCode.INVALID_INPUT);
  const read = from.read(text, file);
  const own = name === undefined ? specName(read.name, file) : { name, diagnostics: [] };
  const objectName = name ?? read.name;
  // Credentials in the input go behind a reference (a separate 0600 auth.json), never into the spec.
  const refs = credentialsAsReference(read.entries, read.credentials ?? {}, auth?.ref, file);
  if (auth && refs.authFileText !== undefined) await writeLocalText(auth.path, refs.authFileText, 0o600);
  const converted = docToSpec(specDoc(own.name, refs.entries), file);
  const assets: SpecAssets = {};
  for (const e of converted.spec?.registries ?? [])
    for (const m of e.mirrors)
      for (const p of [m.tls.caFile, m.tls.certFile, m.tls.keyFile]) {
        if (p === undefined || p in assets) continue;
        const content = await readLocalText(resolve(ctx.cwd, p)).catch(() => null);
        if (content !== null) assets[p] = content;
      }
  return {
    ...(converted.spec ? { spec: converted.spec } : {}),
    assets,
    diagnostics: [...read.diagnostics, ...refs.diagnostics, ...own.diagnostics, ...converted.diagnostics],
    ...(objectName === undefined ? {} : { objectName }),
  };
}

function unreadPem(set: MirrorSet, assets: SpecAssets, to: string): Diagnostic[] {
  if (!INLINES_PEM.has(to)) return [];
  return set.registries.flatMap((e) =>
    e.mirrors.flatMap((m, j) =>
      [m.tls.caFile, m.tls.certFile, m.tls.keyFile]
        .filter((p): p is string => p !== undefined && assets[p] === undefined)
        .map((p) => ({
          severity: 'warning' as const,
          code: 'convert.tls-file-unread',
          field: `spec.registries[${e.index}].mirrors[${j}].tls`,
          message: `${p} cannot be read here, and ${to} embeds the PEM itself: it is left out of the output`,
          hint: 'run convert where the file exists (or copy it next to the input) so it can be embedded',
        })),
    ),
  );
}

export async function runConvert(ctx: CliContext, args: string[], opts: OptionValues): Promise<number> {
  const from = formatNamed(optString(opts, 'from') ?? 'spec');
  const toName = optString(opts, 'to');
  const to = toName === undefined ? undefined : formatNamed(toName);
  if (!from || !to)
    throw new CliError(`--from and --to take one of ${FORMAT_NAMES.join(', ')}`, ExitCode.INVALID_INPUT);
  const file = args[0];
  if (!file) throw new CliError('missing FILE to convert', ExitCode.INVALID_INPUT);
  const talosVersion = optString(opts, 'talosVersion');
  if (talosVersion !== undefined && !parseTalosVersion(talosVersion))
    throw new CliError(
      `--talos-version ${talosVersion}: not a version (1.11, v1.11.2, or "Talos (v1.11.2)")`,
      ExitCode.INVALID_INPUT,
    );
  const authOut = optString(opts, 'authOut');
  const auth = authOut
    ? { path: resolve(ctx.cwd, authOut), ref: authRef(ctx.cwd, authOut, optString(opts, 'output')) }
    : undefined;
  const read = await readAsSpec(ctx, from, file, optString(opts, 'name'), auth);
  if (!read.spec || hasErrors(read.diagnostics)) {
    writeDiagnostics(ctx, read.diagnostics);
    return ExitCode.INVALID_INPUT;
  }
  const out = optString(opts, 'output');
  const written = to.write(read.spec, read.assets, {
    ...(read.objectName === undefined ? {} : { objectName: read.objectName }),
    ...(talosVersion === undefined ? {} : { talosVersion }),
    // Credentials go only into a file created 0600, never to stdout.
    ...(out === undefined ? {} : { withCredentials: true }),
  });
  const diagnostics = [
    ...read.diagnostics,
    ...unreadPem(read.spec, read.assets, to.name),
    ...written.diagnostics,
  ];
  writeDiagnostics(ctx, diagnostics);
  if (out) await writeLocalText(resolve(ctx.cwd, out), written.text, 0o600);
  else ctx.stdout.write(written.text);
  return hasErrors(diagnostics) ? ExitCode.INVALID_INPUT : ExitCode.OK;
}
