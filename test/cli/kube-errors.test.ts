// A cluster verb whose kubeconfig is unusable or whose API server refuses gets a clear error with
// the fix and a documented exit code, never "internal error (a bug)" with a stack trace.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/testing.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-kube-errors-'));
let server: Server;
let kubeconfig = '';

beforeAll(async () => {
  // An API server that refuses everyone, as kube-apiserver words it.
  server = createServer((_req, res) => {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message:
          'nodes is forbidden: User "dev" cannot list resource "nodes" in API group "" at the cluster scope',
        reason: 'Forbidden',
        code: 403,
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]
users: [{ name: dev, user: { token: t } }]
contexts: [{ name: c, context: { cluster: c, user: dev } }]
current-context: c
`,
  );
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('cluster verbs and the API', () => {
  test('an empty kubeconfig: exit 2 naming the file and the fix', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    const r = await runCli(['nodes', '--kubeconfig', empty]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${empty} is not a usable kubeconfig`);
    expect(r.stderr).toContain('--kubeconfig FILE');
    expect(r.stderr).not.toContain('internal error');
  });

  test('an API server that refuses: its own message and the RBAC hint, exit 3', async () => {
    const r = await runCli(['nodes', '--kubeconfig', kubeconfig]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('the Kubernetes API: HTTP 403');
    expect(r.stderr).toContain('cannot list resource "nodes"');
    expect(r.stderr).toContain('RBAC');
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
