// zod issues → our stable codes, messages and hints. zod's own messages ("Invalid input") do not
// say what was received or what to do; these do.
import type { z } from 'zod';
import type { PathSegment } from './field-path.js';
import { formatFieldPath } from './field-path.js';
import type { Finding } from './finding.js';
import { mirrorSetInputSchema } from './schema.js';
import { allowedKeysAt } from './schema-keys.js';

export interface SchemaIssue extends Finding {
  path: PathSegment[];
  /** Point at the key rather than the value (unknown fields). */
  atKey: boolean;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return cur;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

const TOO_SMALL: Record<string, Finding> = {
  mirrors: {
    code: 'spec.mirrors.empty',
    message: 'an entry needs at least one mirror',
    hint: 'without mirrors the entry would change nothing (fallback: true) or block the registry outright (fallback: false); mirrorctl only configures mirrors, so add a mirror or remove the entry',
  },
  registries: {
    code: 'spec.registries.empty',
    message: 'spec.registries is empty',
    hint: 'list at least one registry; to remove what mirrorctl installed, use `mirrorctl uninstall`',
  },
  capabilities: {
    code: 'spec.capabilities.empty',
    message: 'capabilities is empty: the mirror would never be used',
    hint: 'omit it for the default [pull, resolve]',
  },
  only: {
    code: 'spec.only.empty',
    message: 'only is empty: the entry would apply to no target',
    hint: 'omit `only` to apply to every target',
  },
  headers: { code: 'spec.header.empty', message: 'a header needs at least one value' },
};

function lastKey(path: readonly PathSegment[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const s = path[i];
    if (typeof s === 'string') return s;
  }
  return undefined;
}

function mapOne(issue: z.core.$ZodIssue, input: unknown): SchemaIssue[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const key = lastKey(path);
  const value = valueAt(input, path);
  const base = { path, atKey: false };
  switch (issue.code) {
    case 'custom': {
      const params = (issue.params ?? {}) as { code?: string; hint?: string };
      return [
        {
          ...base,
          code: params.code ?? 'spec.invalid',
          message: issue.message,
          ...(params.hint ? { hint: params.hint } : {}),
        },
      ];
    }
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(mirrorSetInputSchema, path);
      return issue.keys.map((k) => ({
        path: [...path, k],
        atKey: true,
        code: 'spec.unknown-field',
        message: `unknown field ${JSON.stringify(k)}`,
        hint: allowed ? `allowed fields here: ${allowed.join(', ')}` : 'remove it',
      }));
    }
    case 'invalid_type': {
      if (value === undefined) {
        return [
          {
            ...base,
            code: 'spec.required',
            message: `missing required field ${JSON.stringify(key ?? formatFieldPath(path))}`,
          },
        ];
      }
      const yamlBool = issue.expected === 'boolean' && typeof value === 'string';
      return [
        {
          ...base,
          code: 'spec.type',
          message: `expected ${issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, got ${describe(value)}`,
          ...(yamlBool ? { hint: 'write true or false (YAML 1.2 reads yes/no/on/off as strings)' } : {}),
          ...(issue.expected === 'string' && typeof value === 'number' ? { hint: 'quote the value' } : {}),
        },
      ];
    }
    case 'invalid_value': {
      if (value === undefined) {
        return [
          {
            ...base,
            code: 'spec.required',
            message: `missing required field ${JSON.stringify(key ?? formatFieldPath(path))}`,
          },
        ];
      }
      const expected = issue.values.map((v) => JSON.stringify(v)).join(', ');
      const code = key === 'apiVersion' ? 'spec.api-version' : key === 'kind' ? 'spec.kind' : 'spec.enum';
      return [
        {
          ...base,
          code,
          message: `expected ${issue.values.length > 1 ? 'one of ' : ''}${expected}, got ${describe(value)}`,
        },
      ];
    }
    case 'too_small': {
      const known =
        path[path.length - 2] === 'headers' ? TOO_SMALL.headers : key ? TOO_SMALL[key] : undefined;
      if (issue.origin === 'string')
        return [{ ...base, code: 'spec.empty-string', message: `${key ?? 'value'} must not be empty` }];
      if (known && issue.origin === 'array') return [{ ...base, ...known }];
      return [{ ...base, code: 'spec.too-small', message: issue.message }];
    }
    case 'invalid_key':
      // A record key failed its own check (header names): report the inner issues on the key.
      return issue.issues.flatMap((inner) =>
        mapOne({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue, input).map((i) => ({
          ...i,
          atKey: true,
        })),
      );
    default:
      return [{ ...base, code: 'spec.invalid', message: issue.message }];
  }
}

export const mapSchemaIssues = (issues: readonly z.core.$ZodIssue[], input: unknown): SchemaIssue[] =>
  issues.flatMap((i) => mapOne(i, input));
