// Which fields the schema allows at a given path, for "unknown field" hints. Walks zod's own
// definitions so the hint can never drift from the schema.
import type { z } from 'zod';
import type { PathSegment } from './field-path.js';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
}

const defOf = (t: z.ZodType): Def => t._zod.def as unknown as Def;

function unwrap(t: z.ZodType): z.ZodType {
  let cur = t;
  for (
    let d = defOf(cur);
    (d.type === 'default' || d.type === 'optional' || d.type === 'pipe') && d.innerType;
    d = defOf(cur)
  ) {
    cur = d.innerType;
  }
  return cur;
}

/** Allowed keys of the object at `path`, or undefined when the path does not lead to an object. */
export function allowedKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] | undefined {
  let cur = unwrap(schema);
  for (const seg of path) {
    const d = defOf(cur);
    if (d.type === 'object' && typeof seg === 'string' && d.shape?.[seg]) cur = unwrap(d.shape[seg]);
    else if (d.type === 'array' && typeof seg === 'number' && d.element) cur = unwrap(d.element);
    else if (d.type === 'record' && d.valueType) cur = unwrap(d.valueType);
    else return undefined;
  }
  const d = defOf(cur);
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : undefined;
}
