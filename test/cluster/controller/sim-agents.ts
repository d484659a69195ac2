// Simulated node agents and apply Jobs for the controller's integration tests (the real agent is
// src/cluster/agent, tested with real processes in the cluster suite): each Ready node's agent
// answers its MirrorNode's spec through /status as the real one reports (Applied, PendingRestart,
// PendingReload, Uninstalled), and each apply Job "runs" for a while, then completes or fails and
// reports on the MirrorNode as the Job would. Counts what a test asserts: Jobs per node, most restart
// Jobs running at once.
import type { FakeApiServer } from '../apiserver/server.js';
import { isRecord, type Obj } from '../apiserver/types.js';

export type AgentBehavior = 'hot' | 'restart' | 'reload' | 'fail';

export const JOBS = { group: 'batch', plural: 'jobs' };
export const MN = { group: 'mirrorctl.io', plural: 'mirrornodes' };
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A MirrorNode status that says `revision` is applied now (the agent's hot path, a finished Job). */
export const appliedNow = <S extends object>(st: S, revision: string) => ({
  ...st,
  state: 'Applied',
  appliedRevision: revision,
  action: 'none',
  lastApplied: iso(Date.now()),
});

/** A finished Job's status as the Job controller writes it: Complete, or Failed (backoff limit). */
export function finishedJobStatus(failed: boolean): Record<string, unknown> {
  const t = iso(Date.now());
  return failed
    ? {
        startTime: t,
        failed: 1,
        conditions: [
          { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', lastTransitionTime: t },
        ],
      }
    : {
        startTime: t,
        succeeded: 1,
        completionTime: t,
        conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: t }],
      };
}

type Status = Record<string, unknown> & {
  state?: string;
  observedGeneration?: number;
  observedRevision?: string;
  appliedRevision?: string;
};

export class SimAgents {
  readonly behavior = new Map<string, AgentBehavior>();
  readonly jobsPerNode = new Map<string, string[]>();
  maxActiveRestarts = 0;
  jobMs = 400;
  private readonly started = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly agent;
  private readonly jobRunner;

  constructor(
    private readonly server: FakeApiServer,
    behaviors: Record<string, AgentBehavior> = {},
  ) {
    for (const [n, b] of Object.entries(behaviors)) this.behavior.set(n, b);
    this.agent = server.api.as('system:serviceaccount:mirrorctl:mirrorctl-agent');
    this.jobRunner = server.api.as('system:serviceaccount:kube-system:job-controller');
    this.timer = setInterval(() => this.tick(), 20);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private ready(node: string): boolean {
    const n = this.server.get('nodes', undefined, node);
    const conds = isRecord(n?.status) && Array.isArray(n.status.conditions) ? n.status.conditions : [];
    return conds.some((c) => isRecord(c) && c.type === 'Ready' && c.status === 'True');
  }

  private setStatus(
    name: string,
    change: (st: Status, spec: Record<string, unknown>) => Status | undefined,
  ): void {
    try {
      this.agent.mutate(
        MN,
        undefined,
        name,
        (mn) => {
          const next = change(
            { ...((mn.status as Status | undefined) ?? {}) },
            mn.spec as Record<string, unknown>,
          );
          if (!next) return false;
          mn.status = { ...next, observedGeneration: mn.metadata.generation ?? 0 };
          return undefined;
        },
        'status',
      );
    } catch {
      // 409: the controller wrote the spec meanwhile; answered on the next tick.
    }
  }

  private tick(): void {
    for (const mn of this.server.list('mirrornodes')) {
      const name = mn.metadata.name;
      if (!this.ready(name)) continue;
      const st = (mn.status as Status | undefined) ?? {};
      const spec = mn.spec as { revision: string; mode?: string };
      if (st.observedGeneration === mn.metadata.generation && st.observedRevision === spec.revision) continue;
      const b = this.behavior.get(name) ?? 'hot';
      this.setStatus(name, (s) => {
        const base = { ...s, observedRevision: spec.revision };
        if (spec.mode === 'uninstall') {
          if (s.state === 'Uninstalled') return base;
          return b === 'restart' && s.appliedRevision
            ? { ...base, state: 'PendingRestart', action: 'restart' }
            : { ...base, state: 'Uninstalled', action: 'none' };
        }
        if (s.state === 'Applied' && s.appliedRevision === spec.revision) return base;
        if ((s.state === 'Failed' || s.state === 'RolledBack') && s.observedRevision === spec.revision)
          return base;
        if (b === 'hot') return appliedNow(base, spec.revision);
        if (b === 'reload') return { ...base, state: 'PendingReload', action: 'reload' };
        return { ...base, state: 'PendingRestart', action: 'restart' };
      });
    }
    const now = Date.now();
    let active = 0;
    for (const job of this.server.list('jobs', 'mirrorctl')) {
      const name = job.metadata.name;
      const node = job.metadata.annotations?.['mirrorctl.io/node'] ?? '';
      const st = (isRecord(job.status) ? job.status : {}) as { conditions?: unknown[] };
      if (st.conditions?.length) continue;
      if (!this.started.has(name)) {
        this.started.set(name, now);
        this.jobsPerNode.set(node, [...(this.jobsPerNode.get(node) ?? []), name]);
      }
      const restart = job.metadata.labels?.['mirrorctl.io/action'] !== 'reload';
      if (restart) active++;
      if (now < (this.started.get(name) ?? now) + this.jobMs || !this.ready(node)) continue;
      this.finish(job, node);
    }
    this.maxActiveRestarts = Math.max(this.maxActiveRestarts, active);
  }

  private finish(job: Obj, node: string): void {
    const fail = this.behavior.get(node) === 'fail';
    const revision = job.metadata.labels?.['mirrorctl.io/revision'] ?? '';
    this.setStatus(node, (s, spec) => {
      if (spec.mode === 'uninstall') return { ...s, state: 'Uninstalled', action: 'none' };
      if (fail)
        return {
          ...s,
          state: 'RolledBack',
          message: 'runtime unhealthy after the restart; previous config restored',
        };
      return appliedNow({ ...s, observedRevision: revision }, revision);
    });
    this.jobRunner.mutate(
      JOBS,
      'mirrorctl',
      job.metadata.name,
      (j) => {
        j.status = finishedJobStatus(fail);
        return undefined;
      },
      'status',
    );
  }
}
