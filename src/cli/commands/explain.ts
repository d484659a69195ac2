// `mirrorctl explain IMAGE... -f SPEC`: for each target, the exact ordered requests the runtime will
// make for the image, resolved from the files mirrorctl would write (hosts.toml, registries.conf
// drop-in, daemon.json, legacy config.toml) with that runtime's own rules. Proof of intent, no I/O
// beyond reading the spec (and --containerd-config).
import { TARGETS } from '../../spec/types.js';
import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';

export const explainCommand: CommandDef = {
  name: 'explain',
  summary: 'show the exact requests each runtime makes for an image under the spec',
  description: `Renders the spec for each target and resolves IMAGE against those files with the runtime's
own rules: containerd (hosts.toml [host] order, server last, /v2 and override_path, ?ns=, capabilities:
a tag needs resolve, a digest only pull), containerd legacy mirrors (endpoint path verbatim), CRI-O /
Podman (longest prefix, location rewrite, mirror-by-digest-only / pull-from-mirror, blocked) and Docker
(registry-mirrors for Docker Hub only, then registry-1.docker.io). Entries a target cannot express are
listed as errors under that target; the table shows what the runtime would really do.
Exit codes: 0 explained, 2 invalid input (spec, image reference or flags).`,
  args: [
    {
      name: 'image',
      description: 'image reference(s): nginx, icr.io/cpopen/x:1.0, …@sha256:…',
      required: true,
      variadic: true,
    },
  ],
  options: [
    { flags: '-f, --file <spec>', description: 'mirror spec (mirrors.yaml or .json)' },
    { flags: '--target <target>', description: 'only this target (default: all)', choices: TARGETS },
    {
      flags: '--runtime-version <version>',
      description: 'runtime version of the target (version-gated behaviour); needs --target',
    },
    {
      flags: '--containerd-config <file>',
      description: "the node's config.toml, for the containerd-legacy target (default: none)",
    },
    {
      flags: '-o, --output <format>',
      description: 'output format',
      choices: ['text', 'json'],
      default: 'text',
    },
  ],
  examples: [
    'mirrorctl explain icr.io/cpopen/ibm-operator-catalog:latest -f mirrors.yaml',
    'mirrorctl explain nginx@sha256:<digest> -f mirrors.yaml --target containerd --runtime-version 1.6.20',
    'mirrorctl explain quay.io/org/app:1.0 -f mirrors.yaml -o json',
  ],
  run: lazyRun(
    () => import('./explain-run.js'),
    (m) => m.runExplain,
  ),
};
