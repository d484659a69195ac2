// Repository-prefix rewrites as regular expressions (k3s `rewrite`), and back. Only the two shapes
// mirrorctl writes are read back; any other regex is reported as a loss by the caller.

/** Escapes RE2/JS metacharacters (repository names only ever contain `.`, `-`, `_`, `/`). */
export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const literalPrefix = (s: string): string | undefined => {
  const plain = s.replace(/\\(.)/g, '$1');
  // A leftover unescaped metacharacter means a real pattern, not a literal prefix.
  return /[*+?^${}()|[\]\\]/.test(s.replace(/\\./g, '')) ? undefined : plain;
};

export interface PrefixRewrite {
  /** Repository prefix matched ('' = every repository). */
  from: string;
  /** Prefix it is replaced by ('' = removed). */
  to: string;
}

/** `^a/b/(.*)$` → `x/$1` or `^(.*)$` → `x/$1` (with or without `$`), else undefined. */
export function parsePrefixRewrite(pattern: string, replacement: string): PrefixRewrite | undefined {
  const all = /^\^\(\.\*\)\$?$/.exec(pattern);
  const pre = /^\^(.+)\/\(\.\*\)\$?$/.exec(pattern);
  let from: string | undefined;
  if (all) from = '';
  else if (pre?.[1] !== undefined) from = literalPrefix(pre[1]);
  if (from === undefined) return undefined;
  if (replacement === '$1') return { from, to: '' };
  const to = /^(.+)\/\$1$/.exec(replacement)?.[1];
  if (to === undefined || to.includes('$')) return undefined;
  return { from, to };
}
