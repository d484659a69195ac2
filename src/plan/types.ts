// A plan is data: JSON-serialisable and versioned. `plan -o json` prints it, `apply` consumes it,
// the agent ships it back in its result line. Built by plan/build.ts (pure).
import type { Diagnostic } from '../diagnostics.js';
import type { Target } from '../spec/types.js';

export const PLAN_API_VERSION = 'mirrorctl/plan-v1';

export type RuntimeActionKind = 'none' | 'reload' | 'restart';
/** k3s = the `k3s` server unit, k3s-agent its worker unit; rke2 = `rke2-agent`, rke2-server the server unit. */
export type Service = 'containerd' | 'crio' | 'docker' | 'k3s' | 'k3s-agent' | 'rke2' | 'rke2-server';

export interface RuntimeAction {
  kind: RuntimeActionKind;
  service: Service;
  /** Why, e.g. "config.toml changed: config_path set". */
  reason: string;
}

interface ChangeBase {
  /** Absolute node path. */
  path: string;
  /** Why this change exists (one line, for the plan output). */
  reason: string;
  /** True when the file holds a private key or header values: its whole content is hidden in output. */
  secret?: boolean;
}

export interface CreateFile extends ChangeBase {
  kind: 'create';
  content: string;
  /** Set when output masked secret values in `content` (plan/redact.ts): the real content's sha256. */
  contentSha256?: string;
  mode: number;
  /** mirrorctl owns the file (carries the managed header) and may delete it on uninstall. */
  owned: boolean;
}

export interface UpdateFile extends ChangeBase {
  kind: 'update';
  /** sha256 of the bytes observed when planning; apply refuses if the file changed since. */
  beforeSha256: string;
  before: string;
  content: string;
  /** Set when output masked secret values in `content` (plan/redact.ts): the real content's sha256. */
  contentSha256?: string;
  mode: number;
  owned: boolean;
}

export interface DeleteFile extends ChangeBase {
  kind: 'delete';
  beforeSha256: string;
  before: string;
}

export type FileChange = CreateFile | UpdateFile | DeleteFile;

export interface Plan {
  apiVersion: typeof PLAN_API_VERSION;
  /** sha256 of the canonical normalized spec (see spec/hash.ts). */
  specHash: string;
  specName: string;
  target: Target;
  runtime: { name: string; version?: string; configVersion?: number };
  changes: FileChange[];
  action: RuntimeAction;
  diagnostics: Diagnostic[];
}
