import { describe, expect, it } from 'vitest';
import { classify, readable } from './http-transport.js';

describe('classify', () => {
  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1', 'connect'],
    ['ECONNRESET', 'socket hang up', 'connect'],
    ['ETIMEDOUT', 'no response within 10 ms', 'timeout'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND quay.io', 'dns'],
    ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN quay.io', 'dns'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames", 'tls'],
    ['EPROTO', 'wrong version number', 'tls'],
    ['HPE_CLOSED_CONNECTION', 'Parse Error: Data after `Connection: close`', 'protocol'],
  ] as const)('%s → %s', (code, message, expected) => {
    expect(classify(code, message)).toBe(expected);
  });
});

describe('readable', () => {
  it('keeps the OpenSSL reason, drops the thread address and source path', () => {
    expect(
      readable(
        'write EPROTO 800C64629B7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/ssl3_record.c:350:',
      ),
    ).toBe('wrong version number');
    expect(readable('connect ECONNREFUSED 127.0.0.1:5000')).toBe('connect ECONNREFUSED 127.0.0.1:5000');
  });
});
