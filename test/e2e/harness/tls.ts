// A throwaway CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI, for
// HTTPS mirror cases (`tls.caFile`, `insecureSkipVerify`). EC keys keep generation fast.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOk } from './exec.js';

export interface TestPki {
  /** Directory holding only ca.crt: usable as a Docker/containers cert dir (no stray *.key). */
  caDir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export async function makeTestPki(dir: string, commonName = '127.0.0.1'): Promise<TestPki> {
  const caDir = join(dir, 'ca');
  mkdirSync(caDir, { recursive: true });
  const pki: TestPki = {
    caDir,
    caCert: join(caDir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
  };
  const csr = join(dir, 'server.csr');
  const ext = join(dir, 'server.ext');
  await runOk([
    'openssl',
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    pki.caKey,
    '-out',
    pki.caCert,
    '-days',
    '2',
    '-subj',
    '/CN=mirrorctl e2e CA',
  ]);
  await runOk([
    'openssl',
    'req',
    ...ecKey,
    '-keyout',
    pki.serverKey,
    '-out',
    csr,
    '-subj',
    `/CN=${commonName}`,
  ]);
  // Go clients ignore the CN: the SAN must carry the IP the test dials.
  writeFileSync(
    ext,
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await runOk([
    'openssl',
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    pki.caCert,
    '-CAkey',
    pki.caKey,
    '-CAcreateserial',
    '-out',
    pki.serverCert,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return pki;
}
