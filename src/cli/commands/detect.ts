// `mirrorctl detect`: which runtime this node (or --root tree) runs, the target mirrorctl would use,
// the distribution that owns the files and the registry settings already there — with reasons.
// `--from-kubectl FILE` does the same per node from saved `kubectl get nodes -o wide|json` output.
import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';

export const detectCommand: CommandDef = {
  name: 'detect',
  summary: 'detect the container runtime, its version and the target mirrorctl would use',
  description: `Reads the node's files under --root (sockets, config.toml, registries.conf, daemon.json,
os-release) and runs the runtimes' --version commands, then prints the runtime, version, target,
owning distribution (k3s, RKE2, OpenShift, Talos, Bottlerocket, kind) and the reason for each decision.
Version commands run only against this machine (--root /), through nsenter with --nsenter, or with an
explicit --containerd-bin/--crio-bin/--dockerd-bin.
Exit codes: 0 detected, 1 no supported runtime found, 2 invalid input.`,
  options: [
    { flags: '--root <dir>', description: 'directory standing for the node filesystem', default: '/' },
    {
      flags: '-o, --output <format>',
      description: 'output format',
      choices: ['text', 'json'],
      default: 'text',
    },
    {
      flags: '--from-kubectl <file>',
      description: 'saved `kubectl get nodes -o wide` or `-o json` output: one row per node instead',
    },
    {
      flags: '--kubelet-runtime <name://version>',
      description: "kubelet's containerRuntimeVersion for this node (outranks binaries)",
    },
    { flags: '--containerd-bin <path>', description: 'containerd binary to ask for its version' },
    { flags: '--crio-bin <path>', description: 'crio binary to ask for its version' },
    { flags: '--dockerd-bin <path>', description: 'dockerd binary to ask for its version' },
    {
      flags: '--nsenter',
      description: "run version commands in PID 1's namespaces (agent pod with hostPID)",
    },
    {
      flags: '--commands <file>',
      description: 'replay recorded command outputs (commands.json) instead of running them',
      hidden: true,
    },
  ],
  examples: [
    'mirrorctl detect',
    'mirrorctl detect --root /host --nsenter -o json',
    'kubectl get nodes -o wide > nodes.txt && mirrorctl detect --from-kubectl nodes.txt',
  ],
  run: lazyRun(
    () => import('./detect-run.js'),
    (m) => m.runDetect,
  ),
};
