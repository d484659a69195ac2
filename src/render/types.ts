// Contract shared by every renderer: pure functions (spec, context) → files + diagnostics.
import type { Diagnostic } from '../diagnostics.js';
import type { NodePaths } from '../formats/node-paths.js';
import type { SpecAssets, Target } from '../spec/types.js';

export interface RenderContext {
  target: Target;
  /** Runtime version as detected (`1.6.20`, `2.1.9`, `1.25.4`, `20.10.24`); undefined = assume the
   *  oldest version the target supports and emit no version-gated keys. */
  runtimeVersion?: string;
  /** Contents of files the spec references (tls.caFile/certFile/keyFile), keyed by spec path. */
  assets: SpecAssets;
  /** Node paths; defaults in formats/node-paths.ts (DEFAULT_PATHS). */
  paths: NodePaths;
}

/** A whole file mirrorctl owns (carries the managed header where the format has comments). */
export interface RenderedFile {
  /** Absolute node path. */
  path: string;
  content: string;
  mode: number;
  /** Holds a private key or header values: redacted in plans, diffs and logs; written 0600. */
  secret?: boolean;
}

export interface RenderResult {
  files: RenderedFile[];
  diagnostics: Diagnostic[];
}
