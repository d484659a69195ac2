// Identity of a normalized spec: sha256 over canonical JSON (keys sorted at every level, no
// whitespace), so the same MirrorSet hashes the same however its YAML was ordered or formatted.
import { createHash } from 'node:crypto';
import type { MirrorSet } from './types.js';

/** JSON with object keys sorted recursively; undefined members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Lowercase hex sha256 of the canonical JSON of the normalized spec. */
export function specHash(set: MirrorSet): string {
  return createHash('sha256').update(canonicalJson(set), 'utf8').digest('hex');
}
