// The agent pod's tiny in-cluster API client (a KubeCall, src/host/kube-port.ts): node:https with the
// pod's service-account token and CA, because the agent bundle must stay small (the full client
// library is not bundled). Used by --gate-taint (src/cluster/gate-taint.ts).
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import type { KubeCall } from './kube-port.js';

export interface InClusterAccess {
  host: string;
  port: string;
  token: string;
  ca: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The pod's service-account token, CA and API address; undefined outside a pod (or without a token). */
export async function readInClusterAccess(
  env: Record<string, string | undefined>,
): Promise<InClusterAccess | undefined> {
  const [token, ca] = await Promise.all([
    readFile(join(SERVICE_ACCOUNT_DIR, 'token'), 'utf8'),
    readFile(join(SERVICE_ACCOUNT_DIR, 'ca.crt'), 'utf8'),
  ]).catch(() => []);
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!token || !ca || !host) return undefined;
  return { host, port: env.KUBERNETES_SERVICE_PORT ?? '443', token: token.trim(), ca };
}

/** A request body is sent as a JSON patch (the only body the agent sends). */
export const inClusterCall =
  (a: InClusterAccess): KubeCall =>
  (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: a.host,
          port: Number(a.port),
          method,
          path,
          ca: a.ca,
          headers: {
            authorization: `Bearer ${a.token}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json-patch+json' } : {}),
          },
          timeout: 10_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
