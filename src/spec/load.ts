// Reads a spec file and the TLS files it references, through a caller-supplied reader (the CLI
// passes node:fs, tests pass a map): this module never touches the disk itself. TLS paths are
// relative to the spec file's directory; each file must hold what its field promises, checked
// with node:crypto's real X.509/key parsers, because a bad cert file makes containerd fail every
// pull of that registry (no fallback).
import { dirname, isAbsolute, join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { formatFieldPath, type PathSegment } from './field-path.js';
import { checkPem, pairMismatch, type TlsField } from './load-pem.js';
import { loadSecretAssets, type SecretLoadOptions } from './load-secrets.js';
import type { MirrorSet, SpecAssets } from './types.js';
import { validateSpec } from './validate.js';

export type ReadText = (path: string) => Promise<string | null>;

export type { SecretLoadOptions };
export { checkPem };

export interface LoadedSpec {
  spec?: MirrorSet;
  assets: SpecAssets;
  diagnostics: Diagnostic[];
}

type ReadOutcome = { ok: true; text: string | null } | { ok: false; error: string };

/** Loads and validates `file`; on success, `assets` holds every referenced TLS and auth file keyed by
 *  its spec path, and each Secret key the spec names (through `opts.resolveSecret`, cluster mode). */
export async function loadSpec(
  file: string,
  readFile: ReadText,
  opts: SecretLoadOptions = {},
): Promise<LoadedSpec> {
  let text: string | null;
  try {
    text = await readFile(file);
  } catch (e) {
    return { assets: {}, diagnostics: [readError(file, e)] };
  }
  if (text === null) {
    return {
      assets: {},
      diagnostics: [
        {
          severity: 'error',
          code: 'spec.file.missing',
          message: 'spec file not found',
          file,
          hint: 'pass the path of a mirrors.yaml with -f',
        },
      ],
    };
  }
  const result = validateSpec(text, file);
  if (!result.spec) return { assets: {}, diagnostics: result.diagnostics };
  const base = dirname(file);
  const resolve = (p: string): string => (isAbsolute(p) ? p : join(base, p));
  // Read each referenced path once, even when several mirrors share a CA.
  const reads = new Map<string, Promise<ReadOutcome>>();
  const read = (p: string): Promise<ReadOutcome> => {
    let r = reads.get(p);
    if (!r) {
      r = readFile(resolve(p)).then(
        (t): ReadOutcome => ({ ok: true, text: t }),
        (e: unknown): ReadOutcome => ({ ok: false, error: e instanceof Error ? e.message : String(e) }),
      );
      reads.set(p, r);
    }
    return r;
  };
  const assets: SpecAssets = {};
  const diagnostics = [...result.diagnostics];
  for (const entry of result.spec.registries) {
    for (const [j, m] of entry.mirrors.entries()) {
      const fieldPathOf = (f: TlsField): PathSegment[] => [
        'spec',
        'registries',
        entry.index,
        'mirrors',
        j,
        'tls',
        f,
      ];
      const fieldPath = (f: TlsField): { field: string; line?: number; column?: number } => ({
        field: formatFieldPath(fieldPathOf(f)),
        ...result.locate?.(fieldPathOf(f)),
      });
      const loaded: Partial<Record<TlsField, string>> = {};
      for (const field of ['caFile', 'certFile', 'keyFile'] as const) {
        const p = m.tls[field];
        if (p === undefined) continue;
        const outcome = await read(p);
        const where = `${field} ${JSON.stringify(p)}`;
        if (!outcome.ok) {
          diagnostics.push(
            assetError(
              file,
              fieldPath(field),
              'spec.tls.file-unreadable',
              `${where} cannot be read: ${outcome.error}`,
            ),
          );
        } else if (outcome.text === null) {
          diagnostics.push(
            assetError(
              file,
              fieldPath(field),
              'spec.tls.file-missing',
              `${where} not found (looked at ${resolve(p)})`,
              'paths are relative to the spec file',
            ),
          );
        } else {
          const problem = checkPem(field, outcome.text);
          if (problem)
            diagnostics.push(
              assetError(file, fieldPath(field), 'spec.tls.file-invalid', `${where} ${problem}`),
            );
          else {
            loaded[field] = outcome.text;
            assets[p] = outcome.text;
          }
        }
      }
      if (
        loaded.certFile !== undefined &&
        loaded.keyFile !== undefined &&
        pairMismatch(loaded.certFile, loaded.keyFile)
      ) {
        diagnostics.push(
          assetError(
            file,
            fieldPath('keyFile'),
            'spec.tls.key-mismatch',
            'keyFile is not the private key of certFile',
            'pair the client certificate with the key it was issued for',
          ),
        );
      }
    }
  }
  const secrets = await loadSecretAssets(
    {
      spec: result.spec,
      file,
      readAuthFile: read,
      resolvedPath: resolve,
      locate: (path) => {
        const at = result.locate?.(path);
        return at ? { line: at.line, column: at.column } : {};
      },
    },
    opts,
  );
  Object.assign(assets, secrets.assets);
  diagnostics.push(...secrets.diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { assets: {}, diagnostics };
  return { spec: result.spec, assets, diagnostics };
}

function assetError(
  file: string,
  where: { field: string; line?: number; column?: number },
  code: string,
  message: string,
  hint?: string,
): Diagnostic {
  return { severity: 'error', code, message, file, ...where, ...(hint ? { hint } : {}) };
}

function readError(file: string, e: unknown): Diagnostic {
  return {
    severity: 'error',
    code: 'spec.file.unreadable',
    message: `cannot read the spec file: ${e instanceof Error ? e.message : String(e)}`,
    file,
  };
}
