// --gate-new-nodes: the agent removes its node's startup taint once apply + verify succeeded, so
// no workload pod is scheduled before pulls go through the mirror. A tiny in-cluster client over
// node:https (the agent bundle must stay small; the full client library is not bundled) using the
// pod's service-account token. The patch `test`s the taint list it read, so a concurrent change of
// the node's taints makes it fail (422) and retry instead of overwriting someone else's taint.
import { request } from 'node:https';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

/** JSON patch removing every taint with `key`, or undefined when there is none (pure). */
export function removeTaintPatch(taints: readonly Taint[] | undefined, key: string): unknown[] | undefined {
  const current = taints ?? [];
  const kept = current.filter((t) => t.key !== key);
  if (kept.length === current.length) return undefined;
  return [
    { op: 'test', path: '/spec/taints', value: current },
    { op: 'replace', path: '/spec/taints', value: kept },
  ];
}

export interface InClusterAccess {
  host: string;
  port: string;
  token: string;
  ca: string;
}

function call(
  a: InClusterAccess,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
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
}

/** Returns undefined on success (or when the taint is already gone), else what went wrong. */
export async function removeGateTaint(
  a: InClusterAccess,
  node: string,
  key: string,
): Promise<string | undefined> {
  const path = `/api/v1/nodes/${encodeURIComponent(node)}`;
  try {
    const got = await call(a, 'GET', path);
    if (got.status !== 200) return `GET node ${node}: HTTP ${got.status}`;
    const taints = (JSON.parse(got.text) as { spec?: { taints?: Taint[] } }).spec?.taints;
    const patch = removeTaintPatch(taints, key);
    if (!patch) return undefined;
    const res = await call(a, 'PATCH', path, patch);
    return res.status === 200 ? undefined : `PATCH node ${node}: HTTP ${res.status}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
