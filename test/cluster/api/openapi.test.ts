// zod → structural schema (src/cluster/api/openapi.ts): the rewrites it makes, and that a zod
// construct without a structural equivalent stops the generator instead of reaching a CRD.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodToStructural } from '../../../src/cluster/api/openapi.js';
import { checkStructural } from '../../../src/cluster/api/structural.js';

describe('zodToStructural', () => {
  it('strict objects lose additionalProperties: false (Kubernetes prunes instead); maps keep their value schema', () => {
    const s = zodToStructural(z.strictObject({ a: z.string(), m: z.record(z.string(), z.int()) }));
    expect(s).toEqual({
      type: 'object',
      required: ['a', 'm'],
      properties: { a: { type: 'string' }, m: { type: 'object', additionalProperties: { type: 'integer' } } },
    });
  });

  it('int | string becomes x-kubernetes-int-or-string in the one shape Kubernetes accepts', () => {
    const s = zodToStructural(z.object({ n: z.union([z.int(), z.string()]).default(1) }));
    expect((s.properties as Record<string, unknown>).n).toEqual({
      'x-kubernetes-int-or-string': true,
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      default: 1,
    });
    expect(checkStructural({ ...s, properties: { spec: s } })).toEqual([]);
  });

  it("literal unions become one enum; examples become example; date-time loses zod's JS pattern", () => {
    const s = zodToStructural(
      z.object({
        e: z.union([z.literal('a'), z.enum(['b', 'c'])]),
        x: z.string().meta({ examples: ['one', 'two'] }),
        t: z.iso.datetime(),
      }),
    );
    const p = s.properties as Record<string, Record<string, unknown>>;
    expect(p.e).toEqual({ type: 'string', enum: ['a', 'b', 'c'] });
    expect(p.x).toEqual({ type: 'string', example: 'one' });
    expect(p.t).toEqual({ type: 'string', format: 'date-time' });
  });

  it('exclusive bounds become OpenAPI v3 flags', () => {
    const p = zodToStructural(z.object({ a: z.number().gt(0).lt(10) })).properties as Record<string, unknown>;
    expect(p.a).toEqual({
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 10,
      exclusiveMaximum: true,
    });
  });

  it.each([
    [
      'a union of unrelated types',
      z.object({ a: z.union([z.string(), z.boolean()]) }),
      /no structural equivalent/,
    ],
    ['a tuple', z.object({ a: z.tuple([z.string(), z.int()]) }), /prefixItems|items/],
    ['a nullable field', z.object({ a: z.string().nullable() }), /null/],
    [
      'a union of objects',
      z.object({ a: z.union([z.object({ b: z.string() }), z.object({ c: z.int() })]) }),
      /anyOf/,
    ],
  ])('refuses %s', (_name, schema, message) => {
    expect(() => zodToStructural(schema)).toThrow(message);
  });
});
