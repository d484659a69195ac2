// Checks a CRD's openAPIV3Schema against Kubernetes' rules for apiextensions.k8s.io/v1, so a schema
// the API server would reject (or silently prune) fails a unit test here instead of `kubectl apply`.
// Each rule names its upstream source: pkg/apiserver/schema/validation.go (ValidateStructural) and
// pkg/apis/apiextensions/validation/validation.go (ValidateCustomResourceDefinitionOpenAPISchema),
// both under staging/src/k8s.io/apiextensions-apiserver/.
import type { JsonSchema } from './openapi.js';

export interface SchemaProblem {
  path: string;
  rule: string;
  message: string;
}

/** JSONSchemaProps' fields (apiextensions/v1 types_jsonschema.go); anything else is dropped. */
// biome-ignore format: a word list reads better packed
const KNOWN = new Set([
  'id', '$schema', '$ref', 'description', 'type', 'format', 'title', 'default', 'maximum',
  'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems',
  'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties', 'minProperties', 'required',
  'items', 'allOf', 'oneOf', 'anyOf', 'not', 'properties', 'additionalProperties', 'patternProperties',
  'dependencies', 'additionalItems', 'definitions', 'externalDocs', 'example', 'nullable',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-validations',
]);

/** specStandardValidatorV3.validate: fields v1 refuses outright. */
const FORBIDDEN: Record<string, string> = {
  id: 'id is not supported',
  $ref: '$ref is not supported (inline the schema)',
  definitions: 'definitions is not supported',
  dependencies: 'dependencies is not supported',
  patternProperties: 'patternProperties is not supported',
  additionalItems: 'additionalItems is not supported',
};

/** allowedFieldsAtRootSchema (validation.go), in JSON spelling. */
// biome-ignore format: a word list reads better packed
const ROOT_ALLOWED = new Set([
  'description', 'type', 'format', 'title', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'required',
  'items', 'properties', 'externalDocs', 'example', 'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
]);

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);
const JUNCTORS = ['anyOf', 'oneOf', 'allOf'] as const;
/** What a nested value validation (under anyOf/oneOf/allOf/not) must leave to the outer schema. */
// biome-ignore format: a word list reads better packed
const NOT_IN_JUNCTOR = [
  'type', 'default', 'description', 'title', 'nullable', 'additionalProperties', 'externalDocs',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations',
];

const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go regexp (RE2) has no lookaround, backreferences or possessive quantifiers. */
const NOT_RE2 = /\(\?<?[=!]|\\[1-9]|[*+?}][+]/;

function typeMatches(type: unknown, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      return true;
  }
}

/** Fields of a value its schema does not know: what the API server prunes from an object (and
 *  why a default with such fields is rejected: validation.go, schemaHasUnprunedDefaults). */
