// Validates a document against a CRD's openAPIV3Schema the way the API server treats it: unknown
// fields pruned (reported here, since mirrorctl's documents must have none), defaults applied, then
// the schema's value validations. The validator is ajv (devDependency) with Kubernetes' extension
// keywords ignored; int-or-string is expressed by the anyOf the schema carries.
import { Ajv } from 'ajv';
import type { JsonSchema } from '../../../src/cluster/api/openapi.js';
import { unprunedFields } from '../../../src/cluster/api/structural.js';

const ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true });
// RFC 3339 as Kubernetes formats metav1.Time (strfmt date-time).
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);

export interface CrdValidation {
  /** What the API server would drop (spec and status; metadata is not pruned by the CRD schema). */
  pruned: string[];
  errors: string[];
  /** The document after defaulting. */
  defaulted: Record<string, unknown>;
}

export function validateAgainstCrd(schema: JsonSchema, doc: Record<string, unknown>): CrdValidation {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const pruned = ['spec', 'status'].flatMap((k) =>
    doc[k] !== undefined && props[k] ? unprunedFields(props[k], doc[k], k) : [],
  );
  const defaulted = structuredClone(doc);
  const validate = ajv.compile(schema);
  validate(defaulted);
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  return { pruned, errors, defaulted };
}
