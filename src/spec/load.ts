// Reads a spec file and the TLS files it references, through a caller-supplied reader (the CLI
// passes node:fs, tests pass a map): this module never touches the disk itself. TLS paths are
// relative to the spec file's directory; each file must hold what its field promises, checked
// with node:crypto's real X.509/key parsers, because a bad cert file makes containerd fail every
// pull of that registry (no fallback).
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { dirname, isAbsolute, join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { formatFieldPath, type PathSegment } from './field-path.js';
import type { MirrorSet, SpecAssets } from './types.js';
import { validateSpec } from './validate.js';

export type ReadText = (path: string) => Promise<string | null>;

export interface LoadedSpec {
  spec?: MirrorSet;
  assets: SpecAssets;
  diagnostics: Diagnostic[];
}

type TlsField = 'caFile' | 'certFile' | 'keyFile';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

/** Why `text` is not a usable PEM for `field`, or undefined when it is. */
export function checkPem(field: TlsField, text: string): string | undefined {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) return 'is not a PEM file (no -----BEGIN …----- block)';
  try {
    if (field === 'keyFile') {
      const key = blocks.find((b) => /PRIVATE KEY$/.test(b[1] ?? ''));
      if (!key) return 'holds no PRIVATE KEY block';
      if ((key[1] ?? '').includes('ENCRYPTED') || /Proc-Type: 4,ENCRYPTED/.test(key[0])) {
        return 'holds an encrypted private key; runtimes cannot use a key that needs a passphrase';
      }
      createPrivateKey(key[0]);
      return undefined;
    }
    const certs = blocks.filter((b) => b[1] === 'CERTIFICATE');
    if (certs.length === 0) return 'holds no CERTIFICATE block';
    for (const c of certs) new X509Certificate(c[0]);
    return undefined;
  } catch (e) {
    return `cannot be parsed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Does the client certificate belong to the key? A mismatched pair fails every TLS handshake. */
function pairMismatch(certPem: string, keyPem: string): boolean {
  try {
    const cert = [...certPem.matchAll(PEM_BLOCK)].find((b) => b[1] === 'CERTIFICATE')?.[0];
    const key = [...keyPem.matchAll(PEM_BLOCK)].find((b) => /PRIVATE KEY$/.test(b[1] ?? ''))?.[0];
    if (!cert || !key) return false;
    return !new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch {
    return false; // already reported by checkPem
  }
}

type ReadOutcome = { ok: true; text: string | null } | { ok: false; error: string };

/** Loads and validates `file`; on success, `assets` holds every referenced TLS file keyed by its spec path. */
export async function loadSpec(file: string, readFile: ReadText): Promise<LoadedSpec> {
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
