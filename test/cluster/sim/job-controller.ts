// The Job controller and the TTL-after-finished controller (pkg/controller/job/job_controller.go,
// pkg/controller/ttlafterfinished): one pod at a time (completions = parallelism = 1, the shape
// mirrorctl's restart Jobs have), pinned where the template says (nodeName) or placed by the
// scheduler; a pod's end is counted once (the batch.kubernetes.io/job-tracking finalizer) into
// status.succeeded / failed; a failed pod is replaced after the pod-failure backoff until backoffLimit
// is exceeded (condition Failed, BackoffLimitExceeded) or activeDeadlineSeconds passes; success sets
// Complete; ttlSecondsAfterFinished deletes the finished Job (Foreground).
import type { InternalClient } from '../apiserver/client.js';
import type { FakeApiServer } from '../apiserver/server.js';
import { isRecord, type Obj, timestamp } from '../apiserver/types.js';
import { randomSuffix } from '../apiserver/writes.js';
import { isPodReady } from './scheduling.js';
import { WorkQueue } from './work-queue.js';

const JOBS = { group: 'batch', plural: 'jobs' };
const TRACKING = 'batch.kubernetes.io/job-tracking';

export interface JobControllerOptions {
  /** Pod-failure backoff base (kube: 10 s, doubling, capped at 6 min); tests shorten it. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Multiplies ttlSecondsAfterFinished (tests: 0.01 turns 600 s into 6 s). */
  ttlScale?: number;
}

type JobSpec = {
  backoffLimit?: number;
  completions?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  suspend?: boolean;
  template?: { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };
};
type JobStatus = {
  active?: number;
  ready?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  conditions?: Array<Record<string, unknown>>;
};

export class JobController {
  private readonly queue: WorkQueue;
  private readonly api: InternalClient;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly nextPodAt = new Map<string, number>();

  constructor(
    server: FakeApiServer,
    private readonly opts: JobControllerOptions = {},
  ) {
    this.api = server.api.as('system:serviceaccount:kube-system:job-controller');
    this.queue = new WorkQueue((key) => this.reconcile(key));
    server.store.onEvent((def, ev) => {
      if (def.group === 'batch' && def.plural === 'jobs')
        this.queue.add(`${ev.obj.metadata.namespace}/${ev.obj.metadata.name}`);
      else if (def.group === '' && def.plural === 'pods')
        for (const o of ev.obj.metadata.ownerReferences ?? [])
          if (o.kind === 'Job' && o.controller) this.queue.add(`${ev.obj.metadata.namespace}/${o.name}`);
    });
  }

  stop(): void {
    this.queue.stop();
    for (const t of this.timers) clearTimeout(t);
  }

