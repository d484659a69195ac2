// zod schema → a Kubernetes *structural* OpenAPI v3 schema for a CRD. zod's JSON Schema output (the
// 2020-12 dialect, which keeps tuples and nulls visible as prefixItems and type null instead of
// approximating them) is rewritten node by node into what apiextensions.k8s.io/v1 accepts; anything without a
// structural equivalent throws, so a new zod construct can never slip into a CRD half-translated.
// The rules are Kubernetes' (staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/
// validation.go and pkg/apis/apiextensions/validation/validation.go); structural.ts checks them.
import { z } from 'zod';

export type JsonSchema = { [key: string]: unknown };

const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys copied unchanged: value validations and documentation Kubernetes understands. */
const COPIED = new Set([
  'type',
  'description',
  'default',
  'enum',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
]);

/** zod bounds every int by ±2^53-1; Kubernetes integers are int64 already, so they only add noise. */
const SAFE_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]);

const INT_OR_STRING: JsonSchema = {
  'x-kubernetes-int-or-string': true,
  anyOf: [{ type: 'integer' }, { type: 'string' }],
};
const literals = (b: unknown): unknown[] | undefined =>
  isObject(b) && b.type === 'string'
    ? Array.isArray(b.enum)
      ? b.enum
      : 'const' in b
        ? [b.const]
        : undefined
    : undefined;

function convertAnyOf(branches: unknown[], path: string): JsonSchema {
  const types = branches.map((b) => (isObject(b) ? b.type : undefined));
  // int-or-string (e.g. maxUnavailable): the one anyOf with types a structural schema allows,
  // in exactly this shape (isIntOrStringAnyOfPattern in schema/validation.go).
  if (types.length === 2 && types.includes('integer') && types.includes('string'))
    return { ...INT_OR_STRING };
  // A union of string literals/enums is one enum.
  const values = branches.map(literals);
  if (values.every((v) => v !== undefined)) return { type: 'string', enum: values.flat() };
  throw new Error(`${path || '<root>'}: anyOf ${JSON.stringify(types)} has no structural equivalent`);
}

/** One schema node (and its children) rewritten structurally. */
export function toStructural(schema: JsonSchema, path = ''): JsonSchema {
  let out: JsonSchema = {};
  if (Array.isArray(schema.anyOf)) out = convertAnyOf(schema.anyOf, path);
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'anyOf') continue;
    if (key === 'type' && Array.isArray(value)) {
      // zod writes a union of plain types as a type list; only int | string has a structural form.
      if (value.length === 2 && value.includes('integer') && value.includes('string'))
        Object.assign(out, INT_OR_STRING);
      else throw new Error(`${path || '<root>'}: type ${JSON.stringify(value)} has no structural equivalent`);
      continue;
    }
    // 2020-12 writes an exclusive bound as a number; OpenAPI v3 (Kubernetes) as a flag on minimum/maximum.
    if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') {
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      out[key] = true;
      continue;
    }
    if (key.startsWith('x-kubernetes-')) out[key] = value;
    else if (COPIED.has(key)) {
      if ((key === 'minimum' || key === 'maximum') && SAFE_BOUNDS.has(value as number)) continue;
      out[key] = value;
    } else if (key === 'examples' && Array.isArray(value)) out.example = value[0];
    else if (key === 'properties' && isObject(value))
      out.properties = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, toStructural(v as JsonSchema, `${path}.${k}`)]),
      );
    else if (key === 'required' && Array.isArray(value)) {
      if (value.length > 0) out.required = value;
    } else if (key === 'items' && isObject(value)) out.items = toStructural(value, `${path}[]`);
    else if (key === 'additionalProperties') {
      // `false` beside properties is zod's strictObject: Kubernetes prunes unknown fields instead
      // (and rejects additionalProperties next to properties). A schema is a map's value type.
      if (isObject(value)) out.additionalProperties = toStructural(value, `${path}{}`);
      else if (value !== false) throw new Error(`${path}: additionalProperties ${JSON.stringify(value)}`);
    } else if (key === 'propertyNames') {
      // Map keys cannot be checked by a structural schema; mirrorctl's own validation checks them.
    } else if (key === 'title' || key === '$schema') {
      // Documentation of the JSON Schema file, not of the CRD.
    } else throw new Error(`${path || '<root>'}: "${key}" has no structural equivalent`);
  }
  // zod adds a pattern to date-time strings; Kubernetes checks `format: date-time` itself, and the
  // pattern is not needed twice (nor guaranteed to be RE2).
  if (out.format === 'date-time') delete out.pattern;
  return ordered(out);
}

/** Kubernetes' own CRDs read type first and children last; the YAML in deploy/ does the same. */
const ORDER = ['type', 'x-kubernetes-int-or-string', 'anyOf', 'description', 'format', 'enum', 'default'];
const LAST = ['required', 'properties', 'items', 'additionalProperties'];
function ordered(s: JsonSchema): JsonSchema {
  const rank = (k: string): number => {
    const first = ORDER.indexOf(k);
    if (first >= 0) return first;
    const last = LAST.indexOf(k);
    return last >= 0 ? 100 + last : 50;
  };
  return Object.fromEntries(Object.entries(s).sort(([a], [b]) => rank(a) - rank(b)));
}

/** A zod schema as a structural CRD schema (the input side: fields with defaults are optional). */
export const zodToStructural = (schema: z.ZodType): JsonSchema =>
  toStructural(z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema);
