// A throwaway PKI made with the real openssl (installed here): a CA, and a client certificate with its
// unencrypted key, as an operator would name them in tls.caFile/certFile/keyFile. issueFromNewCa also
// makes the API server stand-in's serving certificate (apiserver/tls.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pki {
  dir: string;
  ca: string;
  cert: string;
  key: string;
}

const ssl = (...args: string[]): Buffer => execFileSync('openssl', args, { stdio: 'pipe' });

/**
 * In `dir`: a new P-256 CA (ca.pem, ca.key) and a certificate it signs (<leaf>.pem, SEC1 key
 * <leaf>.key), both valid two days; `ext` is an openssl extensions file's text (SANs, key usage).
 */
export function issueFromNewCa(
  dir: string,
  o: { caSubject: string; leaf: string; leafSubject: string; ext?: string },
): void {
  const p = (f: string) => join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', o.caSubject);
  ssl('req', ...ec, '-keyout', p(`${o.leaf}.key`), '-out', p(`${o.leaf}.csr`), '-subj', o.leafSubject);
  if (o.ext !== undefined) writeFileSync(p('ext.cnf'), o.ext);
  ssl(
    'x509',
    '-req',
    '-in',
    p(`${o.leaf}.csr`),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p(`${o.leaf}.pem`),
    '-days',
    '2',
    ...(o.ext !== undefined ? ['-extfile', p('ext.cnf')] : []),
  );
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-pki-'));
  const p = (f: string) => join(dir, f);
  issueFromNewCa(dir, { caSubject: '/CN=test CA', leaf: 'client', leafSubject: '/CN=node client' });
  // openssl writes SEC1 "EC PRIVATE KEY"; runtimes and node:crypto read both, keep PKCS#8 like most tools.
  ssl('pkcs8', '-topk8', '-nocrypt', '-in', p('client.key'), '-out', p('client-pk8.key'));
  const read = (f: string) => readFileSync(p(f), 'utf8');
  return { dir, ca: read('ca.pem'), cert: read('client.pem'), key: read('client-pk8.key') };
}
