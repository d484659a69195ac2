// `mirrorctl apply`: plan, then one transaction on the node (lock, backups, atomic writes, runtime
// action only when needed, health check, automatic rollback).
import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';
import { PLAN_OPTIONS, RUNTIME_CONTROL_OPTIONS } from '../node-options.js';

export const applyCommand: CommandDef = {
  name: 'apply',
  summary: 'apply a spec to this node: atomic, backed up, restart only when needed, verified, reversible',
  description: `Computes the same plan as \`mirrorctl plan\`, then applies it as one transaction: a lock (one
apply at a time), backups and "absent" stamps in /var/lib/mirrorctl, atomic writes (cert files before the
hosts.toml naming them), a journal so an interrupted apply is finished or undone by the next run, and the
runtime action the plan needs — nothing for hosts.toml, a reload for CRI-O/dockerd, a restart for
containerd's config.toml. After a restart or reload the runtime must answer on its CRI socket (dockerd:
/_ping) within --health-timeout, or every file is restored and the runtime restarted again.
Exit 0 applied or unchanged, 2 invalid input, 3 failed but restored, 4 rollback failed, 5 conflict.`,
  options: [
    ...PLAN_OPTIONS,
    { flags: '--dry-run', description: 'show the plan, change nothing' },
    {
      flags: '--plan <file>',
      description:
        'apply a plan saved with `plan -o json` (instead of -f); refused if any file changed since',
    },
    ...RUNTIME_CONTROL_OPTIONS,
    {
      flags: '-o, --output <format>',
      description: 'output format',
      choices: ['text', 'json'],
      default: 'text',
    },
  ],
  examples: [
    'mirrorctl apply -f mirrors.yaml',
    'mirrorctl apply -f mirrors.yaml --dry-run',
    "mirrorctl apply -f mirrors.yaml --restart-command 'kill -TERM $(cat /run/containerd.pid)'",
  ],
  run: lazyRun(
    () => import('./apply-run.js'),
    (m) => m.runApply,
  ),
};
