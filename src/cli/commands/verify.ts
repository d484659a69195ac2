// `mirrorctl verify`: the operator's proof on a node — config in force, mirrors answering for the
// images the way the runtime will ask, a real pull through the runtime's CRI, and the evidence that
// ties each pull to a mirror (enforced by --strict).
import { TARGETS } from '../../spec/types.js';
import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';
import { ROOT_OPTION } from '../node-options.js';

export const verifyCommand: CommandDef = {
  name: 'verify',
  summary:
    "show on a node that mirrorctl's config is in force, the mirrors serve the images, and what ties a pull to a mirror",
  description: `(1) The configuration is in force: the files hold what the last apply wrote (sha256), the
node runs the given spec (-f), and the runtime loaded it (containerd: config_path from CRI Status).
(2) Each mirror serves each --image the way the runtime will request it (same resolution as explain;
manifest HEAD then GET with the mirror's TLS and auth: a 200 counts only as an image manifest whose
body matches its digest), with latency. (3) The image is pulled through the runtime's CRI (PullImage,
what kubelet calls), with time. (4) The evidence: the runtime does not say which host served a pull,
so verify says only what it saw — the mirror's manifest digest, the pulled image's repo digest (CRI
ImageStatus), and whether a source endpoint could have served the same digest. With --strict each
pull must be tied to a mirror: same digest, and no source endpoint (fallback: false) or none that
serves that digest from this node. Exit 0 all good, 1 a check failed.`,
  options: [
    {
      flags: '-f, --file <spec>',
      description: 'mirror spec: also check the node runs it and probe its mirrors',
    },
    ROOT_OPTION,
    { flags: '--image <ref>', description: 'image to probe and pull (repeatable)', repeatable: true },
    {
      flags: '--cri-endpoint <url>',
      description: 'CRI socket (default: the detected runtime socket under --root)',
    },
    {
      flags: '--runtime <target>',
      description: 'target whose request order to probe',
      choices: ['auto', ...TARGETS],
      default: 'auto',
    },
    { flags: '--runtime-version <v>', description: 'runtime version (default: detected)' },
    { flags: '--no-pull', description: 'probe the mirrors but do not pull through the runtime' },
    {
      flags: '--strict',
      description:
        "fail unless each pull is tied to a mirror (its digest is the mirror's and no source endpoint could have served it); needs -f and --image",
    },
    { flags: '--auth-file <file>', description: 'docker config.json with mirror credentials for the probes' },
    {
      flags: '-o, --output <format>',
      description: 'output format',
      choices: ['text', 'json'],
      default: 'text',
    },
  ],
  examples: [
    'mirrorctl verify --image icr.io/cpopen/ibm-operator-catalog:latest',
    'mirrorctl verify -f mirrors.yaml --image docker.io/library/busybox:1.36 -o json',
    'mirrorctl verify -f mirrors.yaml --image icr.io/cpopen/ibm-operator-catalog:latest --strict',
  ],
  run: lazyRun(
    () => import('./verify-run.js'),
    (m) => m.runVerify,
  ),
};
