// HttpTransport over node:http/https: per-request TLS trust (CA bundle, skip-verify, client
// cert), a hard timeout, and failures classified as values instead of thrown errors.
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { FailureKind, HttpRequest, HttpResult, HttpTransport } from '../registry/transport.js';

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export const nodeTransport: HttpTransport = (req: HttpRequest) =>
  new Promise<HttpResult>((resolve) => {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      resolve({ ok: false, failure: 'protocol', message: `invalid URL ${req.url}`, latencyMs: 0 });
      return;
    }
    const isHttps = url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: req.method,
      headers: req.headers,
      // A fresh connection per request: latency includes the handshake, and no socket outlives a probe.
      agent: false,
    };
    if (isHttps) {
      if (req.tls?.caPem) options.ca = req.tls.caPem;
      if (req.tls?.certPem) options.cert = req.tls.certPem;
      if (req.tls?.keyPem) options.key = req.tls.keyPem;
      options.rejectUnauthorized = req.tls?.insecureSkipVerify !== true;
    }
    const request = (isHttps ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        }
        resolve({
          ok: true,
          response: { status: res.statusCode ?? 0, headers, body: new Uint8Array(Buffer.concat(chunks)) },
          latencyMs: elapsed(),
        });
      });
      res.on('error', (err) => resolve(failed(err, elapsed())));
    });
    // A hard deadline for the whole exchange (DNS, connect, TLS, headers, body): the socket's idle
    // timeout alone never fires for a server that trickles bytes.
    const deadline = setTimeout(() => {
      request.destroy(
        Object.assign(new Error(`no response within ${req.timeoutMs} ms`), { code: 'ETIMEDOUT' }),
      );
    }, req.timeoutMs);
    request.on('close', () => clearTimeout(deadline));
    request.on('error', (err) => resolve(failed(err, elapsed())));
    request.end(req.body);
  });

function failed(err: Error, latencyMs: number): HttpResult {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return {
    ok: false,
    failure: classify(code, err.message),
    message: code ? `${code}: ${readable(err.message)}` : readable(err.message),
    latencyMs,
  };
}

/** OpenSSL errors carry a thread address and source path; keep the reason (`wrong version number`). */
export function readable(message: string): string {
  const ssl = /SSL routines:[^:]*:([^:]+)/.exec(message);
  return ssl?.[1] ?? message;
}

/** Why a request failed, from Node's error codes (net, dns, tls, llhttp). */
export function classify(code: string, message: string): FailureKind {
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code.startsWith('CERT_') ||
    code.includes('SELF_SIGNED') ||
    code.startsWith('UNABLE_TO_') ||
    code === 'EPROTO' ||
    /ssl|tls|certificate/i.test(message)
  )
    return 'tls';
  if (code.startsWith('HPE_')) return 'protocol';
  return 'connect';
}
