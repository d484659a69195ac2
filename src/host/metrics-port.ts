// The metrics/probe listener port: a few GET routes (`/metrics`, `/healthz`, `/readyz`) answered by
// functions the controller and the node agent supply. src/host/metrics-server.ts is the adapter
// (node:http); cluster code only sees this shape, so it never imports the network.

/** One answer of a route. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type RouteHandler = () => HttpAnswer | Promise<HttpAnswer>;

export interface MetricsServerOptions {
  port: number;
  /** Default 0.0.0.0 (the pod's address: kubelet probes and Prometheus scrape it). */
  host?: string;
  /** Path → handler; anything else is 404, any method but GET/HEAD is 405. */
  routes: Record<string, RouteHandler>;
}

export interface MetricsServer {
  /** The bound port (useful with port 0 in tests). */
  readonly port: number;
  close(): Promise<void>;
}

export type StartMetricsServer = (opts: MetricsServerOptions) => Promise<MetricsServer>;

export const textAnswer = (status: number, body: string): HttpAnswer => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body,
});
