// Library API: the pure core only (spec, render, plan). host/, agent/, cluster/ are not exported.
export * from './diagnostics.js';
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
