// Injected faults and delays per verb / resource (429 with Retry-After, 500, 503; counted or at a
// seeded rate), request accounting per verb and resource, and the write log with who wrote what —
// the tools the cluster tests and the benchmark use to judge mirrorctl's behaviour.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIRRORCTL_CRDS } from './custom-resources.js';
import { FakeApiServer } from './server.js';
import { wire } from './wire.js';

let server: FakeApiServer;
beforeEach(async () => {
  server = new FakeApiServer({ resources: MIRRORCTL_CRDS, seed: 7 });
  await server.start();
});
afterEach(() => server.stop());

const MN = '/apis/mirrorctl.io/v1alpha1/mirrornodes';

describe('faults', () => {
  it('a counted 429 on one verb and resource carries Retry-After; other requests are untouched', async () => {
    server.faults.push({
      verb: 'update',
      resource: 'mirrornodes/status',
      status: 429,
      times: 2,
      retryAfter: 3,
    });
    const made = (await wire(server, 'POST', MN, { metadata: { name: 'a' }, spec: {} })).json;
    const put = () => wire(server, 'PUT', `${MN}/a/status`, { ...made, status: { state: 'Applied' } });
    const first = await put();
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.json).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
    expect((await put()).status).toBe(429);
    expect((await put()).status).toBe(200);
    expect((await wire(server, 'GET', `${MN}/a`)).status).toBe(200);
  });

  it('a rate fails about that share of matching requests, reproducibly for a seed', async () => {
    server.faults.push({ verb: 'list', resource: 'nodes', status: 503, rate: 0.3 });
    const codes: number[] = [];
    for (let i = 0; i < 200; i++) codes.push((await wire(server, 'GET', '/api/v1/nodes')).status);
    const failed = codes.filter((c) => c === 503).length;
    expect(failed).toBeGreaterThan(35);
    expect(failed).toBeLessThan(85);
    const again = new FakeApiServer({ seed: 7 });
    await again.start();
    again.faults.push({ verb: 'list', resource: 'nodes', status: 503, rate: 0.3 });
    const replay: number[] = [];
    for (let i = 0; i < 200; i++) replay.push((await wire(again, 'GET', '/api/v1/nodes')).status);
    await again.stop();
    expect(replay).toEqual(codes);
  });

  it('legacy match on method + path prefix, and added latency', async () => {
    server.faults = [{ match: 'GET /api/v1/namespaces/default/configmaps', status: 500, times: 1 }];
    expect((await wire(server, 'GET', '/api/v1/namespaces/default/configmaps')).status).toBe(500);
    expect((await wire(server, 'GET', '/api/v1/namespaces/default/configmaps')).status).toBe(200);
    server.delays.push({ verb: 'get', resource: 'namespaces', ms: 120 });
    const t0 = performance.now();
    await wire(server, 'GET', '/api/v1/namespaces/default');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });
});

describe('accounting', () => {
  it('counts requests per verb and resource and logs writes with their user and outcome', async () => {
    const agent = server.issueToken({ username: 'system:serviceaccount:mirrorctl:agent', groups: [] });
    await wire(server, 'POST', MN, { metadata: { name: 'n1' }, spec: {} });
    await wire(server, 'GET', `${MN}/n1`);
    await wire(server, 'GET', MN);
    const res = await fetch(`${server.url}${MN}/n1/status`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ status: { state: 'Applied' } }),
    });
    expect(res.status).toBe(200);
    await wire(server, 'DELETE', '/api/v1/namespaces/kube-public');
    expect(server.accounting.byVerbAndResource()).toMatchObject({
      'create mirrornodes': 1,
      'get mirrornodes': 1,
      'list mirrornodes': 1,
      'patch mirrornodes/status': 1,
      'delete namespaces': 1,
    });
    expect(server.accounting.count('get')).toBe(1);
    const writes = server.accounting.writes.filter((w) => w.source === 'http');
    expect(writes.map((w) => `${w.user} ${w.verb} ${w.resource} ${w.name} ${w.status}`)).toEqual([
      'kubernetes-admin create mirrornodes n1 201',
      'system:serviceaccount:mirrorctl:agent patch mirrornodes/status n1 200',
      'kubernetes-admin delete namespaces kube-public 200',
    ]);
    // The assertion cluster tests make: no namespace deleted that the deleter did not create.
    const created = new Set(
      server.accounting.writes
        .filter((w) => w.verb === 'create' && w.resource === 'namespaces')
        .map((w) => `${w.user}/${w.name}`),
    );
    const foreign = server.accounting.writes.filter(
      (w) => w.verb === 'delete' && w.resource === 'namespaces' && !created.has(`${w.user}/${w.name}`),
    );
    expect(foreign.map((w) => w.name)).toEqual(['kube-public']);
  });

  it('strict authentication answers 401 to an unknown token', async () => {
    const strict = new FakeApiServer({ strictAuth: true });
    await strict.start();
    const r = await fetch(`${strict.url}/api/v1/nodes`, { headers: { authorization: 'Bearer nope' } });
    expect(r.status).toBe(401);
    expect((await wire(strict, 'GET', '/api/v1/nodes')).status).toBe(200);
    await strict.stop();
  });
});