export function unprunedFields(s: JsonSchema, v: unknown, at: string): string[] {
  if (!isObject(s)) return [];
  if (Array.isArray(v) && isObject(s.items))
    return v.flatMap((x, i) => unprunedFields(s.items as JsonSchema, x, `${at}[${i}]`));
  if (!isObject(v) || s['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (isObject(s.additionalProperties))
    return Object.entries(v).flatMap(([k, x]) =>
      unprunedFields(s.additionalProperties as JsonSchema, x, `${at}.${k}`),
    );
  const props = isObject(s.properties) ? s.properties : {};
  return Object.entries(v).flatMap(([k, x]) =>
    k in props ? unprunedFields(props[k] as JsonSchema, x, `${at}.${k}`) : [`${at}.${k}`],
  );
}

type Level = 'root' | 'field' | 'item';

/** A nested value validation (under anyOf/oneOf/allOf/not) and `outer`, the structural schema
 *  at the same place: no types or defaults inside, and nothing outer does not specify. */
function checkJunctor(s: JsonSchema, path: string, outer: JsonSchema, out: SchemaProblem[]): void {
  const p = (rule: string, message: string, at = path): void => void out.push({ path: at, rule, message });
  for (const key of NOT_IN_JUNCTOR)
    if (key in s) p('junctor', `${key} must be empty inside anyOf/oneOf/allOf/not to be structural`);
  const outerProps = isObject(outer.properties) ? outer.properties : {};
  for (const [k, v] of Object.entries(isObject(s.properties) ? s.properties : {})) {
    const at = `${path}.properties.${k}`;
    if (k === 'metadata') p('junctor', 'metadata must not be specified in a nested context', at);
    // validateStructuralCompleteness: a field a value validation names must exist outside it.
    const o = outerProps[k];
    if (!isObject(o)) p('completeness', `${k} is specified only inside a value validation`, at);
    if (isObject(v)) checkJunctor(v, at, isObject(o) ? o : {}, out);
  }
  if (isObject(s.items)) {
    if (!isObject(outer.items)) p('completeness', 'items are specified only inside a value validation');
    checkJunctor(s.items, `${path}.items`, isObject(outer.items) ? outer.items : {}, out);
  }
  for (const j of JUNCTORS) {
    const branches = Array.isArray(s[j]) ? (s[j] as unknown[]) : [];
    for (const [i, b] of branches.entries())
      if (isObject(b)) checkJunctor(b, `${path}.${j}[${i}]`, outer, out);
  }
  if (isObject(s.not)) checkJunctor(s.not, `${path}.not`, outer, out);
}

const INT_OR_STRING = JSON.stringify([{ type: 'integer' }, { type: 'string' }]);

function checkNode(s: JsonSchema, path: string, level: Level, out: SchemaProblem[]): void {
  const p = (rule: string, message: string, at = path): void =>
    void out.push({ path: at || '<root>', rule, message });
  for (const key of Object.keys(s)) {
    if (!KNOWN.has(key))
      p('unknown-field', `"${key}" is not a JSONSchemaProps field: the API server drops it`);
    if (key in FORBIDDEN) p('forbidden', FORBIDDEN[key] ?? '');
    if (level === 'root' && !ROOT_ALLOWED.has(key)) p('root', `"${key}" must not be set at the root`);
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'];
  if (s.type === undefined && !intOrString && preserve !== true)
    p(
      'type',
      `type must not be empty for ${level === 'root' ? 'the root' : level === 'item' ? 'array items' : 'object fields'}`,
    );
  if (s.type !== undefined && !TYPES.has(s.type as string))
    p('type', `type ${JSON.stringify(s.type)} is not an OpenAPI v3 type`);
  if (level === 'root' && s.type !== 'object') p('root', 'type must be object at the root');
  if (s.type === 'array' && !isObject(s.items))
    p('items', 'items must be specified for an array (one schema, not a list)');
  if (s.uniqueItems === true) p('forbidden', 'uniqueItems cannot be true (quadratic validation cost)');
  if (preserve !== undefined && preserve !== true)
    p('preserve-unknown-fields', 'x-kubernetes-preserve-unknown-fields must be true or undefined');
  if (intOrString && s.type !== undefined)
    p('int-or-string', 'type must be empty when x-kubernetes-int-or-string is true');
  if (intOrString && preserve === true)
    p('int-or-string', 'x-kubernetes-preserve-unknown-fields must be false with x-kubernetes-int-or-string');
  if (s.additionalProperties !== undefined) {
    if (level === 'root') p('additionalProperties', 'additionalProperties must not be used at the root');
    if (isObject(s.properties))
      p('additionalProperties', 'additionalProperties and properties are mutually exclusive');
    if (s.additionalProperties === false)
      p(
        'additionalProperties',
        'additionalProperties: false is not structural (unknown fields are pruned anyway)',
      );
  }
  if (typeof s.pattern === 'string' && NOT_RE2.test(s.pattern))
    p('pattern', `pattern ${s.pattern} is not a Go (RE2) regular expression`);
  if (s.default !== undefined) {
    if (level === 'root') p('default', 'default must not be set at the root');
    if (!intOrString && !typeMatches(s.type, s.default))
      p('default', `default ${JSON.stringify(s.default)} is not of type ${String(s.type)}`);
    for (const f of unprunedFields(s, s.default, 'default'))
      p('default', `${f} would be pruned: defaults must be pruned`);
  }
  if (Array.isArray(s.enum))
    for (const v of s.enum)
      if (!typeMatches(s.type, v))
        p('enum', `enum value ${JSON.stringify(v)} is not of type ${String(s.type)}`);
  const listType = s['x-kubernetes-list-type'];
  if (listType !== undefined) {
    if (!['atomic', 'set', 'map'].includes(listType as string))
      p('list-type', `x-kubernetes-list-type ${JSON.stringify(listType)} is not atomic, set or map`);
    if (s.type !== 'array') p('list-type', 'x-kubernetes-list-type needs type array');
  }
  const mapKeys = s['x-kubernetes-list-map-keys'];
  if (listType === 'map') {
    const item = isObject(s.items) ? s.items : {};
    const props = isObject(item.properties) ? item.properties : {};
    const required = Array.isArray(item.required) ? item.required : [];
    if (!Array.isArray(mapKeys) || mapKeys.length === 0)
      p('list-type', 'x-kubernetes-list-type map needs x-kubernetes-list-map-keys');
    for (const k of Array.isArray(mapKeys) ? mapKeys : []) {
      const ks = props[k as string];
      if (!isObject(ks) || ks.type === 'object' || ks.type === 'array')
        p('list-type', `map key ${String(k)} must be a scalar item property`);
      else if (!required.includes(k) && ks.default === undefined)
        p('list-type', `map key ${String(k)} must be required or have a default`);
    }
  } else if (mapKeys !== undefined)
    p('list-type', 'x-kubernetes-list-map-keys needs x-kubernetes-list-type map');
  const props = isObject(s.properties) ? s.properties : {};
  if (level === 'root') {
    for (const k of ['apiVersion', 'kind'])
      if (isObject(props[k]) && props[k].type !== 'string')
        p('root', `${k} must be of type string`, `${path}.properties.${k}`);
    if (isObject(props.metadata)) {
      const m = props.metadata;
      const extra = Object.keys(m).filter((k) => k !== 'type' && k !== 'properties');
      const mProps = isObject(m.properties) ? Object.keys(m.properties) : [];
      if (m.type !== 'object' || extra.length > 0 || mProps.some((k) => k !== 'name' && k !== 'generateName'))
        p(
          'metadata',
          'metadata at the root may only be type object and restrict name and generateName',
          `${path}.properties.metadata`,
        );
    }
  }
  for (const [k, v] of Object.entries(props))
    if (isObject(v)) checkNode(v, `${path}.properties.${k}`, 'field', out);
  if (isObject(s.items)) checkNode(s.items, `${path}.items`, 'item', out);
  if (isObject(s.additionalProperties))
    checkNode(s.additionalProperties, `${path}.additionalProperties`, 'field', out);
  const anyOf = s.anyOf;
  const skipAnyOf = intOrString && Array.isArray(anyOf) && JSON.stringify(anyOf) === INT_OR_STRING;
  if (intOrString && anyOf !== undefined && !skipAnyOf)
    p('int-or-string', 'x-kubernetes-int-or-string allows only anyOf [{type: integer}, {type: string}]');
  for (const j of JUNCTORS) {
    if (j === 'anyOf' && skipAnyOf) continue;
    const branches = Array.isArray(s[j]) ? (s[j] as unknown[]) : [];
    for (const [i, b] of branches.entries()) if (isObject(b)) checkJunctor(b, `${path}.${j}[${i}]`, s, out);
  }
  if (isObject(s.not)) checkJunctor(s.not, `${path}.not`, s, out);
}

/** Every rule a CRD's openAPIV3Schema breaks; empty = structural and acceptable to apiextensions/v1. */
export function checkStructural(schema: JsonSchema): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  checkNode(schema, '', 'root', out);
  return out;
}
