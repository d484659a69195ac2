// JSON Schema of the input format, generated from the zod schema (never hand-edited) so editors
// can complete and check mirrors.yaml. docs/mirrorset.schema.json is this, pinned by a test.
import { z } from 'zod';
import { mirrorSetInputSchema } from './schema.js';

/** Describes what a user may write (input side: fields with defaults are optional). */
export function buildMirrorSetJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(mirrorSetInputSchema, { io: 'input', target: 'draft-2020-12' });
}

/** The committed file's exact text: 2-space JSON plus a final newline. */
export const formatMirrorSetJsonSchema = (): string =>
  `${JSON.stringify(buildMirrorSetJsonSchema(), null, 2)}\n`;
