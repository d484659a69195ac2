// Protocol behaviour against a scripted transport; test/registry/ runs the same client against
// real docker-registry instances.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRegistryClient, MANIFEST_ACCEPT } from './client.js';
import { parseAuthFile } from './credentials.js';
import type { HttpRequest, HttpResult, HttpTransport } from './transport.js';

type Reply = (req: HttpRequest) => HttpResult;
const res = (status: number, headers: Record<string, string> = {}, body = ''): HttpResult => ({
  ok: true,
  response: { status, headers, body: new TextEncoder().encode(body) },
  latencyMs: 1,
});
const D = `sha256:${'b'.repeat(64)}`;
/** A HEAD answer containerd trusts without a GET: a manifest media type, a digest and a length. */
const HEAD_OK = {
  'docker-content-digest': D,
  'content-type': 'application/vnd.oci.image.manifest.v1+json',
  'content-length': '400',
};

/** Replays replies in order and records what was sent. */
function scripted(replies: Reply[]): { transport: HttpTransport; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const transport: HttpTransport = async (req) => {
    sent.push(req);
    const next = replies.shift();
    if (!next) throw new Error(`unexpected request ${req.method} ${req.url}`);
    return next(req);
  };
  return { transport, sent };
}

const auth = (json: object) => parseAuthFile(JSON.stringify({ auths: json }), 'a.json').store;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const URL1 = 'https://m.example/v2/dpod/cpopen/x/manifests/1.0?ns=icr.io';

