// The flags of the node-level transaction verbs (rollback, uninstall, status) as plain data: their
// command modules build --help from these without loading the transaction code (node-tx-options.ts).
import type { OptionDef } from '../command.js';
import { NODE_OPTIONS, ROOT_OPTION, RUNTIME_CONTROL_OPTIONS, STATE_DIR_OPTION } from '../node-options.js';

export { NODE_OPTIONS, ROOT_OPTION, STATE_DIR_OPTION };

export const OUTPUT_OPTION: OptionDef = {
  flags: '-o, --output <format>',
  description: 'output format',
  choices: ['text', 'json', 'yaml'],
  default: 'text',
};

/** The runtime-control flags apply takes too, and --force (rollback/uninstall only). */
export const CONTROL_OPTIONS: OptionDef[] = [
  ...RUNTIME_CONTROL_OPTIONS,
  { flags: '--force', description: 'restore even files changed since mirrorctl wrote them' },
];

/**
 * `--cluster` and the flags the cluster path reads (kept here rather than imported from the cluster
 * command modules, so this table loads without them; names match kube-options.ts/cluster-follow.ts).
 */
export const CLUSTER_OPTIONS: OptionDef[] = [
  { flags: '--cluster', description: "act on the cluster's MirrorSet through the controller" },
  { flags: '--kubeconfig <file>', description: 'kubeconfig file (with --cluster)' },
  { flags: '--context <name>', description: 'kubeconfig context (with --cluster)' },
  { flags: '--name <mirrorset>', description: 'the MirrorSet (with --cluster; default: the only one)' },
  { flags: '--timeout <duration>', description: 'how long to follow (with --cluster)', default: '10m' },
  { flags: '--no-wait', description: 'return once the change is written (with --cluster)' },
];

/** rollback --cluster only. */
export const CLUSTER_ROLLBACK_OPTIONS: OptionDef[] = [
  {
    flags: '--to <revision>',
    description: 'the revision to go back to (with --cluster; default: the previous)',
  },
];

/** uninstall --cluster only. */
export const CLUSTER_UNINSTALL_OPTIONS: OptionDef[] = [
  {
    flags: '--all',
    description: 'with --cluster: then remove the install (controller, agents, RBAC, CRDs) too',
  },
];
