// The runtime's own version over its socket, as kubelet reports it (`containerd://1.7.24`,
// `cri-o://1.29.1`, `docker://24.0.7`): the node agent has no runtime binary to run, but it mounts
// the socket directory read-only. CRI Version for containerd/CRI-O, GET /version for dockerd.
import { request } from 'node:http';

function dockerVersion(socketPath: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/version', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => {
        try {
          const v = (JSON.parse(body) as { Version?: unknown }).Version;
          resolve(res.statusCode === 200 && typeof v === 'string' ? `docker://${v}` : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** undefined when nothing answers on `socketPath` (a real path on this machine). */
export async function runtimeVersionAt(socketPath: string, timeoutMs = 5000): Promise<string | undefined> {
  if (socketPath.endsWith('/docker.sock')) return dockerVersion(socketPath, timeoutMs);
  // gRPC is loaded only here: an agent whose runtime never answers does not pay for it.
  const { criClient } = await import('./cri-client.js');
  const client = criClient(`unix://${socketPath}`, { callDeadlineMs: timeoutMs });
  try {
    const v = await client.version();
    return v.ok ? `${v.value.runtimeName}://${v.value.runtimeVersion}` : undefined;
  } finally {
    client.close();
  }
}
