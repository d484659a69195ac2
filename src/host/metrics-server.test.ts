// The probes/metrics listener over a real socket: paths, readiness from the callback, errors.
import { afterEach, describe, expect, it } from 'vitest';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = async (path: string, method = 'GET') => {
  const r = await fetch(`http://127.0.0.1:${server?.port}${path}`, { method });
  return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
};

describe('metrics server', () => {
  it('serves /metrics, /healthz and /readyz as the callbacks say', async () => {
    let ready = false;
    server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'x_total 1\n' }),
      ready: () => (ready ? { ok: true } : { ok: false, message: 'first reconcile running' }),
    });
    expect(await get('/metrics')).toEqual({
      status: 200,
      type: 'text/plain; version=0.0.4',
      body: 'x_total 1\n',
    });
    expect(await get('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect(await get('/readyz')).toMatchObject({ status: 503, body: 'not ready: first reconcile running\n' });
    ready = true;
    expect(await get('/readyz?verbose')).toMatchObject({ status: 200, body: 'ok\n' });
    expect((await get('/other')).status).toBe(404);
    expect((await get('/metrics', 'POST')).status).toBe(405);
  });

  it('a failing metrics callback is a 500 with its message, and the server keeps serving', async () => {
    server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      metrics: async () => {
        throw new Error('collector broke');
      },
      ready: () => ({ ok: true }),
      live: () => ({ ok: false, message: 'stuck' }),
    });
    expect(await get('/metrics')).toMatchObject({ status: 500, body: 'metrics: collector broke\n' });
    expect(await get('/healthz')).toMatchObject({ status: 503, body: 'not ready: stuck\n' });
  });

  it('refuses a port in use with the error, not a hang', async () => {
    server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      metrics: async () => ({ contentType: 'text/plain', body: '' }),
      ready: () => ({ ok: true }),
    });
    await expect(
      startMetricsServer({
        port: server.port,
        host: '127.0.0.1',
        metrics: async () => ({ contentType: 'text/plain', body: '' }),
        ready: () => ({ ok: true }),
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
