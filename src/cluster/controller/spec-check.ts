// A MirrorSet's spec checked with the same validator as a spec file (src/spec/validate.ts), so
// `kubectl apply` and `mirrorctl apply -f` accept the same documents; the revision is the normalized
// spec's hash (what nodes record), the rollout settings come with their defaults. What may not be
// stored in the API (inline header values, file paths: src/spec/api-storage.ts) is refused here too.
import { apiStorageFindings } from '../../spec/api-storage.js';
import { formatFieldPath } from '../../spec/field-path.js';
import { specHash } from '../../spec/hash.js';
import { validateSpec } from '../../spec/validate.js';
import {
  type ClusterFields,
  clusterFieldsSchema,
  type MirrorSetObject,
  revisionOf,
  specDocumentOf,
} from '../api/mirrorset.js';

export type SpecCheck =
  | { ok: true; revision: string; fields: ClusterFields; document: Record<string, unknown> }
  | { ok: false; message: string };

export function checkSpec(set: Pick<MirrorSetObject, 'metadata' | 'spec'>): SpecCheck {
  const document = specDocumentOf(set);
  // JSON is YAML: the validator's YAML reader takes it, and reports fields by path.
  const r = validateSpec(JSON.stringify(document), `mirrorset/${set.metadata.name}`);
  const fields = clusterFieldsSchema.safeParse(set.spec);
  // A stored MirrorSet may hold no secret values and no paths of the operator's machine.
  const stored = r.spec ? apiStorageFindings(r.spec) : [];
  if (!r.spec || !fields.success || stored.length > 0) {
    const errors = [...r.diagnostics, ...stored].filter((d) => d.severity === 'error');
    const shown = errors
      .slice(0, 3)
      .map((d) => `${d.field ? `${d.field}: ` : ''}${d.message}${d.hint ? ` (${d.hint})` : ''} [${d.code}]`);
    if (!fields.success && shown.length === 0)
      shown.push(
        fields.error.issues
          .map((i) => `${formatFieldPath(['spec', ...i.path.map(String)])}: ${i.message}`)
          .join('; '),
      );
    const more = errors.length > 3 ? `; and ${errors.length - 3} more` : '';
    return { ok: false, message: `${shown.join('; ')}${more}`.slice(0, 4000) };
  }
  return { ok: true, revision: revisionOf(specHash(r.spec)), fields: fields.data, document };
}

/** The rollout settings of a spec that may not validate (an uninstall still needs them). */
export function clusterFieldsOrDefaults(set: Pick<MirrorSetObject, 'spec'>): ClusterFields {
  const fields = clusterFieldsSchema.safeParse(set.spec);
  return fields.success ? fields.data : clusterFieldsSchema.parse({});
}
