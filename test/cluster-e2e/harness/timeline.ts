// What happened, and when, as the API server saw it: every MirrorNode change (permits the controller
// granted, states the agents and Jobs reported), every apply Job created and every write by whom —
// so a test asserts the rollout's invariants (how many nodes restarting at once, soak between waves,
// one Job per node and revision) from the record, not from the controller's own account of itself.
import type { FakeApiServer } from '../../cluster/apiserver/server.js';
import type { Obj } from '../../cluster/apiserver/types.js';

export interface NodeChange {
  at: number;
  node: string;
  revision?: string;
  mode?: string;
  permit?: { revision?: string; wave?: number; job?: string; grantedAt?: string };
  state?: string;
  appliedRevision?: string;
}

export interface JobCreated {
  at: number;
  name: string;
  node: string;
  revision: string;
}

/** A node's way through one revision's restart: permit granted → Applied at that revision. */
export interface PermitRun {
  node: string;
  wave: number;
  permitAt: number;
  appliedAt?: number;
}

export interface LeaseChange {
  at: number;
  holder: string;
}

export class Timeline {
  readonly nodes: NodeChange[] = [];
  readonly jobs: JobCreated[] = [];
  /** Every change of the controller Lease's holder. */
  readonly leaders: LeaseChange[] = [];
  /** The labels every object had when last seen (`plural/namespace/name`): whose was a deleted one. */
  readonly labels = new Map<string, Record<string, string>>();

  constructor(server: FakeApiServer) {
    server.onChange((type, plural, obj) => {
      this.labels.set(
        `${plural}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`,
        obj.metadata.labels ?? {},
      );
      if (plural === 'mirrornodes' && type !== 'DELETED') this.nodes.push(change(obj));
      if (plural === 'leases' && obj.metadata.name === 'mirrorctl-controller') {
        const holder = String((obj.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '');
        if (this.leaders.at(-1)?.holder !== holder) this.leaders.push({ at: Date.now(), holder });
      }
      if (plural === 'jobs' && type === 'ADDED')
        this.jobs.push({
          at: Date.now(),
          name: obj.metadata.name,
          node: obj.metadata.annotations?.['mirrorctl.io/node'] ?? '',
          revision: obj.metadata.labels?.['mirrorctl.io/revision'] ?? '',
        });
    });
  }

  /** Per node, the first permit for `revision` and the first Applied at it afterwards. */
  permitRuns(revision: string): PermitRun[] {
    const runs = new Map<string, PermitRun>();
    for (const c of this.nodes) {
      const run = runs.get(c.node);
      if (!run && c.permit?.revision === revision)
        runs.set(c.node, { node: c.node, wave: c.permit.wave ?? -1, permitAt: c.at });
      else if (run && run.appliedAt === undefined && c.state === 'Applied' && c.appliedRevision === revision)
        run.appliedAt = c.at;
    }
    return [...runs.values()].sort((a, b) => a.permitAt - b.permitAt);
  }

  /** When each node first reported Applied at `revision`. */
  appliedAt(revision: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.nodes)
      if (c.state === 'Applied' && c.appliedRevision === revision && !out.has(c.node)) out.set(c.node, c.at);
    return out;
  }

  /** Distinct permits (by grantedAt) each node got for `revision`: one, unless it was retried. */
  grants(revision: string): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const c of this.nodes)
      if (c.permit?.revision === revision)
        out.set(c.node, new Set([...(out.get(c.node) ?? []), String(c.permit.grantedAt)]));
    return out;
  }

  jobsFor(revision: string): JobCreated[] {
    return this.jobs.filter((j) => j.revision === revision);
  }
}

function change(obj: Obj): NodeChange {
  const spec = (obj.spec ?? {}) as { revision?: string; mode?: string; permit?: NodeChange['permit'] };
  const status = (obj.status ?? {}) as { state?: string; appliedRevision?: string };
  return {
    at: Date.now(),
    node: obj.metadata.name,
    ...(spec.revision ? { revision: spec.revision } : {}),
    ...(spec.mode ? { mode: spec.mode } : {}),
    ...(spec.permit ? { permit: spec.permit } : {}),
    ...(status.state ? { state: status.state } : {}),
    ...(status.appliedRevision ? { appliedRevision: status.appliedRevision } : {}),
  };
}

/** The most intervals [start, end] open at one instant (an open end counts until `now`). */
export function maxOverlap(intervals: ReadonlyArray<readonly [number, number | undefined]>): number {
  const edges: Array<[number, number]> = [];
  for (const [s, e] of intervals) edges.push([s, 1], [e ?? Number.MAX_SAFE_INTEGER, -1]);
  // Ends before starts at the same instant: a node done at t and the next granted at t never overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, d] of edges) {
    open += d;
    most = Math.max(most, open);
  }
  return most;
}
