// The stand-in's serving certificate, made with the real openssl: a throwaway CA and a server
// certificate for every name a client in or out of a pod uses for the API server (127.0.0.1, the
// in-node service address 10.96.0.1, kubernetes.default.svc …), like kube-apiserver's own cert.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueFromNewCa } from '../tls-pki.js';

export interface ServingPki {
  ca: string;
  cert: string;
  key: string;
}

/** The address pods reach the API server at inside a simulated node (KUBERNETES_SERVICE_HOST). */
export const SERVICE_IP = '10.96.0.1';

export function makeServingPki(): ServingPki {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-apiserver-pki-'));
  const names = [
    'IP:127.0.0.1',
    `IP:${SERVICE_IP}`,
    'DNS:localhost',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster.local',
  ];
  try {
    issueFromNewCa(dir, {
      caSubject: '/CN=test-kubernetes-ca',
      leaf: 'server',
      leafSubject: '/CN=kube-apiserver',
      ext: `subjectAltName=${names.join(',')}\nextendedKeyUsage=serverAuth\n`,
    });
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { ca: read('ca.pem'), cert: read('server.pem'), key: read('server.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
