// `mirrorctl controller` as a real process (the CLI entry point) against the API server stand-in:
// it syncs, takes the Lease, reconciles, serves /metrics, /healthz and /readyz, and on SIGTERM
// releases the Lease and exits 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cond, type Harness, MS, mirrorSetObject, startHarness } from './harness.js';

let h: Harness | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await h?.close();
  h = undefined;
});

describe('mirrorctl controller (process)', () => {
  it('serves metrics and probes, reconciles, and releases the Lease on SIGTERM', async () => {
    h = await startHarness([
      { name: 'w1', behavior: 'restart' },
      { name: 'w2', behavior: 'hot' },
    ]);
    h.cluster.server.api.create(MS, mirrorSetObject('lab', 'https://m1.example.com', { soakSeconds: 0 }));
    let stderr = '';
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bin/mirrorctl.ts',
        'controller',
        '--kubeconfig',
        h.cluster.kubeconfig,
        '--metrics-port',
        '0',
        '--identity',
        'proc-1',
        '--lease-duration',
        '2',
        '--lease-renew-deadline',
        '1',
        '--lease-retry-period',
        '1',
        '--image',
        'registry.local/mirrorctl:test',
      ],
      { cwd: process.cwd(), env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    await vi.waitFor(() => expect(stderr).toMatch(/metrics on :(\d+)/), { timeout: 30_000 });
    const port = Number(/metrics on :(\d+)/.exec(stderr)?.[1]);
    const get = async (path: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: r.status, body: await r.text() };
    };
    expect((await get('/healthz')).status).toBe(200);
    await vi.waitFor(async () => expect((await get('/readyz')).status).toBe(200), { timeout: 15_000 });
    await vi.waitFor(
      () => expect(cond(h?.cluster.server.api.get(MS, undefined, 'lab'), 'Ready')?.status).toBe('True'),
      {
        timeout: 20_000,
      },
    );
    const job = h.cluster.server.api.list({ group: 'batch', plural: 'jobs' }, { namespace: 'mirrorctl' })[0];
    expect(
      (job?.spec as { template: { spec: { containers: Array<{ image: string }> } } } | undefined)?.template
        .spec.containers[0]?.image,
    ).toBe('registry.local/mirrorctl:test');
    const metrics = (await get('/metrics')).body;
    for (const line of [
      'mirrorctl_leader 1',
      'mirrorctl_waves_total 1',
      'mirrorctl_restarts_total 1',
      'mirrorctl_nodes{mirrorset="lab",state="Applied"} 2',
    ])
      expect(metrics).toContain(line);
    expect(metrics).toMatch(/mirrorctl_api_requests_total\{verb="update",code="200"\} \d+/);
    expect(metrics).toMatch(/mirrorctl_reconcile_duration_seconds_count\{result="ok"\} \d+/);
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lease = h.cluster.server.api.get(
      { group: 'coordination.k8s.io', plural: 'leases' },
      'mirrorctl',
      'mirrorctl-controller',
    );
    expect(lease?.spec).toMatchObject({ holderIdentity: '' });
    expect(stderr).toContain('SIGTERM: stopping');
  }, 90_000);
});
