// client-node 1.4 builds a new http(s).Agent for every request (KubeConfig.applySecurityAuthentication
// → createAgent), so every call opens a new TCP + TLS connection: at 5,000 log reads that dominated
// the CLI's CPU. This KubeConfig keeps one keep-alive agent with the same TLS options instead, and
// offers a plain GET for pod logs (one per node): the generated client's fetch, observable and
// serializer layers cost more CPU than the request itself (profiled on the 5,000-node rollout).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { CliError, ExitCode } from '../exit-codes.js';
import { KubeError } from './kube-port.js';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];

const POOL = { keepAlive: true, maxSockets: 32 };

/** The `message` of a Kubernetes Status body, else the body itself. */
function statusMessage(body: string): string {
  try {
    const m: unknown = (JSON.parse(body) as { message?: unknown }).message;
    return typeof m === 'string' ? m : body;
  } catch {
    return body;
  }
}

export class PooledKubeConfig extends KubeConfig {
  private pooled: HttpAgent | HttpsAgent | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    // Proxy agents are left alone: their options are not plain TLS options.
    if (!fresh || (fresh.constructor !== HttpAgent && fresh.constructor !== HttpsAgent)) return;
    if (!this.pooled) {
      const options = (fresh as HttpAgent & { options?: object }).options ?? {};
      this.pooled =
        fresh instanceof HttpsAgent
          ? new HttpsAgent({ ...options, ...POOL })
          : new HttpAgent({ ...options, ...POOL });
    }
    context.setAgent(this.pooled);
  }

  /** Whether getText can be used: no proxy (the generated client handles proxies). */
  get direct(): boolean {
    return !this.getCurrentCluster()?.proxyUrl;
  }

  /** GET `path` (with its query) as text, authenticated like every other call, on the pooled agent. */
  async getText(path: string): Promise<string> {
    const cluster = this.getCurrentCluster();
    if (!cluster) throw new KubeError('no current cluster in the kubeconfig', 0);
    // Fills headers (token, exec/OIDC auth), basic auth and TLS material; its fresh agent is not used.
    const o: RequestOptions = {};
    await this.applyToHTTPSOptions(o);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (o.auth) headers.Authorization = `Basic ${Buffer.from(o.auth).toString('base64')}`;
    const url = new URL(path, cluster.server.endsWith('/') ? cluster.server : `${cluster.server}/`);
    const https = url.protocol === 'https:';
    if (!this.pooled) {
      const tls = {
        ...(o.ca ? { ca: o.ca } : {}),
        ...(o.cert ? { cert: o.cert } : {}),
        ...(o.key ? { key: o.key } : {}),
        ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
        ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
      };
      this.pooled = https ? new HttpsAgent({ ...tls, ...POOL }) : new HttpAgent(POOL);
    }
    const agent = this.pooled;
    return new Promise((resolve, reject) => {
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 400) return resolve(body);
          const message = statusMessage(body).slice(0, 300);
          const ra = Number(res.headers['retry-after']);
          reject(new KubeError(`HTTP ${status}: ${message}`, status, Number.isFinite(ra) ? ra : undefined));
        });
      };
      const req = (https ? httpsRequest : httpRequest)(url, { method: 'GET', headers, agent }, onResponse);
      req.on('error', (err) => reject(new KubeError(err.message, 0)));
      req.end();
    });
  }
}

export interface KubeConfigSource {
  kubeconfig?: string;
  context?: string;
  /** Environment for KUBECONFIG lookup (the CLI passes its own, tests a generated kubeconfig). */
  env?: Record<string, string | undefined>;
}

/** Kubeconfig resolution like kubectl: --kubeconfig, then KUBECONFIG, then in-cluster, then
 *  ~/.kube/config; then --context. */
export function loadKubeConfig(opts: KubeConfigSource): PooledKubeConfig {
  const kc = new PooledKubeConfig();
  const fromEnv = opts.env?.KUBECONFIG;
  const file = opts.kubeconfig ?? (fromEnv ? (fromEnv.split(':')[0] ?? fromEnv) : undefined);
  try {
    if (file) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (err) {
    // client-node throws TypeErrors for an empty or malformed file: name the file and the fix.
    const why = err instanceof Error ? err.message : String(err);
    throw new CliError(
      `${file ?? 'the default kubeconfig (~/.kube/config)'} is not a usable kubeconfig (${why}); pass --kubeconfig FILE (or set KUBECONFIG) naming one with clusters, users and contexts`,
      ExitCode.INVALID_INPUT,
      'cli.kubeconfig',
    );
  }
  if (opts.context) kc.setCurrentContext(opts.context);
  return kc;
}
