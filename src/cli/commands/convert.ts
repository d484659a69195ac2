// `mirrorctl convert --from FORMAT --to FORMAT FILE`: between the spec and the formats operators
// already hold. Diagnostics (stderr) say exactly what the conversion lost; the result goes to
// stdout or --output.
import { FORMAT_NAMES } from '../../foreign/format-names.js';
import type { CommandDef } from '../command.js';
import { lazyRun } from '../lazy-run.js';

export const convertCommand: CommandDef = {
  name: 'convert',
  summary: 'convert mirror rules between the spec and IDMS/ITMS/ICSP, registries.yaml, Talos, Docker …',
  description: `Reads FILE as --from and writes it as --to on stdout (or --output). Formats: ${FORMAT_NAMES.join(', ')}.
Every conversion goes through the spec, so the output is exactly what mirrorctl would render; whatever
the target format cannot hold is reported as a diagnostic on stderr naming the field and what was lost.
Exit 0 converted (warnings describe approximations), 2 invalid input or entries left out.`,
  args: [{ name: 'file', description: 'input file', required: true }],
  options: [
    { flags: '--from <format>', description: 'format of FILE', choices: FORMAT_NAMES, default: 'spec' },
    { flags: '--to <format>', description: 'format to write', choices: FORMAT_NAMES },
    {
      flags: '--name <name>',
      description:
        "name of the result (spec metadata.name; IDMS/ITMS/ICSP objects exactly this); default: the input's own name (a spec's, or the IDMS/ITMS/ICSP objects'), else imported",
    },
    {
      flags: '--talos-version <version>',
      description:
        'Talos version of the nodes for --to talos (1.11, or a node\'s osImage "Talos (v1.11.2)"): before 1.12 the machine.registries patch, else RegistryMirrorConfig documents (the default)',
    },
    { flags: '-o, --output <file>', description: 'write the result here instead of stdout' },
    {
      flags: '--auth-out <file>',
      description:
        'write credentials found in FILE (configs.auth, RegistryAuthConfig, credentials) to this auth.json (0600) and name it in the spec; without it they are left out',
    },
  ],
  examples: [
    'mirrorctl convert --to openshift mirrors.yaml > mirrors-openshift.yaml',
    'mirrorctl convert --from idms --to spec idms.yaml > mirrors.yaml',
    'mirrorctl convert --from k3s --to talos /etc/rancher/k3s/registries.yaml',
    'mirrorctl convert --to talos --talos-version 1.11 mirrors.yaml   # machine.registries for Talos < 1.12',
  ],
  run: lazyRun(
    () => import('./convert-run.js'),
    (m) => m.runConvert,
  ),
};
