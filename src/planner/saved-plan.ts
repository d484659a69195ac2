// `apply --plan FILE`: a saved plan holds no secret value (plan/redact.ts masks them), so before the
// transaction the values are taken back from the node's own files — only from a file that still has
// the sha256 the plan was made against, and only if the result is exactly the planned content.
import type { Diagnostic } from '../diagnostics.js';
import type { HostFs } from '../host/ports.js';
import { restorePlan } from '../plan/redact.js';
import type { Plan } from '../plan/types.js';
import { readText } from './observe-node.js';

export async function resolveSavedPlan(
  fs: HostFs,
  plan: Plan,
): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }> {
  const current = new Map<string, string | null>();
  for (const c of plan.changes)
    if (c.kind === 'update' && /<redacted:\d+>/.test(c.content))
      current.set(c.path, await readText(fs, c.path));
  return restorePlan(plan, current);
}
