// The Diagnostic a foreign renderer reports for a spec field its target cannot carry: code
// `render.<target>.<code>`, the field, and the fix. One adder, so every target words them alike.
import type { Diagnostic } from '../diagnostics.js';

export type AddRenderDiagnostic = (
  severity: 'error' | 'warning',
  code: string,
  field: string,
  message: string,
  hint: string,
) => void;

/** An adder that appends `render.<target>.<code>` diagnostics to `out`. */
export const renderDiagnosticsInto =
  (out: Diagnostic[], target: string): AddRenderDiagnostic =>
  (severity, code, field, message, hint) => {
    out.push({ severity, code: `render.${target}.${code}`, field, target, message, hint });
  };
