// The Job controller simulator with REAL processes (root): a Job pinned to a node (nodeName) runs its
// pod through that node's kubelet; failed attempts are retried until backoffLimit, each counted once;
// success sets Complete and ttlSecondsAfterFinished removes the Job with its pods; too many failures
// end as Failed / BackoffLimitExceeded.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Obj } from '../apiserver/types.js';
import { type SimClusterHandle, startCluster } from './cluster.js';

let c: SimClusterHandle;
afterEach(() => c.close());

const JOBS = { group: 'batch', plural: 'jobs' };
const job = (name: string, script: string, spec: Record<string, unknown>): Obj => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'default' },
  spec: {
    ...spec,
    template: {
      spec: {
        nodeName: 'j1',
        restartPolicy: 'Never',
        containers: [
          {
            name: 'step',
            image: 'shell:1',
            args: [script],
            volumeMounts: [{ name: 'state', mountPath: '/state' }],
          },
        ],
        volumes: [{ name: 'state', hostPath: { path: `/var/lib/${name}`, type: 'DirectoryOrCreate' } }],
      },
    },
  },
});
type JobStatus = {
  succeeded?: number;
  failed?: number;
  active?: number;
  conditions?: Array<{ type: string; status: string; reason?: string }>;
};
const jobStatus = (name: string) => c.server.get('jobs', 'default', name)?.status as JobStatus | undefined;
const jobPods = (name: string) =>
  c.server.list('pods', 'default').filter((p) => p.metadata.labels?.['job-name'] === name);

describe('Job controller', () => {
  it('retries a failing pod on its node until it succeeds, then TTL deletes the Job and its pods', async () => {
    c = await startCluster({
      nodes: [{ name: 'j1' }],
      jobs: { backoffBaseMs: 50, ttlScale: 0.01 },
      kubelets: { images: { 'shell:1': { entrypoint: ['/bin/sh', '-c'] } } },
    });
    // Fails on the first two attempts (a counter on the node's disk), succeeds on the third.
    const script =
      'n=$(cat /state/n 2>/dev/null || echo 0); echo $((n+1)) > /state/n; echo attempt $n on $(cat /proc/sys/kernel/hostname); [ "$n" -ge 2 ]';
    c.server.api.create(JOBS, job('apply', script, { backoffLimit: 3, ttlSecondsAfterFinished: 60 }));
    // Seen as it happens (the TTL removes the Job soon after, so no polling for it).
    let done: { status: JobStatus; pods: Obj[] } | undefined;
    c.server.onChange((_t, plural, obj) => {
      const st = obj.status as JobStatus | undefined;
      if (
        plural === 'jobs' &&
        obj.metadata.name === 'apply' &&
        !done &&
        st?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True')
      )
        done = { status: structuredClone(st), pods: structuredClone(jobPods('apply')) };
    });
    await vi.waitFor(() => expect(done).toBeDefined(), { timeout: 20_000, interval: 50 });
    expect(done?.status).toMatchObject({ succeeded: 1, failed: 2, active: 0 });
    const pods = done?.pods ?? [];
    expect(pods.map((p) => (p.status as { phase: string }).phase).sort()).toEqual([
      'Failed',
      'Failed',
      'Succeeded',
    ]);
    expect(
      pods.every(
        (p) =>
          (p.spec as { nodeName: string }).nodeName === 'j1' && (p.metadata.finalizers ?? []).length === 0,
      ),
    ).toBe(true);
    const logs = pods.map((p) => c.server.logs.get(`default/${p.metadata.name}`)?.trim() ?? '');
    expect(logs.map((l) => l.replace(/ on .*/, '')).sort()).toEqual(['attempt 0', 'attempt 1', 'attempt 2']);
    // ttlSecondsAfterFinished 60 × ttlScale 0.01: gone within a second, with its pods.
    await vi.waitFor(() => expect(c.server.get('jobs', 'default', 'apply')).toBeUndefined(), {
      timeout: 5000,
    });
    await vi.waitFor(() => expect(jobPods('apply')).toEqual([]));
  });

  it('ends Failed with BackoffLimitExceeded once failures exceed backoffLimit', async () => {
    c = await startCluster({
      nodes: [{ name: 'j1' }],
      jobs: { backoffBaseMs: 50 },
      kubelets: { images: { 'shell:1': { entrypoint: ['/bin/sh', '-c'] } } },
    });
    c.server.api.create(JOBS, job('broken', 'echo no; exit 1', { backoffLimit: 1 }));
    await vi.waitFor(
      () =>
        expect(jobStatus('broken')?.conditions?.find((x) => x.type === 'Failed')).toMatchObject({
          status: 'True',
          reason: 'BackoffLimitExceeded',
        }),
      { timeout: 20_000, interval: 50 },
    );
    expect(jobStatus('broken')).toMatchObject({ failed: 2, active: 0 });
    expect(jobStatus('broken')?.succeeded ?? 0).toBe(0);
    expect(jobPods('broken')).toHaveLength(2);
  });
});
