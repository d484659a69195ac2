// A throwaway PKI made with the real openssl (installed here): a CA, and a client certificate with its
// unencrypted key, as an operator would name them in tls.caFile/certFile/keyFile.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pki {
  dir: string;
  ca: string;
  cert: string;
  key: string;
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-pki-'));
  const p = (f: string) => join(dir, f);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
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
    '/CN=test CA',
  );
  ssl('req', ...ec, '-keyout', p('client.key'), '-out', p('client.csr'), '-subj', '/CN=node client');
  ssl(
    'x509',
    '-req',
    '-in',
    p('client.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p('client.pem'),
    '-days',
    '2',
  );
  // openssl writes SEC1 "EC PRIVATE KEY"; runtimes and node:crypto read both, keep PKCS#8 like most tools.
  ssl('pkcs8', '-topk8', '-nocrypt', '-in', p('client.key'), '-out', p('client-pk8.key'));
  const read = (f: string) => readFileSync(p(f), 'utf8');
  return { dir, ca: read('ca.pem'), cert: read('client.pem'), key: read('client-pk8.key') };
}
