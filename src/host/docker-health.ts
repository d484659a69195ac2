// RuntimeHealth for dockerd: GET /_ping on its API socket answers "OK" once the daemon serves again
// (dockerd has no CRI; cri-dockerd nodes are checked here too because the reload is dockerd's).
import type { HealthResult, RuntimeHealth } from './runtime-port.js';

async function ping(socketPath: string): Promise<string> {
  // node:http (and its ~8 internal modules) only when a docker health check runs, not at the start of
  // every verb whose wiring names this port (plan/apply on a containerd node never ping dockerd).
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}: ${body}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

export function dockerRuntimeHealth(socketPath = '/var/run/docker.sock'): RuntimeHealth {
  return {
    async check(_service, timeoutMs): Promise<HealthResult> {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer';
      do {
        try {
          const body = await ping(socketPath);
          return { ok: true, detail: `dockerd answered /_ping: ${body.trim()}` };
        } catch (e) {
          last = e instanceof Error ? e.message : String(e);
        }
        await new Promise((r) => setTimeout(r, 250));
      } while (Date.now() < deadline);
      return { ok: false, error: `dockerd ${socketPath} /_ping: ${last}` };
    },
  };
}
