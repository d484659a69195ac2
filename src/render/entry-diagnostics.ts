// Diagnostics every renderer emits the same way: "cannot express" errors for one target, and TLS
// files the spec names but whose contents were not provided.
import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, Target } from '../spec/types.js';
import type { RenderContext } from './types.js';

/** An error for `target` (code render.<target>.<code>) about the field of one spec entry. */
export const targetError =
  (target: Target) =>
  (code: string, field: string, message: string, hint: string): Diagnostic => ({
    severity: 'error',
    code: `render.${target}.${code}`,
    message,
    field,
    hint,
    target,
  });

/** A tls.caFile/certFile/keyFile the spec names but whose contents the loader did not provide. */
export function missingTlsAssets(target: Target, m: Mirror, field: string, ctx: RenderContext): Diagnostic[] {
  const err = targetError(target);
  return (['caFile', 'certFile', 'keyFile'] as const).flatMap((key) => {
    const p = m.tls[key];
    return p !== undefined && ctx.assets[p] === undefined
      ? [
          err(
            'asset-missing',
            `${field}.tls.${key}`,
            `contents of ${p} were not provided`,
            'pass the file with the spec',
          ),
        ]
      : [];
  });
}
