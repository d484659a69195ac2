// The names of convert's formats and of the distributions `render --target` writes for, as plain
// constants: the CLI's flags and help text need them without loading the converters (and with them
// yaml and the TOML parsers). convert-table.ts and render-distro.ts build on these lists.
export const FORMAT_NAMES = [
  'spec',
  'openshift',
  'idms',
  'itms',
  'icsp',
  'k3s',
  'rke2',
  'talos',
  'bottlerocket',
  'docker',
] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export const DISTRO_TARGETS = ['k3s', 'rke2', 'openshift', 'talos', 'bottlerocket'] as const;
