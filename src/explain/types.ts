// What `explain` reports: the ordered requests a runtime makes for one image, derived from the
// files mirrorctl renders (not from the spec), so the output proves what the files say.
import type { Diagnostic } from '../diagnostics.js';
import type { ImageRef } from '../registry/reference.js';
import type { Target } from '../spec/types.js';

export type RequestRole = 'mirror' | 'source';
/** Which capability lets the host serve this request: tags need `resolve`, digests only `pull`. */
export type RequestCapability = 'resolve' | 'pull';

export interface ExplainRequest {
  /** Exact URL of the manifest request (HEAD for containerd, GET for CRI-O/Docker). */
  url: string;
  role: RequestRole;
  capability: RequestCapability;
  /** Why this request is made (one line), e.g. "hosts.toml [host] #1, override_path". */
  note: string;
  /** The credential it carries, redacted (`Basic <redacted>: user alice (from auth.json), …`). */
  credential?: string;
}

export interface ExplainedImage {
  /** As typed by the user. */
  input: string;
  /** Normalized: `docker.io/library/nginx:latest`, `icr.io/cpopen/x@sha256:…`. */
  reference: string;
  ref: ImageRef;
  /** A pinned digest wins over a tag in every runtime. */
  kind: 'tag' | 'digest';
}

export interface ExplainResult {
  target: Target;
  image: ExplainedImage;
  requests: ExplainRequest[];
  diagnostics: Diagnostic[];
}

export const capabilityFor = (image: ExplainedImage): RequestCapability =>
  image.kind === 'digest' ? 'pull' : 'resolve';

/** The manifest reference requested: the digest when pinned, else the tag. */
export const objectOf = (image: ExplainedImage): string => image.ref.digest ?? image.ref.tag ?? 'latest';
