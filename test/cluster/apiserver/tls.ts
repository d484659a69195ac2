// The stand-in's serving certificate, made with the real openssl: a throwaway CA and a server
// certificate for every name a client in or out of a pod uses for the API server (127.0.0.1, the
// in-node service address 10.96.0.1, kubernetes.default.svc …), like kube-apiserver's own cert.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServingPki {
  ca: string;
  cert: string;
  key: string;
}

/** The address pods reach the API server at inside a simulated node (KUBERNETES_SERVICE_HOST). */
export const SERVICE_IP = '10.96.0.1';

export function makeServingPki(): ServingPki {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-apiserver-pki-'));
  const p = (f: string) => join(dir, f);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  try {
    ssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      p('ca.key'),
      '-out',
      p('ca.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=test-kubernetes-ca',
    );
    ssl('req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=kube-apiserver');
    const names = [
      'IP:127.0.0.1',
      `IP:${SERVICE_IP}`,
      'DNS:localhost',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
    ];
    writeFileSync(p('ext.cnf'), `subjectAltName=${names.join(',')}\nextendedKeyUsage=serverAuth\n`);
    ssl(
      'x509',
      '-req',
      '-in',
      p('server.csr'),
      '-CA',
      p('ca.pem'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-out',
      p('server.pem'),
      '-days',
      '2',
      '-extfile',
      p('ext.cnf'),
    );
    const read = (f: string) => readFileSync(p(f), 'utf8');
    return { ca: read('ca.pem'), cert: read('server.pem'), key: read('server.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
