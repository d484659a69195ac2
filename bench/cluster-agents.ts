// The bench's node agents and apply Jobs, simulated inside the API server stand-in's process: each
// node's agent reacts to its MirrorNode's spec as the real one does (hot → Applied; a change needing
// a restart → PendingRestart, nothing applied) after a propagation delay (watch delivery + plan +
// apply), and each apply Job the controller creates "runs" for a while, then reports Applied on the
// MirrorNode and completes. Event-driven (the store's change feed, like a watch), so 5,000 nodes cost
// nothing while idle. Writes go through the stand-in's in-process client as the agent's identity.
import type { FakeApiServer } from '../test/cluster/apiserver/server.js';
import { isRecord, type Obj } from '../test/cluster/apiserver/types.js';
import { appliedNow, finishedJobStatus, JOBS, MN } from '../test/cluster/controller/sim-agents.js';

export interface BenchAgentOptions {
  /** Agent reaction after its MirrorNode changed, uniform in [min, max] ms. */
  reactMs: [number, number];
  /** How long an apply Job runs (pod start, restart, health check), uniform in [min, max] ms. */
  jobMs: [number, number];
  seed?: number;
}

type Status = Record<string, unknown> & { state?: string; appliedRevision?: string };

export class BenchAgents {
  /** What the current revision needs on every node. */
  mode: 'hot' | 'restart' = 'hot';
  private readonly seen = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly agent;
  private readonly jobRunner;
  private seed: number;

  constructor(
    server: FakeApiServer,
    private readonly o: BenchAgentOptions,
  ) {
    this.seed = o.seed ?? 1;
    this.agent = server.api.as('system:serviceaccount:mirrorctl:mirrorctl-agent');
    this.jobRunner = server.api.as('system:serviceaccount:kube-system:job-controller');
    server.onChange((type, plural, obj) => {
      if (type === 'DELETED') return;
      if (plural === 'mirrornodes') this.onMirrorNode(obj);
      else if (plural === 'jobs' && type === 'ADDED') this.later(this.o.jobMs, () => this.finish(obj));
    });
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  /** Seeded uniform delay (mulberry32), so two runs schedule alike. */
  private delay([min, max]: [number, number]): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return min + (((t ^ (t >>> 14)) >>> 0) / 4294967296) * (max - min);
  }

  private later(range: [number, number], f: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      f();
    }, this.delay(range));
    this.timers.add(t);
  }

  private onMirrorNode(mn: Obj): void {
    const spec = mn.spec as { revision: string; mode?: string };
    const key = `${spec.revision}/${spec.mode ?? 'apply'}`;
    const name = mn.metadata.name;
    if (this.seen.get(name) === key) return; // a permit or a status write: nothing new for the agent
    this.seen.set(name, key);
    const mode = this.mode;
    this.later(this.o.reactMs, () => this.report(name, mode));
  }

  private report(name: string, mode: 'hot' | 'restart'): void {
    this.agent.mutate(
      MN,
      undefined,
      name,
      (mn) => {
        const spec = mn.spec as { revision: string; mode?: string };
        const st = (mn.status as Status | undefined) ?? {};
        if (st.state === 'Applied' && st.appliedRevision === spec.revision) return false;
        const base = {
          ...st,
          observedRevision: spec.revision,
          observedGeneration: mn.metadata.generation ?? 0,
        };
        mn.status =
          spec.mode === 'uninstall'
            ? { ...base, state: 'Uninstalled', action: 'none' }
            : mode === 'hot'
              ? appliedNow(base, spec.revision)
              : {
                  ...base,
                  state: 'PendingRestart',
                  action: 'restart',
                  message: 'config.toml changes: restart needed',
                };
        return undefined;
      },
      'status',
    );
  }

  private finish(job: Obj): void {
    const node = job.metadata.annotations?.['mirrorctl.io/node'] ?? '';
    const revision = job.metadata.labels?.['mirrorctl.io/revision'] ?? '';
    this.agent.mutate(
      MN,
      undefined,
      node,
      (mn) => {
        const spec = mn.spec as { mode?: string };
        const st = (mn.status as Status | undefined) ?? {};
        mn.status =
          spec.mode === 'uninstall'
            ? { ...st, state: 'Uninstalled', action: 'none' }
            : appliedNow({ ...st, observedRevision: revision }, revision);
        return undefined;
      },
      'status',
    );
    this.jobRunner.mutate(
      JOBS,
      job.metadata.namespace,
      job.metadata.name,
      (j) => {
        if (isRecord(j.status) && Array.isArray(j.status.conditions) && j.status.conditions.length > 0)
          return false;
        j.status = finishedJobStatus(false);
        return undefined;
      },
      'status',
    );
  }
}
