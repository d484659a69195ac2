// PEM checks for TLS material named by a spec (files, or a Secret's keys), with node:crypto's real
// X.509/key parsers: a bad cert makes containerd fail every pull of that registry (no fallback).
import { createPrivateKey, X509Certificate } from 'node:crypto';

export type TlsField = 'caFile' | 'certFile' | 'keyFile';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

/** Why `text` is not a usable PEM for `field`, or undefined when it is. */
export function checkPem(field: TlsField, text: string): string | undefined {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) return 'is not a PEM file (no -----BEGIN …----- block)';
  try {
    if (field === 'keyFile') {
      const key = blocks.find((b) => /PRIVATE KEY$/.test(b[1] ?? ''));
      if (!key) return 'holds no PRIVATE KEY block';
      if ((key[1] ?? '').includes('ENCRYPTED') || /Proc-Type: 4,ENCRYPTED/.test(key[0])) {
        return 'holds an encrypted private key; runtimes cannot use a key that needs a passphrase';
      }
      createPrivateKey(key[0]);
      return undefined;
    }
    const certs = blocks.filter((b) => b[1] === 'CERTIFICATE');
    if (certs.length === 0) return 'holds no CERTIFICATE block';
    for (const c of certs) new X509Certificate(c[0]);
    return undefined;
  } catch (e) {
    return `cannot be parsed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Does the client certificate belong to the key? A mismatched pair fails every TLS handshake. */
export function pairMismatch(certPem: string, keyPem: string): boolean {
  try {
    const cert = [...certPem.matchAll(PEM_BLOCK)].find((b) => b[1] === 'CERTIFICATE')?.[0];
    const key = [...keyPem.matchAll(PEM_BLOCK)].find((b) => /PRIVATE KEY$/.test(b[1] ?? ''))?.[0];
    if (!cert || !key) return false;
    return !new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch {
    return false; // already reported by checkPem
  }
}
