// `mirrorctl preflight`: before cutting a cluster off the internet, check that every image it
// runs can be pulled through the mirrors, per target runtime, with the same request sequence as
// `explain`. Exit 0 all pull, 1 some image would fail, 2 invalid input.
import { TARGETS } from '../../spec/types.js';
import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';

export const preflightCommand: CommandDef = {
  name: 'preflight',
  summary: 'check that every image would pull through the mirrors (air-gap readiness)',
  description: `Collects image references (--images list file, --manifests directory of Kubernetes YAML,
or --cluster: every pod's images and each node's pause image), resolves for each target runtime the
requests the runtime would make (the same code as \`explain\`), and probes them over the OCI distribution
API in that order (manifest HEAD, bearer/basic auth, the mirror's TLS settings). A mirror's manifest is
then fetched with GET and hashed: a 200 counts only with a manifest Content-Type (OCI or Docker) and a
body matching its Docker-Content-Digest; a source is HEADed only (a GET counts against Docker Hub's
pull limit). Per image and target: served by a mirror, by the source only (breaks with fallback:
false), missing, unreachable, or invalid (a 200 that is not the manifest, where the runtime stops).
Targets: --target (e.g. containerd@1.7.13), else the nodes' runtimes with --cluster, else containerd.
Exit codes: 0 every image pulls, 1 some image would fail, 2 invalid input.`,
  options: [
    { flags: '-f, --file <spec>', description: 'mirror spec (mirrors.yaml)' },
    { flags: '--images <file>', description: 'list file: one image reference per line (# comments)' },
    { flags: '--manifests <dir>', description: 'directory of Kubernetes manifests (*.yaml, *.yml, *.json)' },
    { flags: '--cluster', description: 'read pods and nodes from the current kubeconfig context' },
    {
      flags: '--target <target[@version]>',
      description: `runtime target to check, optionally with its version: containerd@1.6.20, crio@1.29.1 (repeatable; ${TARGETS.join(', ')})`,
      repeatable: true,
    },
    { flags: '--concurrency <n>', description: 'images probed at the same time', default: '8' },
    {
      flags: '--auth-file <file>',
      description: 'docker config.json / containers auth.json with registry credentials',
    },
    { flags: '--timeout <seconds>', description: 'per-request timeout', default: '10' },
    {
      flags: '--retries <n>',
      description: 'retries on 429, 5xx and connection errors (with backoff)',
      default: '2',
    },
    { flags: '--kubeconfig <file>', description: 'kubeconfig for --cluster' },
    { flags: '--context <name>', description: 'kubeconfig context for --cluster' },
    {
      flags: '-o, --output <format>',
      description: 'output format',
      choices: ['text', 'json'],
      default: 'text',
    },
  ],
  examples: [
    'mirrorctl preflight -f mirrors.yaml --images images.txt',
    'mirrorctl preflight -f mirrors.yaml --manifests ./k8s --target containerd@1.7.13 --target crio -o json',
    'mirrorctl preflight -f mirrors.yaml --cluster --auth-file ~/.docker/config.json',
  ],
  run: lazyRun(
    () => import('./preflight-run.js'),
    (m) => m.runPreflightCommand,
  ),
};
