// The one redaction of plans for every output (plan/apply text diffs, -o json/yaml, the saved plan
// file): a secret file (private key, header values mirrorctl writes) is replaced by its hash; in the
// host files a plan edits, each secret value (password, auth, identitytoken, header values, a URL's
// password: plan/secret-values.ts) is replaced by a numbered placeholder, and a file whose secrets
// cannot all be located is hidden whole. restorePlan puts the values back for `apply --plan FILE`
// from the node's own file, which must still have the planned hash (design.md "The plan is data").
import type { Diagnostic } from '../diagnostics.js';
import { sha256 } from './build.js';
import { findSecrets, maskTokens, maskUrlPasswords, type SecretToken } from './secret-values.js';
import type { FileChange, Plan } from './types.js';

/** A whole text replaced by its hash (secret files, and files whose secrets cannot be located). */
export const hidden = (text: string): string => `<redacted: secret, sha256:${sha256(text)}>`;
export const HIDDEN = /^<redacted: secret, sha256:[0-9a-f]{64}>$/;
const PLACEHOLDER = /<redacted:\d+>/;

/** The tokens of `before` then `content`, each distinct raw text numbered from 1 in that order. */
function numbering(before: SecretToken[], content: SecretToken[]): (t: SecretToken) => number {
  const order: string[] = [];
  for (const t of [...before, ...content]) if (!order.includes(t.raw)) order.push(t.raw);
  return (t) => order.indexOf(t.raw) + 1;
}

function redactChange(c: FileChange): FileChange {
  if (c.secret) {
    if (c.kind === 'create') return { ...c, content: hidden(c.content) };
    if (c.kind === 'update') return { ...c, content: hidden(c.content), before: hidden(c.before) };
    return { ...c, before: hidden(c.before) };
  }
  const before = c.kind === 'create' ? [] : findSecrets(c.before, c.path);
  const content = c.kind === 'delete' ? [] : findSecrets(c.content, c.path);
  if (before === undefined || content === undefined) {
    if (c.kind === 'create') return { ...c, content: hidden(c.content) };
    if (c.kind === 'update') return { ...c, content: hidden(c.content), before: hidden(c.before) };
    return { ...c, before: hidden(c.before) };
  }
  if (before.length === 0 && content.length === 0) return c;
  const n = numbering(before, content);
  const all = [...before, ...content];
  if (c.kind === 'delete') return { ...c, before: maskTokens(c.before, all, n) };
  // The hash of the real content lets `apply --plan` prove it put back exactly what was planned.
  const masked = { content: maskTokens(c.content, all, n), contentSha256: sha256(c.content) };
  return c.kind === 'create'
    ? { ...c, ...masked }
    : { ...c, ...masked, before: maskTokens(c.before, all, n) };
}

const redactDiagnostic = (d: Diagnostic): Diagnostic => ({
  ...d,
  message: maskUrlPasswords(d.message),
  ...(d.hint ? { hint: maskUrlPasswords(d.hint) } : {}),
});

/** The plan as every output shows it: no secret value left in it. */
export const redactPlan = (plan: Plan): Plan => ({
  ...plan,
  changes: plan.changes.map(redactChange),
  diagnostics: plan.diagnostics.map(redactDiagnostic),
});

/** Whether a shown text is a whole file hidden by its hash. */
export const isHidden = (text: string): boolean => HIDDEN.test(text);

/**
 * The plan a saved (redacted) plan stands for, with the node's secret values put back: `current` is
 * each file's text on the node now. A placeholder is resolved only from the file the plan was made
 * against (same sha256), and the result must hash to the planned content.
 */
export function restorePlan(
  plan: Plan,
  current: ReadonlyMap<string, string | null>,
): { plan?: Plan; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const changes = plan.changes.map((c): FileChange => {
    if (c.kind === 'delete' || !PLACEHOLDER.test(c.content)) return c;
    const now = current.get(c.path) ?? null;
    if (c.kind === 'create' || now === null || sha256(now) !== c.beforeSha256) {
      diagnostics.push({
        severity: 'error',
        code: 'plan.file.drift',
        file: c.path,
        message:
          'changed since the plan was made (or did not exist): its secret values cannot be taken from it',
        hint: 'run `mirrorctl plan -o json` again and review it, or apply with -f SPEC',
      });
      return c;
    }
    const tokens = findSecrets(now, c.path) ?? [];
    const n = numbering(tokens, []);
    let content = c.content;
    for (const t of tokens) content = content.split(t.masked(n(t))).join(t.raw);
    if (c.contentSha256 === undefined || sha256(content) !== c.contentSha256) {
      diagnostics.push({
        severity: 'error',
        code: 'plan.file.secret-unresolved',
        file: c.path,
        message:
          'a secret placeholder (redacted:N) in the plan does not resolve, from the file on the node, to the planned content',
        hint: 'run `mirrorctl plan -o json` again and review it, or apply with -f SPEC',
      });
      return c;
    }
    return { ...c, content, before: now };
  });
  return diagnostics.length > 0 ? { diagnostics } : { plan: { ...plan, changes }, diagnostics };
}
