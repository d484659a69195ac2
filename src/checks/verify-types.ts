// The verify report: one line per check, each with its evidence. Printed as text or JSON.
import type { Target } from '../spec/types.js';

export const VERIFY_API_VERSION = 'mirrorctl/verify-v1';

export interface VerifyCheck {
  /** `applied`, `files`, `spec`, `cri`, `config-path`, `mirror:<image>`, `pull:<image>`,
   *  `evidence:<image>`. */
  id: string;
  ok: boolean;
  /** false = informational (not run, nothing to compare, or evidence without --strict): never
   *  fails the report. */
  counted: boolean;
  detail: string;
  latencyMs?: number;
  /** `evidence:<image>` only: the facts that tie (or fail to tie) the pull to a mirror. */
  evidence?: PullEvidence;
}

/** What verify saw about one pull; `tied` is the verdict --strict enforces (docs/design.md#verify). */
export interface PullEvidence {
  tied: boolean;
  /** The mirror that answers first in the runtime's order, and the manifest digest it serves. */
  mirror?: { url: string; digest: string };
  /** CRI PullImage's image ref and ImageStatus's repo digests (`sha256:…`) for this image. */
  pulled?: { imageRef: string; repoDigests: string[] };
  /** The runtime's order for this image has no source endpoint (e.g. fallback: false). */
  mirrorOnly: boolean;
  /** Each source endpoint of the runtime's order, probed from this node. */
  sources: Array<{ url: string; outcome: string; digest?: string; message?: string }>;
}

export interface VerifyReport {
  apiVersion: typeof VERIFY_API_VERSION;
  kind: 'VerifyReport';
  target?: Target;
  /** --strict: each pull must be tied to a mirror by the evidence. */
  strict: boolean;
  checks: VerifyCheck[];
  ok: boolean;
}
