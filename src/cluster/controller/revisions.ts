// ControllerRevisions (pure): each revision's spec document kept as apps/v1 ControllerRevision
// `mirrorset-<name>-<revision>` in the controller namespace. The current revision's is created first
// (nodes read their spec from it by name) or, when an older revision comes back (rollback), given the
// highest number again. The newest five stay, and any older one a MirrorNode still names.
import { HISTORY_LIMIT } from '../api/mirrorset.js';
import type { RevisionFacts } from './types.js';

export interface RevisionPlan {
  ensure?: { name: string; revision: string; number: number; create: boolean };
  prune: string[];
  /** The revisions after this plan (for status.history). */
  after: RevisionFacts[];
}

export function planRevisions(
  crName: string,
  revision: string,
  existing: readonly RevisionFacts[],
  referenced: ReadonlySet<string>,
  now: number,
): RevisionPlan {
  const max = existing.reduce((m, r) => Math.max(m, r.number), 0);
  const current = existing.find((r) => r.name === crName);
  const appliedAt = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let after = [...existing];
  let ensure: RevisionPlan['ensure'];
  if (!current) {
    ensure = { name: crName, revision, number: max + 1, create: true };
    after.push({ name: crName, revision, number: max + 1, appliedAt });
  } else if (current.number < max) {
    ensure = { name: crName, revision, number: max + 1, create: false };
    after = after.map((r) => (r.name === crName ? { ...r, number: max + 1, appliedAt } : r));
  }
  const newestFirst = [...after].sort((a, b) => b.number - a.number);
  const prune = newestFirst
    .slice(HISTORY_LIMIT)
    .filter((r) => !referenced.has(r.name) && r.name !== crName)
    .map((r) => r.name);
  return { ...(ensure ? { ensure } : {}), prune, after: after.filter((r) => !prune.includes(r.name)) };
}
