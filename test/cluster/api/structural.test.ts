// The structural-schema checker (src/cluster/api/structural.ts): the generated CRD schemas pass it,
// and each Kubernetes rule it encodes fires on a schema deliberately broken for that rule (so a
// checker that passes everything cannot pass this test).
import { describe, expect, it } from 'vitest';
import { buildCrds } from '../../../src/cluster/api/crds.js';
import type { JsonSchema } from '../../../src/cluster/api/openapi.js';
import { checkStructural } from '../../../src/cluster/api/structural.js';

/** A valid root around `spec` (the checker's root rules are tested separately). */
const root = (spec: JsonSchema): JsonSchema => ({
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec,
  },
});
const obj = (properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', properties });

describe('checkStructural', () => {
  it.each(buildCrds().map((c) => [c.metadata.name, c] as const))(
    '%s: the generated schema is structural',
    (_n, c) => {
      expect(checkStructural(c.spec.versions[0]?.schema.openAPIV3Schema ?? {})).toEqual([]);
    },
  );

  it('accepts the shapes it must: int-or-string, maps, list-type map keyed by a required scalar', () => {
    const ok = root(
      obj({
        n: {
          'x-kubernetes-int-or-string': true,
          anyOf: [{ type: 'integer' }, { type: 'string' }],
          default: 1,
        },
        m: { type: 'object', additionalProperties: { type: 'string' } },
        l: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
          items: obj({ type: { type: 'string' } }),
        },
        d: { ...obj({ a: { type: 'boolean', default: false } }), default: { a: true } },
        p: { type: 'string', pattern: '^(?:[a-z]+)\\d$' },
      }),
    );
    (
      ok.properties as { spec: { properties: { l: { items: JsonSchema } } } }
    ).spec.properties.l.items.required = ['type'];
    expect(checkStructural(ok)).toEqual([]);
  });

  // biome-ignore format: one case per line
  const broken: Array<[string, JsonSchema, string]> = [
    ['a field without type', root(obj({ a: { description: 'x' } })), 'type'],
    ['array items without type', root(obj({ a: { type: 'array', items: { minLength: 1 } } })), 'type'],
    ['a type that is not OpenAPI', root(obj({ a: { type: 'null' } })), 'type'],
    ['root without type', { properties: { spec: { type: 'object' } } }, 'type'],
    ['root of type string', { type: 'string' }, 'root'],
    ['an array without items', root(obj({ a: { type: 'array' } })), 'items'],
    ['$ref', root(obj({ a: { type: 'object', $ref: '#/definitions/x' } })), 'forbidden'],
    ['definitions', root(obj({ a: { type: 'object', definitions: { x: { type: 'string' } } } })), 'forbidden'],
    ['uniqueItems', root(obj({ a: { type: 'array', items: { type: 'string' }, uniqueItems: true } })), 'forbidden'],
    ['unknown keyword (JSON Schema `const`)', root(obj({ a: { type: 'string', const: 'x' } })), 'unknown-field'],
    ['unknown keyword (`examples`)', root(obj({ a: { type: 'string', examples: ['x'] } })), 'unknown-field'],
    ['properties beside additionalProperties', root({ ...obj({ a: { type: 'string' } }), additionalProperties: { type: 'string' } }), 'additionalProperties'],
    ['additionalProperties: false (strict object)', root({ ...obj({ a: { type: 'string' } }), additionalProperties: false }), 'additionalProperties'],
    ['additionalProperties at the root', { type: 'object', additionalProperties: { type: 'string' } }, 'additionalProperties'],
    ['a type inside anyOf', root(obj({ a: { type: 'string', anyOf: [{ type: 'string' }, { type: 'integer' }] } })), 'junctor'],
    ['int-or-string with a type', root(obj({ a: { type: 'string', 'x-kubernetes-int-or-string': true } })), 'int-or-string'],
    ['int-or-string with another anyOf', root(obj({ a: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'boolean' }] } })), 'int-or-string'],
    ['a field only inside allOf', root({ ...obj({ a: { type: 'string' } }), allOf: [{ properties: { b: { minLength: 1 } } }] }), 'completeness'],
    ['metadata inside anyOf', root({ ...obj({ a: { type: 'string' } }), anyOf: [{ properties: { metadata: {} } }] }), 'junctor'],
    ['preserve-unknown-fields false', root(obj({ a: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false } })), 'preserve-unknown-fields'],
    ['a default at the root', { ...root(obj({})), default: {} }, 'root'],
    ['a default with a pruned field', root(obj({ a: { ...obj({ b: { type: 'string' } }), default: { c: 'x' } } })), 'default'],
    ['a default of the wrong type', root(obj({ a: { type: 'integer', default: 'one' } })), 'default'],
    ['an enum value of the wrong type', root(obj({ a: { type: 'string', enum: ['a', 1] } })), 'enum'],
    ['a JavaScript-only pattern (lookahead)', root(obj({ a: { type: 'string', pattern: '^(?!x)[a-z]+$' } })), 'pattern'],
    ['a backreference', root(obj({ a: { type: 'string', pattern: '^(a)\\1$' } })), 'pattern'],
    ['metadata restricting labels', { ...root(obj({})), properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } }, 'metadata'],
    ['apiVersion not a string', { type: 'object', properties: { apiVersion: { type: 'integer' } } }, 'root'],
    ['list-type map without keys', root(obj({ l: { type: 'array', 'x-kubernetes-list-type': 'map', items: obj({ k: { type: 'string' } }) } })), 'list-type'],
    ['list-type map keyed by an optional field', root(obj({ l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'], items: obj({ k: { type: 'string' } }) } })), 'list-type'],
    ['list-type on an object', root(obj({ l: { ...obj({}), 'x-kubernetes-list-type': 'atomic' } })), 'list-type'],
  ];

  it.each(broken)('rejects %s', (_name, schema, rule) => {
    expect(checkStructural(schema).map((p) => p.rule)).toContain(rule);
  });
});