describe('headManifest', () => {
  it('HEAD with the runtime Accept list; digest from Docker-Content-Digest', async () => {
    const { transport, sent } = scripted([
      () =>
        res(200, {
          'docker-content-digest': D,
          'content-type': 'application/vnd.oci.image.index.v1+json',
          'content-length': '312',
        }),
    ]);
    const probe = await createRegistryClient({ transport }).headManifest(URL1, 'dpod/cpopen/x', {
      headers: { 'X-Mirror': ['a'] },
      tls: { insecureSkipVerify: true },
    });
    expect(probe).toMatchObject({
      outcome: 'found',
      digest: D,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      size: 312,
      requests: 1,
    });
    expect(sent[0]).toMatchObject({ method: 'HEAD', url: URL1, tls: { insecureSkipVerify: true } });
    expect(sent[0]?.headers).toMatchObject({ accept: MANIFEST_ACCEPT, 'x-mirror': ['a'] });
  });

  it('bearer flow: challenge → token GET with basic creds and scope → retry with the token, token cached', async () => {
    const challenge = {
      'www-authenticate':
        'Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull"',
    };
    const { transport, sent } = scripted([
      () => res(401, challenge),
      () => res(200, {}, JSON.stringify({ token: 'T1' })),
      () => res(200, HEAD_OK),
      () => res(401, challenge),
      () => res(404),
    ]);
    const client = createRegistryClient({
      transport,
      credentials: auth({ 'm.example': { auth: b64('u:p') } }),
    });
    expect(await client.headManifest(URL1, 'a/b')).toMatchObject({ outcome: 'found', requests: 3 });
    const token = new URL(sent[1]?.url ?? '');
    expect(token.origin + token.pathname).toBe('https://auth.example/token');
    expect(Object.fromEntries(token.searchParams)).toEqual({ service: 'reg', scope: 'repository:a/b:pull' });
    expect(sent[1]?.headers.authorization).toBe(`Basic ${b64('u:p')}`);
    expect(sent[2]?.headers.authorization).toBe('Bearer T1');
    // Second image, same scope: the cached token is reused without a token request.
    expect(await client.headManifest(URL1, 'a/b')).toMatchObject({
      outcome: 'missing',
      httpStatus: 404,
      requests: 2,
    });
  });

  it('identity token: OAuth2 refresh_token POST; access_token accepted', async () => {
    const { transport, sent } = scripted([
      () =>
        res(401, { 'www-authenticate': 'Bearer realm="https://auth.example/oauth2/token",service="acr"' }),
      () => res(200, {}, JSON.stringify({ access_token: 'AT' })),
      () => res(200, HEAD_OK),
    ]);
    const credentials = auth({
      'm.example': { auth: b64('00000000-0000-0000-0000-000000000000:'), identitytoken: 'RT' },
    });
    await createRegistryClient({ transport, credentials }).headManifest(URL1, 'a/b');
    expect(sent[1]?.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(sent[1]?.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'RT',
      service: 'acr',
      scope: 'repository:a/b:pull',
      client_id: 'mirrorctl',
    });
    expect(sent[2]?.headers.authorization).toBe('Bearer AT');
  });

  it('basic challenge without credentials is unauthorized, naming the host', async () => {
    const { transport } = scripted([() => res(401, { 'www-authenticate': 'Basic realm="r"' })]);
    const probe = await createRegistryClient({ transport }).headManifest(URL1, 'a/b');
    expect(probe).toMatchObject({
      outcome: 'unauthorized',
      httpStatus: 401,
      message: 'no credentials for m.example (basic auth required)',
    });
  });

  it('basic challenge with wrong credentials is unauthorized after one retry', async () => {
    const { transport, sent } = scripted([
      () => res(401, { 'www-authenticate': 'Basic realm="r"' }),
      () => res(401, { 'www-authenticate': 'Basic realm="r"' }),
    ]);
    const probe = await createRegistryClient({
      transport,
      credentials: auth({ 'm.example': { username: 'u', password: 'bad' } }),
    }).headManifest(URL1, 'a/b');
    expect(probe).toMatchObject({
      outcome: 'unauthorized',
      requests: 2,
      message: 'HTTP 401: m.example rejected the credentials (user u)',
    });
    expect(sent[1]?.headers.authorization).toBe(`Basic ${b64('u:bad')}`);
  });

  it("an endpoint's own credential (a mirror's auth) is used before the --auth-file store", async () => {
    const { transport, sent } = scripted([
      () => res(401, { 'www-authenticate': 'Basic realm="r"' }),
      () => res(200, HEAD_OK),
    ]);
    const probe = await createRegistryClient({
      transport,
      credentials: auth({ 'm.example': { username: 'store', password: 's' } }),
    }).headManifest(URL1, 'a/b', { credential: { kind: 'basic', username: 'mirror', password: 'm' } });
    expect(probe.outcome).toBe('found');
    expect(sent[1]?.headers.authorization).toBe(`Basic ${b64('mirror:m')}`);
  });

  it('retries 429/503/connection errors with doubling backoff, then succeeds', async () => {
    const slept: number[] = [];
    const { transport } = scripted([
      () => res(429),
      () => ({ ok: false, failure: 'connect', message: 'ECONNRESET', latencyMs: 1 }),
      () => res(200, HEAD_OK),
    ]);
    const client = createRegistryClient({
      transport,
      retries: 3,
      backoffMs: 100,
      sleep: async (ms) => void slept.push(ms),
    });
    expect(await client.headManifest(URL1, 'a/b')).toMatchObject({ outcome: 'found', requests: 3 });
    expect(slept).toEqual([100, 200]);
  });

  it('gives up after the retries and reports the last error with its distribution code', async () => {
    const { transport } = scripted([
      () => res(503),
      () => res(503),
      () => res(503, {}, JSON.stringify({ errors: [{ code: 'UNAVAILABLE' }] })),
    ]);
    const probe = await createRegistryClient({ transport, sleep: async () => {} }).headManifest(URL1, 'a/b');
    expect(probe).toMatchObject({
      outcome: 'error',
      httpStatus: 503,
      message: 'HTTP 503 (UNAVAILABLE)',
      requests: 3,
    });
  });

  it('does not retry TLS failures', async () => {
    const { transport } = scripted([
      () => ({ ok: false, failure: 'tls', message: 'SELF_SIGNED_CERT_IN_CHAIN', latencyMs: 1 }),
    ]);
    const probe = await createRegistryClient({ transport, sleep: async () => {} }).headManifest(URL1, 'a/b');
    expect(probe).toMatchObject({ outcome: 'error', failure: 'tls', requests: 1 });
  });

  it('falls back to GET when HEAD is refused or has no digest, hashing the body', async () => {
    const body = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}';
    const { transport, sent } = scripted([
      () => res(405),
      () => res(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json; charset=utf-8' }, body),
    ]);
    const probe = await createRegistryClient({ transport }).headManifest(URL1, 'a/b');
    expect(sent.map((r) => r.method)).toEqual(['HEAD', 'GET']);
    expect(probe).toMatchObject({
      outcome: 'found',
      digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: body.length,
      digestChecked: true,
    });
  });

  it('a mirror (verifyBody) is HEADed then GETted even when the HEAD has a digest', async () => {
    const body = '{"schemaVersion":2}';
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const type = { 'content-type': 'application/vnd.oci.image.manifest.v1+json' };
    const { transport, sent } = scripted([
      () => res(200, { ...type, 'docker-content-digest': digest, 'content-length': '19' }),
      () => res(200, { ...type, 'docker-content-digest': digest }, body),
    ]);
    const probe = await createRegistryClient({ transport }).headManifest(URL1, 'a/b', { verifyBody: true });
    expect(sent.map((r) => r.method)).toEqual(['HEAD', 'GET']);
    expect(probe).toMatchObject({ outcome: 'found', digest, digestChecked: true, requests: 2 });
  });

  it.each<{ name: string; headers: Record<string, string>; message: string }>([
    { name: 'no Content-Type', headers: {}, message: 'answered 200 without a Content-Type' },
    {
      name: 'application/json that is not schema 1',
      headers: { 'content-type': 'application/json' },
      message: 'Content-Type application/json: not an image manifest media type',
    },
  ])('HEAD 200 then GET with $name is invalid', async ({ headers, message }) => {
    const { transport } = scripted([() => res(200, headers), () => res(200, headers, '{"schemaVersion":2}')]);
    const probe = await createRegistryClient({ transport }).headManifest(URL1, 'a/b');
    expect(probe).toMatchObject({ outcome: 'invalid', httpStatus: 200 });
    expect(probe.outcome === 'invalid' && probe.message).toContain(message);
  });

  it('a manifest over 4 MiB is an error the runtime skips, not a stop', async () => {
    const { transport } = scripted([
      () => res(200, { ...HEAD_OK, 'content-length': String(5 * 1024 * 1024) }),
    ]);
    const probe = await createRegistryClient({ transport }).headManifest(URL1, 'a/b');
    expect(probe).toMatchObject({ outcome: 'error', message: expect.stringContaining('over 4 MiB') });
  });

  it('follows redirects and drops Authorization when the host changes', async () => {
    const { transport, sent } = scripted([
      () => res(401, { 'www-authenticate': 'Bearer realm="https://auth.example/t"' }),
      () => res(200, {}, '{"token":"T"}'),
      () => res(307, { location: '/v2/other/manifests/1.0' }),
      () => res(302, { location: 'https://cdn.example/blob' }),
      () => res(200, HEAD_OK),
    ]);
    await createRegistryClient({ transport }).headManifest(URL1, 'a/b');
    expect(sent[3]?.url).toBe('https://m.example/v2/other/manifests/1.0');
    expect(sent[3]?.headers.authorization).toBe('Bearer T');
    expect(sent[4]?.url).toBe('https://cdn.example/blob');
    expect(sent[4]?.headers.authorization).toBeUndefined();
  });

  it('reports a token endpoint failure as unauthorized with the realm', async () => {
    const { transport } = scripted([
      () => res(401, { 'www-authenticate': 'Bearer realm="https://auth.example/t"' }),
      () => res(403),
    ]);
    const probe = await createRegistryClient({ transport }).headManifest(URL1, 'a/b');
    expect(probe).toMatchObject({
      outcome: 'unauthorized',
      message: 'token endpoint https://auth.example/t answered HTTP 403',
    });
  });

  it('uses a registrytoken from the auth file as the bearer token', async () => {
    const { transport, sent } = scripted([
      () => res(401, { 'www-authenticate': 'Bearer realm="https://auth.example/t"' }),
      () => res(200, HEAD_OK),
    ]);
    await createRegistryClient({
      transport,
      credentials: auth({ 'm.example': { registrytoken: 'RT' } }),
    }).headManifest(URL1, 'a/b');
    expect(sent[1]?.headers.authorization).toBe('Bearer RT');
  });
});

describe('ping', () => {
  it.each([
    { name: '200', reply: res(200), expected: { outcome: 'ok', httpStatus: 200 } },
    {
      name: '401 bearer',
      reply: res(401, { 'www-authenticate': 'Bearer realm="x"' }),
      expected: { outcome: 'ok', authScheme: 'bearer' },
    },
    {
      name: '404 (not a registry)',
      reply: res(404),
      expected: { outcome: 'error', httpStatus: 404, message: 'HTTP 404' },
    },
    {
      name: 'connection refused',
      reply: { ok: false, failure: 'connect', message: 'ECONNREFUSED', latencyMs: 0 } as HttpResult,
      expected: { outcome: 'error', failure: 'connect' },
    },
  ])('$name', async ({ reply, expected }) => {
    const transport: HttpTransport = async () => reply;
    expect(
      await createRegistryClient({ transport, sleep: async () => {} }).ping('http://m/v2/'),
    ).toMatchObject(expected);
  });
});
