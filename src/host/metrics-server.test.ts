// The metrics/probe listener against real HTTP requests on a loopback port.
import { afterEach, describe, expect, it } from 'vitest';
import { type MetricsServer, textAnswer } from './metrics-port.js';
import { startMetricsServer } from './metrics-server.js';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = async (path: string, method = 'GET') => {
  const res = await fetch(`http://127.0.0.1:${server?.port}${path}`, { method });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
};

describe('startMetricsServer', () => {
  it('answers the routes it was given, 404 elsewhere, 405 for other methods, 500 when a handler throws', async () => {
    let ready = false;
    server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      routes: {
        '/metrics': () => ({ status: 200, contentType: 'text/plain; version=0.0.4', body: 'm 1\n' }),
        '/readyz': async () => (ready ? textAnswer(200, 'ok\n') : textAnswer(503, 'informers not synced\n')),
        '/boom': () => {
          throw new Error('broken handler');
        },
      },
    });
    expect(await get('/metrics')).toEqual({ status: 200, type: 'text/plain; version=0.0.4', body: 'm 1\n' });
    expect(await get('/readyz')).toMatchObject({ status: 503, body: 'informers not synced\n' });
    ready = true;
    expect(await get('/readyz?verbose')).toMatchObject({ status: 200, body: 'ok\n' });
    expect(await get('/nope')).toMatchObject({ status: 404 });
    expect(await get('/metrics', 'POST')).toMatchObject({ status: 405 });
    expect(await get('/boom')).toMatchObject({ status: 500, body: 'broken handler\n' });
    expect(await get('/metrics', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('close() returns promptly even with a keep-alive connection open', async () => {
    server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      routes: { '/healthz': () => textAnswer(200, 'ok\n') },
    });
    await get('/healthz');
    const t0 = Date.now();
    await server.close();
    server = undefined;
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
