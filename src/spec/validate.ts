// parse → schema → rules → normalize. Returns every issue at once, with file, line/column, field
// path and hint, and never throws: a thrown error here is reported as `spec.internal` (a bug).
import type { Diagnostic } from '../diagnostics.js';
import { hasErrors } from '../diagnostics.js';
import { formatFieldPath, type PathSegment } from './field-path.js';
import type { Finding } from './finding.js';
import { normalizeSpec } from './normalize.js';
import { type Locate, parseSpecText } from './parse.js';
import { runRules } from './rules.js';
import { mirrorSetInputSchema } from './schema.js';
import { mapSchemaIssues } from './schema-issues.js';
import type { MirrorSet } from './types.js';

export interface SpecResult {
  spec?: MirrorSet;
  diagnostics: Diagnostic[];
  /** Line/column of a field of the validated text (set with `spec`), for later findings such as TLS files. */
  locate?: Locate;
}

function toDiagnostic(
  f: Finding & { severity?: Diagnostic['severity'] },
  path: readonly PathSegment[],
  file: string,
  locate: Locate,
  atKey = false,
): Diagnostic {
  const pos = locate(path, { key: atKey });
  return {
    severity: f.severity ?? 'error',
    code: f.code,
    message: f.message,
    ...(path.length > 0 ? { field: formatFieldPath(path) } : {}),
    file,
    ...(pos ? { line: pos.line, column: pos.column } : {}),
    ...(f.hint ? { hint: f.hint } : {}),
  };
}

/** Document order; diagnostics without a position keep their relative order at the end. */
function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
    (a.column ?? 0) - (b.column ?? 0)
  );
}

function validate(text: string, file: string): SpecResult {
  const parsed = parseSpecText(text, file);
  if (hasErrors(parsed.diagnostics) || parsed.value === undefined) return { diagnostics: parsed.diagnostics };
  const { value, locate } = parsed;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      diagnostics: [
        toDiagnostic(
          {
            code: 'spec.not-mapping',
            message: 'the document is not a mapping',
            hint: 'a spec starts with `apiVersion: mirrorctl.io/v1alpha1` (or `mirrorctl/v1`) and `kind: MirrorSet`',
          },
          [],
          file,
          locate,
        ),
      ],
    };
  }
  const result = mirrorSetInputSchema.safeParse(value);
  if (!result.success) {
    const diagnostics = mapSchemaIssues(result.error.issues, value).map((i) =>
      toDiagnostic(i, i.path, file, locate, i.atKey),
    );
    return { diagnostics: [...parsed.diagnostics, ...diagnostics].sort(byPosition) };
  }
  const ruleDiagnostics = runRules(result.data).map((i) =>
    toDiagnostic(i, i.path, file, locate, i.code === 'spec.header.duplicate'),
  );
  const diagnostics = [...parsed.diagnostics, ...ruleDiagnostics].sort(byPosition);
  if (hasErrors(diagnostics)) return { diagnostics };
  return { spec: normalizeSpec(result.data), diagnostics, locate };
}

/** Validates spec text (YAML, or JSON when `file` ends in .json). Never throws. */
export function validateSpec(text: string, file: string): SpecResult {
  try {
    return validate(text, file);
  } catch (e) {
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'spec.internal',
          message: `internal error while validating: ${e instanceof Error ? e.message : String(e)}`,
          file,
          hint: 'this is a bug in mirrorctl; please report it with the spec file',
        },
      ],
    };
  }
}
