// The metrics/probe listener (src/host/metrics-port.ts) over node:http: GET routes only, a handler
// that throws answers 500 with its message, and close() ends keep-alive connections at once so a
// terminating pod exits without waiting for Prometheus to hang up.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpAnswer, MetricsServer, MetricsServerOptions } from './metrics-port.js';
import { textAnswer } from './metrics-port.js';

async function answer(opts: MetricsServerOptions, req: IncomingMessage): Promise<HttpAnswer> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return textAnswer(405, 'method not allowed\n');
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const route = Object.hasOwn(opts.routes, path) ? opts.routes[path] : undefined;
  if (!route) return textAnswer(404, 'not found\n');
  try {
    return await route();
  } catch (err) {
    return textAnswer(500, `${err instanceof Error ? err.message : String(err)}\n`);
  }
}

export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void answer(opts, req).then((a) => {
      res.writeHead(a.status, { 'Content-Type': a.contentType, 'Content-Length': Buffer.byteLength(a.body) });
      res.end(req.method === 'HEAD' ? undefined : a.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