  private later(key: string, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.queue.add(key);
    }, ms);
    this.timers.add(t);
  }

  private reconcile(key: string): void {
    const [ns = '', name = ''] = key.split('/');
    const job = this.api.get(JOBS, ns, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const spec = job.spec as JobSpec;
    const old = (isRecord(job.status) ? job.status : {}) as JobStatus;
    const status: JobStatus = structuredClone(old);
    const now = Date.now();
    const pods = this.api
      .list('pods', { namespace: ns })
      .filter((p) =>
        (p.metadata.ownerReferences ?? []).some((o) => o.controller && o.uid === job.metadata.uid),
      );
    const phase = (p: Obj) => (isRecord(p.status) ? p.status.phase : undefined);
    // Count each finished pod once, then let it go (the tracking finalizer).
    for (const p of pods) {
      if (
        (phase(p) === 'Succeeded' || phase(p) === 'Failed') &&
        (p.metadata.finalizers ?? []).includes(TRACKING)
      ) {
        if (phase(p) === 'Succeeded') status.succeeded = (status.succeeded ?? 0) + 1;
        else status.failed = (status.failed ?? 0) + 1;
        this.api.mutate('pods', ns, p.metadata.name, (d) => {
          d.metadata.finalizers = (d.metadata.finalizers ?? []).filter((f) => f !== TRACKING);
        });
      }
    }
    const finished = (status.conditions ?? []).find(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    const active = pods.filter(
      (p) => phase(p) !== 'Succeeded' && phase(p) !== 'Failed' && !p.metadata.deletionTimestamp,
    );
    if (!status.startTime && !spec.suspend) status.startTime = timestamp(now);
    let created = false;
    if (!finished) {
      const restarts = (spec.template?.spec?.restartPolicy === 'OnFailure' ? active : []).reduce(
        (n, p) => n + restartCount(p),
        0,
      );
      const failedTotal = (status.failed ?? 0) + restarts;
      const deadline =
        spec.activeDeadlineSeconds !== undefined &&
        status.startTime &&
        now - Date.parse(status.startTime) > spec.activeDeadlineSeconds * 1000;
      if ((status.succeeded ?? 0) >= (spec.completions ?? 1))
        this.finish(
          status,
          'Complete',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
          now,
        );
      else if (failedTotal > (spec.backoffLimit ?? 6))
        this.finish(
          status,
          'Failed',
          'BackoffLimitExceeded',
          'Job has reached the specified backoff limit',
          now,
        );
      else if (deadline)
        this.finish(
          status,
          'Failed',
          'DeadlineExceeded',
          'Job was active longer than specified deadline',
          now,
        );
      else if (active.length === 0 && !spec.suspend) {
        const at = this.nextPodAt.get(key) ?? 0;
        if (now >= at) {
          this.createPod(job);
          created = true;
          const base = this.opts.backoffBaseMs ?? 10_000;
          const f = status.failed ?? 0;
          if (f > 0)
            this.nextPodAt.set(key, now + Math.min(base * 2 ** f, this.opts.backoffMaxMs ?? 360_000));
        } else this.later(key, at - now);
      }
      if (spec.activeDeadlineSeconds !== undefined && status.startTime)
        this.later(key, Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - now + 5);
    }
    const nowFinished = (status.conditions ?? []).some(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    if (nowFinished) for (const p of active) this.api.delete('pods', ns, p.metadata.name);
    status.active = nowFinished ? 0 : active.length + (created ? 1 : 0);
    status.ready = nowFinished ? 0 : active.filter(isPodReady).length;
    status.terminating = pods.filter(
      (p) => p.metadata.deletionTimestamp && phase(p) !== 'Succeeded' && phase(p) !== 'Failed',
    ).length;
    if (JSON.stringify(status) !== JSON.stringify(old))
      this.api.mutate(
        JOBS,
        ns,
        name,
        (d) => {
          d.status = status;
        },
        'status',
      );
    if (nowFinished && spec.ttlSecondsAfterFinished !== undefined && !this.ttlScheduled.has(key)) {
      this.ttlScheduled.add(key);
      this.scheduleTtl(ns, name, status, spec.ttlSecondsAfterFinished);
    }
  }

  private readonly ttlScheduled = new Set<string>();

  private finish(
    status: JobStatus,
    type: 'Complete' | 'Failed',
    reason: string,
    message: string,
    now: number,
  ): void {
    const t = timestamp(now);
    const target = type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget';
    status.conditions = [
      ...(status.conditions ?? []),
      { type: target, status: 'True', reason, message, lastProbeTime: t, lastTransitionTime: t },
      { type, status: 'True', reason, message, lastProbeTime: t, lastTransitionTime: t },
    ];
    if (type === 'Complete') status.completionTime = t;
  }

  private createPod(job: Obj): void {
    const spec = job.spec as JobSpec;
    const tmpl = spec.template ?? {};
    const meta = (tmpl.metadata ?? {}) as {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    this.api.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${job.metadata.name}-${randomSuffix()}`,
        namespace: job.metadata.namespace,
        labels: { ...meta.labels },
        ...(meta.annotations ? { annotations: meta.annotations } : {}),
        finalizers: [TRACKING],
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: job.metadata.name,
            uid: job.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: structuredClone(tmpl.spec ?? {}),
    });
  }

  private scheduleTtl(ns: string, name: string, status: JobStatus, ttl: number): void {
    const finishedAt = Date.parse(
      String(
        (status.conditions ?? []).find((c) => c.type === 'Complete' || c.type === 'Failed')
          ?.lastTransitionTime ?? new Date().toISOString(),
      ),
    );
    const due = finishedAt + ttl * 1000 * (this.opts.ttlScale ?? 1);
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        if (this.api.get(JOBS, ns, name))
          this.api.delete(JOBS, ns, name, { propagationPolicy: 'Foreground' });
      },
      Math.max(0, due - Date.now()),
    );
    this.timers.add(t);
  }
}

const restartCount = (p: Obj): number => {
  const cs =
    isRecord(p.status) && Array.isArray(p.status.containerStatuses) ? p.status.containerStatuses : [];
  return cs.reduce(
    (n: number, c) => n + (isRecord(c) && typeof c.restartCount === 'number' ? c.restartCount : 0),
    0,
  );
};
