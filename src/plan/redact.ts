// Plans leave the node as JSON (plan -o json, apply -o json, the agent's result line). Secret
// files (private keys, header values) are replaced by their hash there, never printed.
import { sha256 } from './build.js';
import type { FileChange, Plan } from './types.js';

const hidden = (text: string): string => `<redacted: secret, sha256:${sha256(text)}>`;

function redactChange(c: FileChange): FileChange {
  if (!c.secret) return c;
  if (c.kind === 'create') return { ...c, content: hidden(c.content) };
  if (c.kind === 'update') return { ...c, content: hidden(c.content), before: hidden(c.before) };
  return { ...c, before: hidden(c.before) };
}

export const redactPlan = (plan: Plan): Plan => ({ ...plan, changes: plan.changes.map(redactChange) });
