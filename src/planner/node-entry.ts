// The node entry points' contract: what the agent pod (src/cluster/agent-loop.ts) and the node verbs
// hand to reconcileNode / uninstallNode (src/planner/reconcile.ts), what they get back, and what the
// composition root (src/cli/node-host.ts) supplies: the node's Host and the transaction's runtime ports.
import type { Diagnostic } from '../diagnostics.js';
import type { Host, Runner } from '../host/ports.js';
import type { Target } from '../spec/types.js';
import type { TxOptions } from '../transaction/types.js';

/** One reconcile of a node. The agent receives the entry point as a parameter, so the cluster layer
 *  does not depend on the node internals. With dryRun, `status` is 'applied' when changes are
 *  pending and `action` is the action applying would take. */
export interface ReconcileInput {
  specText: string;
  specFile: string;
  root: string;
  runtime?: 'auto' | Target;
  restartCommand?: string;
  reloadCommand?: string;
  criEndpoint?: string;
  healthTimeoutMs: number;
  dryRun: boolean;
  /** Reads a TLS file the spec names (null = missing); without it only the spec itself is readable. */
  readFile?: (path: string) => Promise<string | null>;
  host?: Host;
}

export interface NodeResult {
  status: 'applied' | 'unchanged' | 'rolled-back' | 'failed' | 'invalid';
  specHash?: string;
  action: 'none' | 'reload' | 'restart';
  exitCode: number;
  message: string;
  diagnostics: Diagnostic[];
}

export type ReconcileNode = (input: ReconcileInput) => Promise<NodeResult>;

/** Restores every file mirrorctl wrote on the node (node-level `uninstall`). */
export interface UninstallInput {
  root: string;
  restartCommand?: string;
  reloadCommand?: string;
  criEndpoint?: string;
  healthTimeoutMs: number;
  /** Report whether anything would be restored (status 'applied') or not ('unchanged'), change nothing. */
  dryRun?: boolean;
  host?: Host;
}
export type UninstallNode = (input: UninstallInput) => Promise<NodeResult>;

/** How a transaction may act on the runtime: the operator's flags and what detection found. */
export interface ControlInput {
  root: string;
  restartCommand?: string;
  reloadCommand?: string;
  /** unix:///run/containerd/containerd.sock; default: the runtime's socket under root. */
  criEndpoint?: string;
  /** Node path of the detected CRI socket. */
  detectedSocket?: string;
  healthTimeoutMs: number;
  env: Record<string, string | undefined>;
  stateDir?: string;
  /** Write files but leave the restart/reload to the operator (maintenance window, demo roots). */
  deferAction?: boolean;
}

/** Builds the transaction's runtime ports (control, health, process probe): src/cli/runtime-wiring.ts. */
export type TxWiring = (run: Runner, input: ControlInput) => TxOptions;

/** The real adapters the entry points run on, built by the composition root. */
export interface NodeWiring {
  /** The Host of the node mounted at `root`. */
  host: (root: string) => Host;
  txOptions: TxWiring;
}
