// Library API: the pure core only (spec, formats, render, plan, foreign). host/, transaction/, planner/,
// cluster/ and cli/ are not exported: they touch a disk, a node or the Kubernetes API.

export * from './diagnostics.js';
export { specToBottlerocket } from './foreign/bottlerocket.js';
// Distribution-native targets and format conversion (issue 6).
export { FORMAT_NAMES, FORMATS, type Format, formatNamed } from './foreign/convert-table.js';
export { specToK3s } from './foreign/k3s.js';
export { rancherDesiredState, rancherService } from './foreign/k3s-node.js';
export {
  type K3sRegistries,
  patchRegistriesYaml,
  type RancherFlavor,
  registriesYamlPath,
} from './foreign/k3s-registries-yaml.js';
export { imageConfigPatch, type OpenShiftOutput, specToOpenShift } from './foreign/openshift.js';
export { DISTRO_TARGETS, renderDistro } from './foreign/render-distro.js';
export { docToSpec, docToYaml, type SpecDoc, specToDoc } from './foreign/spec-doc.js';
export { specToTalos } from './foreign/talos.js';
export { analyzeContainerdConfig, type ContainerdConfigAnalysis } from './formats/containerd-config.js';
export { checkHostsToml } from './formats/containerd-hosts-check.js';
export { type ContainerdGates, containerdGates } from './formats/containerd-versions.js';
export * from './plan/types.js';
export { type ConfigPathOptions, type ConfigPathPlan, planConfigPath } from './render/containerd-config.js';
export { renderContainerdHosts } from './render/containerd-hosts.js';
export { type LegacyRenderResult, renderContainerdLegacy } from './render/containerd-legacy.js';
export { legacyToHostsFiles } from './render/containerd-legacy-migrate.js';
export { specHash } from './spec/hash.js';
export { buildMirrorSetJsonSchema } from './spec/json-schema.js';
export { type LoadedSpec, loadSpec, type ReadText } from './spec/load.js';
export { DOCKER_HUB_ALIASES } from './spec/normalize.js';
export * from './spec/types.js';
export { type SpecResult, validateSpec } from './spec/validate.js';
export { parseToml } from './toml/parse.js';
export { patchToml } from './toml/patch.js';
