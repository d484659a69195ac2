// Multi-document YAML as the foreign formats use it: OpenShift objects (also `oc get -o yaml` lists)
// and Talos documents are read as plain values, and written back one document per `---`.
import { parseAllDocuments, stringify } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { isRecord } from '../util/is-record.js';

/** YAML (one or many documents) → plain values, or a parse diagnostic. */
export function readYamlDocs(text: string, file: string): { docs: unknown[]; diagnostics: Diagnostic[] } {
  const all = parseAllDocuments(text);
  const list = Array.isArray(all) ? all : [all];
  const bad = list.find((d) => d.errors.length > 0)?.errors[0];
  if (bad)
    return {
      docs: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'convert.parse',
          file,
          ...(bad.linePos?.[0] ? { line: bad.linePos[0].line, column: bad.linePos[0].col } : {}),
          message: `not valid YAML: ${bad.message.split('\n')[0]}`,
        },
      ],
    };
  const docs = list.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined);
  // `kind: List` (oc get -o yaml) holds the objects in items.
  return {
    docs: docs.flatMap((d) => (isRecord(d) && Array.isArray(d.items) ? d.items : [d])),
    diagnostics: [],
  };
}

/** Documents → one YAML stream (no line wrapping, so long URLs and PEMs stay on their lines). */
export const writeYamlDocs = (docs: readonly unknown[]): string =>
  docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
