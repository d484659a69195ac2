// The probes and metrics listener of the controller (port 8080) and the node agent (9477): GET
// /metrics (Prometheus text from a callback, e.g. a prom-client Registry), /healthz (the process
// serves requests) and /readyz (a callback). The only node:http server of cluster mode.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Readiness {
  ok: boolean;
  /** Said in the probe's body (kubelet records it in the pod's events when the probe fails). */
  message?: string;
}

export interface MetricsServerOptions {
  /** 0 = any free port (tests). */
  port: number;
  /** Default: every address (the pod IP). */
  host?: string;
  /** The Prometheus text exposition and its content type. */
  metrics: () => Promise<{ contentType: string; body: string }>;
  ready: () => Readiness;
  /** Liveness beyond "the event loop answers" (default: always live). */
  live?: () => Readiness;
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

const PATHS = { metrics: '/metrics', live: '/healthz', ready: '/readyz' } as const;

export async function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const text = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'method not allowed\n');
    if (path === PATHS.live || path === PATHS.ready) {
      const r = path === PATHS.ready ? o.ready() : (o.live?.() ?? { ok: true });
      return text(r.ok ? 200 : 503, `${r.ok ? 'ok' : 'not ready'}${r.message ? `: ${r.message}` : ''}\n`);
    }
    if (path === PATHS.metrics) {
      o.metrics().then(
        (m) => text(200, m.body, m.contentType),
        (e: unknown) => text(500, `metrics: ${e instanceof Error ? e.message : String(e)}\n`),
      );
      return;
    }
    text(404, 'not found\n');
  });
  // A probe must not hold the process open on shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
