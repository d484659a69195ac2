import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMirrorSetJsonSchema, formatMirrorSetJsonSchema } from './json-schema.js';

const committed = join(import.meta.dirname, '../../docs/mirrorset.schema.json');

describe('docs/mirrorset.schema.json', () => {
  it('is up to date with the zod schema (regenerate: npx tsx scripts/gen-schema.ts)', () => {
    expect(readFileSync(committed, 'utf8')).toBe(formatMirrorSetJsonSchema());
  });
  it('forbids unknown fields and describes the input side (defaults are not required)', () => {
    const s = buildMirrorSetJsonSchema() as {
      additionalProperties: boolean;
      required: string[];
      properties: {
        spec: {
          properties: { registries: { items: { required: string[]; additionalProperties: boolean } } };
        };
      };
    };
    expect(s.additionalProperties).toBe(false);
    expect(s.required.sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    const entry = s.properties.spec.properties.registries.items;
    expect(entry.additionalProperties).toBe(false);
    expect(entry.required.sort()).toEqual(['mirrors', 'source']);
  });
});
