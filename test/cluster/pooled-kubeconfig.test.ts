// The plain GET used for pod logs authenticates exactly like the generated client: over real TLS with
// the kubeconfig's CA, client certificate and token (openssl-made PKI), reusing one keep-alive agent.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { KubeError } from '../../src/host/kube-port.js';
import { PooledKubeConfig } from '../../src/host/pooled-kubeconfig.js';
import { makePki } from './tls-pki.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('PooledKubeConfig.getText', () => {
  it('sends the token and client certificate, verifies the server against the CA, maps errors to KubeError', async () => {
    const pki = makePki();
    const p = (f: string) => join(pki.dir, f);
    const ssl = (...a: string[]) => execFileSync('openssl', a, { stdio: 'pipe', cwd: pki.dir });
    ssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'srv.key',
      '-out',
      'srv.csr',
      '-subj',
      '/CN=127.0.0.1',
    );
    execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1" > san.ext'], { cwd: pki.dir });
    ssl(
      'x509',
      '-req',
      '-in',
      'srv.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'srv.pem',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    );
    const seen: Array<{ auth: string | undefined; clientCn: string | undefined; url: string | undefined }> =
      [];
    const server = createServer(
      {
        key: readFileSync(p('srv.key')),
        cert: readFileSync(p('srv.pem')),
        ca: pki.ca,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        seen.push({ auth: req.headers.authorization, clientCn: String(peer.subject?.CN), url: req.url });
        if (req.url?.includes('missing')) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ kind: 'Status', code: 404, message: 'pods "missing" not found' }));
          return;
        }
        res.end('{"line":1}\n');
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const kc = new PooledKubeConfig();
      kc.loadFromString(
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            {
              name: 'c',
              cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': b64(pki.ca) },
            },
          ],
          users: [
            {
              name: 'u',
              user: {
                token: 't0k',
                'client-certificate-data': b64(pki.cert),
                'client-key-data': b64(pki.key),
              },
            },
          ],
          contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
          'current-context': 'x',
        }),
      );
      expect(kc.direct).toBe(true);
      expect(await kc.getText('api/v1/namespaces/ns/pods/a/log?tailLines=20')).toBe('{"line":1}\n');
      expect(await kc.getText('api/v1/namespaces/ns/pods/b/log')).toBe('{"line":1}\n');
      const err = await kc.getText('api/v1/namespaces/ns/pods/missing/log').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeError);
      expect((err as KubeError).status).toBe(404);
      expect((err as KubeError).message).toContain('pods "missing" not found');
      expect(seen.map((s) => [s.auth, s.clientCn])).toEqual([
        ['Bearer t0k', 'node client'],
        ['Bearer t0k', 'node client'],
        ['Bearer t0k', 'node client'],
      ]);
      expect(seen[0]?.url).toBe('/api/v1/namespaces/ns/pods/a/log?tailLines=20');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
