// Reads a spec file and the TLS files it references, through a caller-supplied reader (the CLI
// passes node:fs, tests pass a map): this module never touches the disk itself. TLS paths are
// relative to the spec file's directory; each file must hold what its field promises, checked
// with node:crypto's real X.509/key parsers, because a bad cert file makes containerd fail every
// pull of that registry (no fallback).
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { dirname, isAbsolute, join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { formatFieldPath } from './field-path.js';
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
  const assets: SpecAssets = {};
  const diagnostics = [...result.diagnostics];
  const base = dirname(file);
  const checks: Array<Promise<void>> = [];
  const seen = new Set<string>();
  for (const entry of result.spec.registries) {
    entry.mirrors.forEach((m, j) => {
      for (const field of ['caFile', 'certFile', 'keyFile'] as const) {
        const p = m.tls[field];
        if (p === undefined || seen.has(`${field}\0${p}`)) continue;
        seen.add(`${field}\0${p}`);
        const fieldPath = formatFieldPath(['spec', 'registries', entry.index, 'mirrors', j, 'tls', field]);
        const resolved = isAbsolute(p) ? p : join(base, p);
        checks.push(
          readFile(resolved).then(
            (content) => {
              if (content === null) {
                diagnostics.push(
                  assetError(
                    file,
                    fieldPath,
                    'spec.tls.file-missing',
                    `${field} ${JSON.stringify(p)} not found (looked at ${resolved})`,
                    'paths are relative to the spec file',
                  ),
                );
                return;
              }
              const problem = checkPem(field, content);
              if (problem)
                diagnostics.push(
                  assetError(
                    file,
                    fieldPath,
                    'spec.tls.file-invalid',
                    `${field} ${JSON.stringify(p)} ${problem}`,
                  ),
                );
              else assets[p] = content;
            },
            (e: unknown) => {
              diagnostics.push(
                assetError(
                  file,
                  fieldPath,
                  'spec.tls.file-unreadable',
                  `${field} ${JSON.stringify(p)} cannot be read: ${e instanceof Error ? e.message : String(e)}`,
                ),
              );
            },
          ),
        );
      }
    });
  }
  await Promise.all(checks);
  if (diagnostics.some((d) => d.severity === 'error')) return { assets: {}, diagnostics };
  return { spec: result.spec, assets, diagnostics };
}

function assetError(file: string, field: string, code: string, message: string, hint?: string): Diagnostic {
  return { severity: 'error', code, message, file, field, ...(hint ? { hint } : {}) };
}

function readError(file: string, e: unknown): Diagnostic {
  return {
    severity: 'error',
    code: 'spec.file.unreadable',
    message: `cannot read the spec file: ${e instanceof Error ? e.message : String(e)}`,
    file,
  };
}
