// The controller dies in the middle of a restart wave, twice, with real processes only (see
// harness/real-cluster.ts): its process SIGKILLed as the OOM killer would (kubelet restarts the
// container; the pod keeps its name, so whichever replica holds the Lease next acts), then the whole
// control-plane node of the leader powered off (its pod stays bound and dead, the standby on the
// other node must take the Lease once it expires). Either way everything the controller needs is in
// API objects: no extra permit is granted (never more than maxUnavailable nodes restarting, one
// permit and one Job per node), and the rollout completes.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RealCluster } from './harness/real-cluster.js';
import { maxOverlap } from './harness/timeline.js';
import { describeCluster, statusOf, until, waitReady } from './harness/waits.js';

const ROLLOUT = { canary: 1, maxUnavailable: 1, soakSeconds: 2 };
let rc: RealCluster;
let rev = '';
const evidence = (line: string) => process.stdout.write(`[cluster evidence] ${line}\n`);

beforeAll(async () => {
  rc = await RealCluster.start(inject('bundle'), [
    { name: 'w1' },
    { name: 'w2' },
    { name: 'w3' },
    { name: 'w4' },
  ]);
  rc.gitops.setMirrors({ name: 'lab', mirror: 'https://mirror.example.com', rollout: ROLLOUT });
  await rc.gitops.install();
  rc.injectFaults();
}, 300_000);

afterAll(async () => {
  await rc?.close();
}, 120_000);

/** Waits until a node of wave ≥ `wave` holds a permit it has not finished yet: mid-wave. */
async function midWave(wave: number, nodes: readonly string[]): Promise<string> {
  let node = '';
  await until(
    () => {
      const revision = String(statusOf(rc.mirrorSet('lab')).revision ?? '');
      const open = rc.timeline
        .permitRuns(revision)
        .find((r) => r.wave >= wave && r.appliedAt === undefined && nodes.includes(r.node));
      node = open?.node ?? '';
      return open !== undefined;
    },
    180_000,
    () => describeCluster(rc, 'lab'),
  );
  return node;
}

/** One permit, one Job per node; never more than maxUnavailable permits open at once. */
function expectNoExtraPermit(nodes: readonly string[]): void {
  const runs = rc.timeline.permitRuns(rev).filter((r) => nodes.includes(r.node));
  expect(runs.map((r) => r.node).sort()).toEqual([...nodes].sort());
  expect(maxOverlap(runs.map((r) => [r.permitAt, r.appliedAt] as const))).toBeLessThanOrEqual(
    ROLLOUT.maxUnavailable,
  );
  for (const n of nodes) expect([...(rc.timeline.grants(rev).get(n) ?? [])], n).toHaveLength(1);
  const jobs = rc.timeline.jobsFor(rev).filter((j) => nodes.includes(j.node));
  expect(jobs.map((j) => j.node).sort()).toEqual([...nodes].sort());
  const restarts = nodes.flatMap((n) => rc.containerd.get(n)?.restarts ?? []);
  expect(restarts).toHaveLength(nodes.length);
  expect(maxOverlap(restarts.map((r) => [r.at, r.upAt] as const))).toBeLessThanOrEqual(
    ROLLOUT.maxUnavailable,
  );
}

describe('the controller killed mid-wave', () => {
  it('SIGKILL of the leader process (kubelet restarts it): no extra permit, the waves complete', async () => {
    const nodes = ['w1', 'w2', 'w3', 'w4'];
    await until(
      () => rc.leader() !== undefined,
      120_000,
      () => rc.logs(),
    );
    const inFlight = await midWave(1, nodes);
    const leader = rc.leader() ?? '';
    rc.killPod(leader);
    const killedAt = Date.now();
    rev = await waitReady(rc, 'lab');
    for (const n of nodes)
      expect(statusOf(rc.mirrorNode(n)), n).toMatchObject({ state: 'Applied', appliedRevision: rev });
    expectNoExtraPermit(nodes);
    const restarted = rc.controllerPods().find((p) => p.metadata.name === leader);
    const restarts = (restarted?.status as { containerStatuses?: Array<{ restartCount: number }> })
      ?.containerStatuses?.[0]?.restartCount;
    expect(restarts).toBeGreaterThanOrEqual(1);
    const after = rc.timeline.leaders.filter((l) => l.at >= killedAt).map((l) => l.holder);
    evidence(
      `leader ${leader} SIGKILLed while ${inFlight} held a permit; container restarted ${restarts}×; Lease holders since: [${after.join(', ') || `${leader} (kept)`}]; 4 nodes Applied, one permit, one Job and one containerd restart each, ≤ 1 restarting at once`,
    );
  });

  it("the leader's node powered off: the standby takes the Lease after it expires, no extra permit, joining nodes complete", async () => {
    const nodes = ['w5', 'w6', 'w7'];
    for (const n of nodes) await rc.addWorker({ name: n });
    const inFlight = await midWave(1, nodes);
    const leader = rc.leader() ?? '';
    const pod = rc.controllerPods().find((p) => p.metadata.name === leader);
    const cpNode = (pod?.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const standby = rc.controllerPods().find((p) => p.metadata.name !== leader)?.metadata.name ?? '';
    const stoppedAt = Date.now();
    await rc.c.stopNode(cpNode);
    await until(
      () => rc.leader() === standby,
      60_000,
      () => `${JSON.stringify(rc.timeline.leaders)}\n${rc.logs()}`,
    );
    const tookOverAfter = Date.now() - stoppedAt;
    await waitReady(rc, 'lab');
    for (const n of nodes)
      expect(statusOf(rc.mirrorNode(n)), n).toMatchObject({ state: 'Applied', appliedRevision: rev });
    expectNoExtraPermit(nodes);
    expect(statusOf(rc.mirrorSet('lab')).nodes).toMatchObject({ total: 7, updated: 7, ready: 7 });
    evidence(
      `node ${cpNode} of leader ${leader} powered off while ${inFlight} held a permit; standby ${standby} took the Lease after ${tookOverAfter} ms; w5–w7 Applied, one permit, one Job and one restart each`,
    );
  });
});
