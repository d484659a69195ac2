// Is a 200 answer really an image manifest? Media types the runtimes pull, the digest of a body
// (schema 1 signatures stripped, as distribution computes it), and one verdict per response, so a
// catch-all web page, a JSON document of another type or a body that is not what its digest header
// says is never reported as "found".
import { createHash } from 'node:crypto';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
export const SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';

/** What every runtime here pulls (containerd images/mediatypes.go, c/image manifest.go). */
const IMAGE_TYPES = new Set([OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST]);
/** Docker schema 1: c/image (CRI-O, Podman), dockerd and containerd 1.x pull it; containerd 2.0+
 *  refuses it ("no longer supported since containerd v2.0", core/remotes/docker/resolver.go). */
const SCHEMA1_TYPES = new Set([SCHEMA1_SIGNED, SCHEMA1]);
/** Types the runtimes read as schema 1 when the body is one: containerd maps `text/plain` to
 *  schema 1 (getManifestMediaType, for registry.access.redhat.com), c/image maps `application/json`
 *  (NormalizedMIMEType). Anything else is not a manifest. */
const MAYBE_SCHEMA1 = new Set(['text/plain', 'application/json']);

/** containerd's MaxManifestSize is 4·1048·1048 bytes and c/image's MaxManifestBodySize 4 MiB:
 *  the smaller one is what every runtime accepts. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export const isSchema1 = (mediaType: string | undefined): boolean =>
  mediaType !== undefined && SCHEMA1_TYPES.has(mediaType);

/** `application/json; charset=utf-8` → `application/json` (manifests are ASCII JSON). */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** A header's media type is decided without the body (an image type or schema 1), needs the body
 *  (`text/plain`, `application/json`), or is not a manifest at all (`text/html`, a config, none). */
export function headerVerdict(contentType: string | undefined): 'manifest' | 'needs-body' | 'not-manifest' {
  const t = mediaTypeOf(contentType);
  if (IMAGE_TYPES.has(t) || SCHEMA1_TYPES.has(t)) return 'manifest';
  return MAYBE_SCHEMA1.has(t) ? 'needs-body' : 'not-manifest';
}

export type BodyVerdict =
  | { ok: true; mediaType: string; digest: string }
  | { ok: false; message: string; tooLarge?: boolean };

/**
 * Judges a 200 GET: the media type must be an image manifest type (or schema 1, also when sent as
 * `text/plain`/`application/json` with a schema 1 body), the body at most 4 MiB, and its digest
 * equal to the `Docker-Content-Digest` header and to every `expected` digest (the HEAD's header,
 * the digest in the URL). `digests` names the expected ones for the message.
 */
export function judgeManifestBody(
  contentType: string | undefined,
  body: Uint8Array,
  expected: Array<{ digest: string; what: string }>,
): BodyVerdict {
  const declared = mediaTypeOf(contentType);
  if (body.length > MAX_MANIFEST_BYTES)
    return {
      ok: false,
      tooLarge: true,
      message: `answered a ${(body.length / 1024 / 1024).toFixed(1)} MiB body: runtimes refuse manifests over 4 MiB`,
    };
  let mediaType = declared;
  if (MAYBE_SCHEMA1.has(declared)) {
    if (schemaVersionOf(body) !== 1) return { ok: false, message: notManifest(contentType) };
    mediaType = hasSignatures(body) ? SCHEMA1_SIGNED : SCHEMA1;
  } else if (!IMAGE_TYPES.has(declared) && !SCHEMA1_TYPES.has(declared))
    return { ok: false, message: notManifest(contentType) };
  for (const { digest, what } of expected) {
    const actual = digestOf(body, digest, mediaType);
    if (actual === undefined)
      return { ok: false, message: `${what} ${digest} uses a digest algorithm the runtimes do not know` };
    if (actual !== digest)
      return { ok: false, message: `answered a body whose digest is ${actual}, not the ${what} ${digest}` };
  }
  const digest = digestOf(body, 'sha256:', mediaType) as string;
  return { ok: true, mediaType, digest };
}

/** The message for a 200 that is not a manifest, naming what it was. */
export function notManifest(contentType: string | undefined): string {
  const t = mediaTypeOf(contentType);
  if (t === '') return 'answered 200 without a Content-Type: not an image manifest';
  const what =
    t === 'text/html'
      ? 'a web page, not a registry (a server or proxy that answers every path?)'
      : 'not an image manifest media type (OCI image index/manifest, Docker manifest list/v2 or schema 1)';
  return `answered 200 with Content-Type ${t}: ${what}`;
}

/** `sha256:<hex>` of the manifest as the runtimes digest it: a signed schema 1 manifest without its
 *  signatures (libtrust ParsePrettySignature: payload = body[:formatLength] + formatTail). The
 *  algorithm is the one `like` names; undefined for an algorithm the runtimes do not support. */
export function digestOf(body: Uint8Array, like: string, mediaType?: string): string | undefined {
  const alg = like.slice(0, like.indexOf(':'));
  if (!['sha256', 'sha384', 'sha512'].includes(alg)) return undefined;
  const content = mediaType === SCHEMA1_SIGNED ? (schema1Payload(body) ?? body) : body;
  return `${alg}:${createHash(alg).update(content).digest('hex')}`;
}

/** A digest in a manifest URL (`…/manifests/sha256:…`), which the body must match. */
export function digestInUrl(url: string): string | undefined {
  const path = url.split('?')[0] ?? '';
  const ref = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  return /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(ref) ? ref : undefined;
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function schemaVersionOf(body: Uint8Array): number | undefined {
  const json = parseJson(body);
  return isObject(json) && typeof json.schemaVersion === 'number' ? json.schemaVersion : undefined;
}

function hasSignatures(body: Uint8Array): boolean {
  const json = parseJson(body);
  return isObject(json) && json.signatures !== undefined;
}

/** The signed payload of a pretty-printed JWS (libtrust jsonsign.go), or undefined if malformed. */
function schema1Payload(body: Uint8Array): Uint8Array | undefined {
  const json = parseJson(body);
  if (!isObject(json) || !Array.isArray(json.signatures) || json.signatures.length === 0) return undefined;
  let length: number | undefined;
  let tail: Buffer | undefined;
  for (const sig of json.signatures) {
    if (!isObject(sig) || typeof sig.protected !== 'string') return undefined;
    const header = parseJson(Buffer.from(sig.protected, 'base64url'));
    if (!isObject(header) || typeof header.formatLength !== 'number' || typeof header.formatTail !== 'string')
      return undefined;
    const t = Buffer.from(header.formatTail, 'base64url');
    // Every signature must sign the same payload.
    if (length !== undefined && (length !== header.formatLength || !tail?.equals(t))) return undefined;
    length = header.formatLength;
    tail = t;
  }
  if (length === undefined || tail === undefined || length > body.length) return undefined;
  return Buffer.concat([Buffer.from(body.subarray(0, length)), tail]);
}
