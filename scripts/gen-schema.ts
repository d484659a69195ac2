// Regenerates docs/mirrorset.schema.json from the zod schema: `npx tsx scripts/gen-schema.ts`.
// src/spec/json-schema.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { formatMirrorSetJsonSchema } from '../src/spec/json-schema.js';

const out = new URL('../docs/mirrorset.schema.json', import.meta.url);
writeFileSync(out, formatMirrorSetJsonSchema());
process.stdout.write(`wrote ${out.pathname}\n`);
