// OCI distribution client, just what verify and preflight need: `/v2/` ping and manifest HEAD
// then GET with the runtimes' Accept list, bearer/basic auth on a 401 challenge, redirects, and
// retries with backoff on 429, 5xx and connection errors. A 200 counts only as a real manifest.
// Auth follows containerd remotes/docker/auth (fetch.go): GET the realm with basic credentials,
// or POST an OAuth2 refresh_token grant when the credential is an identity token.
import { type Credential, type CredentialStore, describeCredential, findCredential } from './credentials.js';
import { digestInUrl } from './manifest-media.js';
import {
  type ExpectedDigest,
  fromHead,
  type ManifestProbe,
  type PingResult,
  toProbe,
} from './manifest-probe.js';
import type { HttpRequest, HttpResponse, HttpResult, HttpTransport, TlsOptions } from './transport.js';
import { type Challenge, parseWwwAuthenticate } from './www-authenticate.js';

export type { ManifestProbe, PingResult } from './manifest-probe.js';

/** What containerd (remotes/docker/resolver.go) and c/image send, most specific first. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  '*/*',
].join(', ');

export interface Endpoint {
  tls?: TlsOptions;
  /** Extra headers (spec `mirrors[].headers`), sent on every request to this endpoint. */
  headers?: Record<string, string[]>;
  /** GET and hash the manifest even when the HEAD announced a digest. Set for mirrors, whose
   *  answers mirrorctl vouches for; not for sources, where a manifest GET counts against Docker
   *  Hub's pull rate limit and a HEAD does not (a preflight of 500 images would spend the quota). */
  verifyBody?: boolean;
  /** The credential this endpoint's `auth` names (a mirror's): used before the --auth-file store. */
  credential?: Credential;
}

