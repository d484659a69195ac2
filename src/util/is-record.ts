// The one type guard for "a plain object read from YAML or JSON" (TOML tables have their own in
// toml/parse.ts, which also rules out TOML dates).

export type JsonRecord = Record<string, unknown>;

export const isRecord = (v: unknown): v is JsonRecord =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
