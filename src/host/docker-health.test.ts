// dockerRuntimeHealth against a real HTTP server on a unix socket answering /_ping as dockerd does
// (node:http is imported on first ping, so this also proves the lazy import works).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dockerRuntimeHealth } from './docker-health.js';

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function serve(status: number, body: string): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'docker-health-'));
  const socketPath = join(dir, 'docker.sock');
  server = createServer((req, res) => {
    res.statusCode = req.url === '/_ping' ? status : 404;
    res.end(req.url === '/_ping' ? body : 'not found');
  });
  const s = server;
  await new Promise<void>((resolve) => s.listen(socketPath, resolve));
  return socketPath;
}

describe('dockerRuntimeHealth', () => {
  it('is healthy when dockerd answers /_ping with 200 OK', async () => {
    const socket = await serve(200, 'OK');
    expect(await dockerRuntimeHealth(socket).check('docker', 2000)).toEqual({
      ok: true,
      detail: 'dockerd answered /_ping: OK',
    });
  });

  it('is unhealthy, naming the socket and the status, when /_ping keeps failing', async () => {
    const socket = await serve(500, 'starting');
    const r = await dockerRuntimeHealth(socket).check('docker', 100);
    expect(r).toEqual({ ok: false, error: `dockerd ${socket} /_ping: HTTP 500: starting` });
  });
});
