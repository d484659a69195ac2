// Test helper: one raw HTTP request to the stand-in, answered as status + parsed JSON, so tests see
// exactly what goes over the wire (Status bodies, codes, headers) without a client in between.
import type { FakeApiServer } from './server.js';
import type { Obj } from './types.js';

/** An object or a Status or a list: tests read the fields they expect. */
export type WireJson = Obj & {
  code?: number;
  reason?: string;
  message?: string;
  status?: unknown;
  spec?: unknown;
  details?: { causes?: Array<{ type?: string; message?: string }>; retryAfterSeconds?: number };
  items?: Obj[];
};

export interface WireAnswer {
  status: number;
  headers: Headers;
  json: WireJson;
  text: string;
}

export async function wire(
  server: FakeApiServer,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<WireAnswer> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: 'Bearer fake-token',
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json = { metadata: { name: '' } } as WireJson;
  try {
    json = JSON.parse(text) as WireJson;
  } catch {
    // a text answer (pod logs); `text` has it
  }
  return { status: res.status, headers: res.headers, json, text };
}
