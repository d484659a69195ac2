// A tiny HTTP server on loopback that answers every path and method with one fixed 200: what a
// web server, a login portal or a misconfigured proxy in front of a "mirror" URL looks like. Each
// kind is one way a 200 is not the image manifest the runtime asked for.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type CatchAllKind = 'html' | 'config-json' | 'wrong-digest' | 'manifest';

export interface CatchAll {
  /** `http://127.0.0.1:PORT` */
  url: string;
  host: string;
  /** Method and path of every request, in order. */
  requests: string[];
  stop(): Promise<void>;
}

const digestOf = (body: string) => `sha256:${createHash('sha256').update(body).digest('hex')}`;

/** A well-formed OCI manifest (its blobs need not exist: only the manifest is probed). */
export const MANIFEST_BODY = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    digest: `sha256:${'c'.repeat(64)}`,
    size: 2,
  },
  layers: [],
});
export const MANIFEST_DIGEST = digestOf(MANIFEST_BODY);
export const WRONG_DIGEST = `sha256:${'0'.repeat(64)}`;

function reply(kind: CatchAllKind): { headers: Record<string, string>; body: string } {
  switch (kind) {
    case 'html': {
      const body = '<!doctype html><html><body><h1>Welcome</h1></body></html>\n';
      return { headers: { 'content-type': 'text/html; charset=utf-8' }, body };
    }
    case 'config-json': {
      // JSON, with a correct digest, but an image config: not a manifest media type.
      const body = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers' } });
      return {
        headers: {
          'content-type': 'application/vnd.oci.image.config.v1+json',
          'docker-content-digest': digestOf(body),
        },
        body,
      };
    }
    case 'wrong-digest':
      return {
        headers: {
          'content-type': 'application/vnd.oci.image.manifest.v1+json',
          'docker-content-digest': WRONG_DIGEST,
        },
        body: MANIFEST_BODY,
      };
    case 'manifest':
      return {
        headers: {
          'content-type': 'application/vnd.oci.image.manifest.v1+json',
          'docker-content-digest': MANIFEST_DIGEST,
        },
        body: MANIFEST_BODY,
      };
  }
}

export async function startCatchAll(kind: CatchAllKind): Promise<CatchAll> {
  const requests: string[] = [];
  const { headers, body } = reply(kind);
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    // Node sends no body for HEAD, but the headers (length included) as for GET.
    res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