export interface ClientOptions {
  transport: HttpTransport;
  credentials?: CredentialStore;
  /** Extra attempts after the first on 429/5xx/connection errors (default 2). */
  retries?: number;
  /** First backoff; doubles each retry (default 250 ms). */
  backoffMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

export interface RegistryClient {
  /** GET `<apiRoot>/` (e.g. `https://m/v2/`): 200, or 401 with a challenge, means a registry answers. */
  ping(url: string, endpoint?: Endpoint): Promise<PingResult>;
  /** HEAD then GET the manifest at `url` (see headManifest below); `repository` names the bearer
   *  scope and credentials. */
  headManifest(url: string, repository: string, endpoint?: Endpoint): Promise<ManifestProbe>;
}

/** 429/5xx, refused/reset connections and timeouts may heal within a backoff; DNS, TLS and
 *  protocol failures will not. */
const isTransient = (r: HttpResult): boolean =>
  r.ok
    ? r.response.status === 429 || r.response.status >= 500
    : r.failure === 'connect' || r.failure === 'timeout';
const MAX_REDIRECTS = 5;

export function createRegistryClient(opts: ClientOptions): RegistryClient {
  const retries = opts.retries ?? 2;
  const backoffMs = opts.backoffMs ?? 250;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const userAgent = opts.userAgent ?? 'mirrorctl';
  const tokens = new Map<string, string>();
  const credentialFor = (endpoint: Endpoint, host: string, repository: string): Credential | undefined =>
    endpoint.credential ??
    (opts.credentials ? findCredential(opts.credentials, host, repository) : undefined);

  /** One logical request: redirects followed, retried on transient failures. */
  async function send(
    method: HttpRequest['method'],
    url: string,
    headers: Record<string, string | string[]>,
    endpoint: Endpoint,
    counter: { n: number },
    body?: string,
  ): Promise<HttpResult> {
    let result = await follow(method, url, headers, endpoint, counter, body);
    for (let attempt = 1; attempt <= retries && isTransient(result); attempt++) {
      await sleep(backoffMs * 2 ** (attempt - 1));
      result = await follow(method, url, headers, endpoint, counter, body);
    }
    return result;
  }

  async function follow(
    method: HttpRequest['method'],
    url: string,
    headers: Record<string, string | string[]>,
    endpoint: Endpoint,
    counter: { n: number },
    body?: string,
  ): Promise<HttpResult> {
    let current = url;
    let hdrs: Record<string, string | string[]> = {
      'user-agent': userAgent,
      ...flatten(endpoint.headers),
      ...headers,
    };
    for (let hop = 0; ; hop++) {
      counter.n++;
      const req: HttpRequest = { method, url: current, headers: hdrs, timeoutMs };
      if (body !== undefined) req.body = body;
      if (endpoint.tls) req.tls = endpoint.tls;
      const result = await opts.transport(req);
      const location = result.ok ? result.response.headers.location : undefined;
      if (!result.ok || !location || ![301, 302, 303, 307, 308].includes(result.response.status))
        return result;
      if (hop >= MAX_REDIRECTS) return result;
      const next = new URL(location, current);
      // Never forward credentials to another host (storage redirects to S3 and the like).
      if (next.host !== new URL(current).host) {
        const { authorization: _drop, ...rest } = hdrs;
        hdrs = rest;
      }
      current = next.toString();
    }
  }

  async function fetchToken(
    challenge: Challenge,
    repository: string,
    host: string,
    endpoint: Endpoint,
    counter: { n: number },
  ): Promise<{ token?: string; message?: string }> {
    const realm = challenge.params.realm;
    if (!realm) return { message: 'bearer challenge without realm' };
    const service = challenge.params.service ?? '';
    const scope = challenge.params.scope ?? `repository:${repository}:pull`;
    const key = `${realm}|${service}|${scope}`;
    const cached = tokens.get(key);
    if (cached) return { token: cached };
    const cred = credentialFor(endpoint, host, repository);
    if (cred?.kind === 'registry-token') return { token: cred.token };
    let result: HttpResult;
    if (cred?.kind === 'identity-token') {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: cred.token,
        service,
        scope,
      });
      form.set('client_id', userAgent);
      result = await send(
        'POST',
        realm,
        { 'content-type': 'application/x-www-form-urlencoded' },
        endpoint,
        counter,
        form.toString(),
      );
    } else {
      const u = new URL(realm);
      if (service) u.searchParams.set('service', service);
      u.searchParams.set('scope', scope);
      result = await send('GET', u.toString(), basicHeader(cred), endpoint, counter);
    }
    if (!result.ok) return { message: `token endpoint ${realm}: ${result.message}` };
    if (result.response.status !== 200)
      return { message: `token endpoint ${realm} answered HTTP ${result.response.status}` };
    const token = readToken(result.response);
    if (!token) return { message: `token endpoint ${realm} returned no token` };
    tokens.set(key, token);
    return { token };
  }

  /** Send, and on a 401 answer the challenge once (bearer preferred, then basic). */
  async function authed(
    method: 'GET' | 'HEAD',
    url: string,
    headers: Record<string, string>,
    repository: string,
    endpoint: Endpoint,
    counter: { n: number },
  ): Promise<{ result: HttpResult; authMessage?: string; scheme?: string }> {
    const first = await send(method, url, headers, endpoint, counter);
    if (!first.ok || first.response.status !== 401) return { result: first };
    const host = new URL(url).host;
    const challenges = parseWwwAuthenticate(first.response.headers['www-authenticate'] ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      const { token, message } = await fetchToken(bearer, repository, host, endpoint, counter);
      if (!token) return { result: first, authMessage: message ?? 'no token', scheme: 'bearer' };
      const retry = await send(
        method,
        url,
        { ...headers, authorization: `Bearer ${token}` },
        endpoint,
        counter,
      );
      return { result: retry, scheme: 'bearer' };
    }
    const cred = credentialFor(endpoint, host, repository);
    if (basic && cred?.kind === 'basic') {
      const retry = await send(method, url, { ...headers, ...basicHeader(cred) }, endpoint, counter);
      const rejected = retry.ok && retry.response.status === 401;
      return {
        result: retry,
        scheme: 'basic',
        ...(rejected
          ? { authMessage: `HTTP 401: ${host} rejected the credentials (${describeCredential(cred)})` }
          : {}),
      };
    }
    const what = basic ? `no credentials for ${host} (basic auth required)` : 'unsupported auth challenge';
    return { result: first, authMessage: what, scheme: challenges[0]?.scheme };
  }

  return {
    async ping(url, endpoint = {}) {
      const counter = { n: 0 };
      const result = await send('GET', url, {}, endpoint, counter);
      if (!result.ok)
        return {
          outcome: 'error',
          failure: result.failure,
          message: result.message,
          latencyMs: result.latencyMs,
          requests: counter.n,
        };
      const { status, headers } = result.response;
      if (status === 200 || status === 401) {
        const scheme = parseWwwAuthenticate(headers['www-authenticate'] ?? '')[0]?.scheme;
        const ok: PingResult = {
          outcome: 'ok',
          httpStatus: status,
          latencyMs: result.latencyMs,
          requests: counter.n,
        };
        if (scheme) ok.authScheme = scheme;
        return ok;
      }
      return {
        outcome: 'error',
        httpStatus: status,
        message: `HTTP ${status}`,
        latencyMs: result.latencyMs,
        requests: counter.n,
      };
    },

    // HEAD first, as containerd resolves (core/remotes/docker/resolver.go): its status decides
    // whether the runtime stops at this host, and a Content-Type that is no manifest type ends the
    // probe there. A HEAD has no body, so the manifest is then fetched with GET (what c/image and
    // dockerd send) and hashed: its digest must equal the HEAD's and the GET's Docker-Content-Digest
    // and a digest in the URL. The GET is skipped only where containerd itself trusts the HEAD
    // (manifest type, digest and length) and the endpoint does not ask for the body (sources).
    async headManifest(url, repository, endpoint = {}) {
      const counter = { n: 0 };
      const accept = { accept: MANIFEST_ACCEPT };
      const expected: ExpectedDigest[] = [];
      const inUrl = digestInUrl(url);
      if (inUrl) expected.push({ digest: inUrl, what: 'digest requested in the URL' });
      const head = await authed('HEAD', url, accept, repository, endpoint, counter);
      let headLatency: number | undefined;
      if (head.result.ok && head.result.response.status === 200) {
        const verdict = fromHead(head.result.response.headers, head.result.latencyMs, counter.n, inUrl);
        if (verdict.final && (verdict.final.outcome !== 'found' || !endpoint.verifyBody))
          return verdict.final;
        if (verdict.digest)
          expected.push({ digest: verdict.digest, what: 'Docker-Content-Digest of the HEAD' });
        headLatency = head.result.latencyMs;
      } else if (!(head.result.ok && [400, 405, 501].includes(head.result.response.status))) {
        return toProbe(head.result, counter.n, head.authMessage);
      }
      // Also the fallback for registries that refuse HEAD (containerd retries a 405 with GET).
      const get = await authed('GET', url, accept, repository, endpoint, counter);
      const probe = toProbe(get.result, counter.n, get.authMessage, expected);
      // The latency shown is the HEAD's, the request the runtime's resolver waits for.
      return headLatency === undefined ? probe : { ...probe, latencyMs: headLatency };
    },
  };
}

function readToken(res: HttpResponse): string | undefined {
  try {
    const json = JSON.parse(Buffer.from(res.body).toString('utf8')) as {
      token?: unknown;
      access_token?: unknown;
    };
    const t = json.token ?? json.access_token;
    return typeof t === 'string' && t !== '' ? t : undefined;
  } catch {
    return undefined;
  }
}

function basicHeader(cred: Credential | undefined): Record<string, string> {
  if (cred?.kind !== 'basic') return {};
  return { authorization: `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}` };
}

function flatten(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}
