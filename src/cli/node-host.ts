// The composition root's node wiring: the real Host of a node root (nodeFs + execRunner) and the node
// entry points (src/planner/reconcile.ts) bound to it and to the real runtime ports. The node verbs,
// `mirrorctl agent` and its apply Job run these.
import { execRunner } from '../host/exec-runner.js';
import { nodeFs } from '../host/node-fs.js';
import { type Host, type Logger, silentLogger } from '../host/ports.js';
import type { NodeWiring, ReconcileNode, UninstallNode } from '../planner/node-entry.js';
import * as entry from '../planner/reconcile.js';
import { txOptions } from './runtime-wiring.js';

export function nodeHost(root: string, log: Logger = silentLogger): Host {
  return { fs: nodeFs({ root }), run: execRunner({ defaultTimeoutMs: 120_000 }), log, now: () => new Date() };
}

export const nodeWiring: NodeWiring = { host: (root) => nodeHost(root), txOptions };

export const reconcileNode: ReconcileNode = (input) => entry.reconcileNode(input, nodeWiring);
export const uninstallNode: UninstallNode = (input) => entry.uninstallNode(input, nodeWiring);
