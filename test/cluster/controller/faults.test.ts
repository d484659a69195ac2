// The controller survives what a busy API server does: 409 on stale writes (another writer moves the
// MirrorSet and the MirrorNodes under it), 410 after compaction, 429 with Retry-After, 500s and
// dropped watches — and still never has more than maxUnavailable nodes restarting.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cond, type Harness, MN, MS, mirrorSetObject, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('API failures', () => {
  it('409, 410, 429 and 500 along the way: the rollout converges with the waves intact', async () => {
    h = await startHarness(
      Array.from({ length: 6 }, (_, i) => ({ name: `w${i + 1}`, behavior: 'restart' as const })),
    );
    const server = h.cluster.server;
    server.faults.push(
      { verb: 'update', resource: 'mirrornodes', status: 500, rate: 0.3, times: 10 },
      { verb: 'update', resource: 'mirrorsets/status', status: 429, retryAfter: 0, times: 5 },
      { verb: 'create', resource: 'jobs', status: 503, times: 3 },
      { verb: 'list', resource: 'nodes', status: 500, times: 3 },
      // Conflicts for certain (the churn below makes more, when its timing hits).
      { verb: 'update', resource: 'mirrornodes', status: 409, times: 2 },
      { verb: 'update', resource: 'mirrorsets/status', status: 409, times: 2 },
    );
    await h.startController('c-1');
    server.api.create(
      MS,
      mirrorSetObject('lab', 'https://m1.example.com', { maxUnavailable: 2, soakSeconds: 0 }),
    );
    // Another writer keeps moving the objects the controller writes: its updates hit 409 and retry.
    const churn = setInterval(() => {
      server.api.mutate(MS, undefined, 'lab', (o) => {
        o.metadata.annotations = { ...o.metadata.annotations, churn: String(Date.now()) };
        return undefined;
      });
      for (const mn of server.api.list(MN))
        server.api.mutate(MN, undefined, mn.metadata.name, (o) => {
          o.metadata.labels = { ...o.metadata.labels, churn: String(Date.now() % 1000) };
          return undefined;
        });
    }, 150);
    const drops = setInterval(() => {
      server.disconnectWatches();
      server.compact();
    }, 700);
    try {
      await vi.waitFor(
        () => expect(cond(server.api.get(MS, undefined, 'lab'), 'Ready')?.status).toBe('True'),
        {
          timeout: 40_000,
          interval: 100,
        },
      );
    } finally {
      clearInterval(churn);
      clearInterval(drops);
    }
    expect(h.agents.maxActiveRestarts).toBeLessThanOrEqual(2);
    for (const [, jobs] of h.agents.jobsPerNode) expect(jobs).toHaveLength(1);
    const statuses = server.accounting.requests.map((r) => `${r.verb} ${r.resource} ${r.status}`);
    for (const expected of [
      'update mirrornodes 409',
      'update mirrornodes 500',
      'update mirrorsets/status 429',
      'update mirrorsets/status 409',
      'create jobs 503',
    ])
      expect(statuses).toContain(expected);
    // Compaction made resumed watches answer 410 Expired: the informers relisted.
    expect(statuses.filter((x) => x === 'list mirrornodes 200').length).toBeGreaterThan(1);
  }, 60_000);
});
