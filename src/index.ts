// Library API: the pure core only (spec, render, plan). host/, agent/, cluster/ are not exported.

// Distribution-native targets and format conversion (issue 6).
export { FORMAT_NAMES, FORMATS, type Format, formatNamed } from './convert/formats.js';
export { importFromNode, type NodeImport } from './convert/from-node.js';
export { docToSpec, docToYaml, type SpecDoc, specToDoc } from './convert/spec-doc.js';
export * from './diagnostics.js';
export { specToBottlerocket } from './distro/bottlerocket.js';
export { type K3sRegistries, type RancherFlavor, specToK3s } from './distro/k3s-model.js';
export { rancherDesiredState, rancherService, registriesYamlPath } from './distro/k3s-node.js';
export { patchRegistriesYaml } from './distro/k3s-registries-yaml.js';
export { imageConfigPatch, type OpenShiftOutput, specToOpenShift } from './distro/openshift.js';
export { applyOpenShift, isOpenShiftCluster } from './distro/openshift-apply.js';
export { DISTRO_TARGETS, renderDistro } from './distro/render-distro.js';
export { specToTalos } from './distro/talos.js';
export * from './plan/types.js';
export {
  analyzeContainerdConfig,
  type ConfigPathOptions,
  type ConfigPathPlan,
  type ContainerdConfigAnalysis,
  legacyToHostsFiles,
  planConfigPath,
} from './render/containerd-config.js';
export { renderContainerdHosts } from './render/containerd-hosts.js';
export { checkHostsToml } from './render/containerd-hosts-check.js';
export { type LegacyRenderResult, renderContainerdLegacy } from './render/containerd-legacy.js';
export { type ContainerdGates, containerdGates } from './render/versions.js';
export { specHash } from './spec/hash.js';
export { buildMirrorSetJsonSchema } from './spec/json-schema.js';
export { type LoadedSpec, loadSpec, type ReadText } from './spec/load.js';
export { DOCKER_HUB_ALIASES } from './spec/normalize.js';
export * from './spec/types.js';
export { type SpecResult, validateSpec } from './spec/validate.js';
export { parseToml } from './toml/parse.js';
export { patchToml } from './toml/patch.js';
