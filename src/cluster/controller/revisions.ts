// ControllerRevisions and the revision history (pure). Each revision's spec document is kept as an
// apps/v1 ControllerRevision `mirrorset-<name>-<revision>` in the controller namespace, created
// before any node is told about the revision (nodes read their spec from it by name). The history
// (status.history, newest first, five entries) records when each revision became current; a revision
// coming back (rollback) moves to the front. ControllerRevisions stay while the history or any
// MirrorNode names them; the others are deleted. ControllerRevisions are never updated (their data
// is immutable, and the controller's role only creates and deletes them).
import { HISTORY_LIMIT, type MirrorSetStatus } from '../api/mirrorset.js';
import type { RevisionFacts } from './types.js';

export type History = NonNullable<MirrorSetStatus['history']>;

export interface RevisionPlan {
  create?: { name: string; revision: string; number: number };
  history: History;
  prune: string[];
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function planRevisions(
  crName: string,
  revision: string,
  existing: readonly RevisionFacts[],
  previous: History | undefined,
  referenced: ReadonlySet<string>,
  now: number,
): RevisionPlan {
  const max = existing.reduce((m, r) => Math.max(m, r.number), 0);
  const known = existing.some((r) => r.name === crName);
  const prev = previous ?? [];
  const history =
    prev[0]?.revision === revision
      ? prev
      : [
          { revision, controllerRevision: crName, appliedAt: iso(now) },
          ...prev.filter((h) => h.revision !== revision),
        ].slice(0, HISTORY_LIMIT);
  const keep = new Set([crName, ...history.map((h) => h.controllerRevision), ...referenced]);
  return {
    ...(known ? {} : { create: { name: crName, revision, number: max + 1 } }),
    history,
    prune: existing.filter((r) => !keep.has(r.name)).map((r) => r.name),
  };
}
