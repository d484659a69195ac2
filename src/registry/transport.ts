// The registry client's only door to the network: one HTTP exchange, no redirects, no retries
// (the client decides those). node-transport.ts implements it; tests may pass their own.

export interface TlsOptions {
  /** PEM bundle trusted instead of the system CAs (spec `tls.caFile` contents). */
  caPem?: string;
  /** Client certificate and key (PEM) for mutual TLS. */
  certPem?: string;
  keyPem?: string;
  insecureSkipVerify?: boolean;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  headers: Record<string, string | string[]>;
  body?: string;
  tls?: TlsOptions;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  /** Lowercased names; repeated headers joined with ", " (Node's rule). */
  headers: Record<string, string>;
  /** Empty for HEAD. Truncated at the transport's limit (manifests are small). */
  body: Uint8Array;
}

export type FailureKind = 'connect' | 'dns' | 'tls' | 'timeout' | 'protocol';

export type HttpResult =
  | { ok: true; response: HttpResponse; latencyMs: number }
  | { ok: false; failure: FailureKind; message: string; latencyMs: number };

export type HttpTransport = (request: HttpRequest) => Promise<HttpResult>;
