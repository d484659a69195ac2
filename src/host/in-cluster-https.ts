// The pod's tiny in-cluster API client over node:https, with the service-account token (re-read as
// kubelet rotates it) and CA: an AgentKube for the node agent and its apply Job (src/cluster/agent).
// The full client library is not needed in the agent.
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import type { AgentKube, WatchLine } from './agent-kube-port.js';
import { KubeError } from './kube-port.js';

export interface InClusterAccess {
  host: string;
  port: string;
  token: string;
  ca: string;
  /** Where the token was read; bound tokens expire and kubelet rewrites the file (about hourly). */
  tokenFile?: string;
}

/** Where kubelet mounts the service-account token, CA and namespace in every pod. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The pod's service-account token, CA and API address; undefined outside a pod (or without a token).
 *  `dir` moves the token mount (as client-go's loadFromCluster pathPrefix does; tests use it). */
export async function readInClusterAccess(
  env: Record<string, string | undefined>,
  dir = SERVICE_ACCOUNT_DIR,
): Promise<InClusterAccess | undefined> {
  const tokenFile = join(dir, 'token');
  const [token, ca] = await Promise.all([
    readFile(tokenFile, 'utf8'),
    readFile(join(dir, 'ca.crt'), 'utf8'),
  ]).catch(() => []);
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!token || !ca || !host) return undefined;
  return { host, port: env.KUBERNETES_SERVICE_PORT ?? '443', token: token.trim(), ca, tokenFile };
}

/** The API's own words for a failure: Status.message when the body is a Status. */
function failure(status: number, text: string, retryAfter?: string): KubeError {
  let message = text.slice(0, 300);
  try {
    const s = JSON.parse(text) as { message?: unknown };
    if (typeof s.message === 'string') message = s.message;
  } catch {
    // not JSON: keep the text
  }
  const ra = Number(retryAfter);
  return new KubeError(
    `HTTP ${status}: ${message}`,
    status,
    Number.isFinite(ra) && retryAfter ? ra : undefined,
  );
}

export interface InClusterKubeOptions {
  /** Per-request timeout (watches excepted). Default 30 s. */
  timeoutMs?: number;
}

/** The AgentKube adapter: one keep-alive connection pool, the token re-read at most every minute. */
export function inClusterKube(a: InClusterAccess, opts: InClusterKubeOptions = {}): AgentKube {
  const agent = new Agent({ keepAlive: true, ca: a.ca, maxSockets: 4 });
  let token = { value: a.token, at: Date.now() };
  let requests = 0;
  const bearer = async (): Promise<string> => {
    if (a.tokenFile && Date.now() - token.at > 60_000) {
      const fresh = await readFile(a.tokenFile, 'utf8').catch(() => token.value);
      token = { value: fresh.trim(), at: Date.now() };
    }
    return token.value;
  };
  const base = async (method: string, path: string, hasBody: boolean) => ({
    host: a.host,
    port: Number(a.port),
    method,
    path,
    agent,
    headers: {
      authorization: `Bearer ${await bearer()}`,
      accept: 'application/json',
      'user-agent': 'mirrorctl-agent',
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
  });

  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const options = await base(method, path, payload !== undefined);
    requests++;
    return new Promise((resolve, reject) => {
      const req = request({ ...options, timeout: opts.timeoutMs ?? 30_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (method === 'GET' && status === 404) return resolve(undefined);
          if (status < 200 || status > 299)
            return reject(failure(status, text, res.headers['retry-after'] as string | undefined));
          try {
            resolve(text === '' ? undefined : JSON.parse(text));
          } catch {
            reject(new KubeError(`${method} ${path}: the answer is not JSON`, status));
          }
        });
        res.on('error', (e) => reject(new KubeError(e.message, 0)));
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in time`)));
      req.on('error', (e) => reject(e instanceof KubeError ? e : new KubeError(e.message, 0)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  };

  const watch = async (path: string, onLine: WatchLine, onDone: (err: unknown) => void) => {
    const options = await base('GET', path, false);
    requests++;
    let done = false;
    const finish = (err: unknown): void => {
      if (done) return;
      done = true;
      onDone(err);
    };
    const req = request(options, (res) => {
      const status = res.statusCode ?? 0;
      let buffered = '';
      res.setEncoding('utf8');
      if (status !== 200) {
        res.on('data', (c: string) => {
          buffered += c;
        });
        res.on('end', () => finish(failure(status, buffered, res.headers['retry-after'] as string)));
        return;
      }
      res.on('data', (c: string) => {
        buffered += c;
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf('\n');
          if (line === '') continue;
          try {
            const ev = JSON.parse(line) as { type?: unknown; object?: unknown };
            if (typeof ev.type === 'string') onLine(ev.type, ev.object);
          } catch {
            req.destroy(new Error('watch: a line is not JSON'));
            return;
          }
        }
      });
      res.on('end', () => finish(null));
      res.on('error', (e) => finish(new KubeError(e.message, 0)));
      res.on('close', () => finish(null));
    });
    // A half-dead connection sends nothing; the server ends each watch after timeoutSeconds anyway.
    req.setTimeout(15 * 60_000, () => req.destroy(new Error('watch: no data for 15 minutes')));
    req.on('error', (e) => finish(new KubeError(e.message, 0)));
    req.end();
    return {
      abort: () => {
        done = true;
        req.destroy();
      },
    };
  };

  return {
    get: (path) => call('GET', path),
    put: (path, body) => call('PUT', path, body),
    post: (path, body) => call('POST', path, body),
    watch,
    requestCount: () => requests,
  };
}
