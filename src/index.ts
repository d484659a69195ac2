// Library API: the pure core only (spec, render, plan). host/, agent/, cluster/ are not exported.
export * from './diagnostics.js';
export * from './plan/types.js';
export { specHash } from './spec/hash.js';
export { buildMirrorSetJsonSchema } from './spec/json-schema.js';
export { type LoadedSpec, loadSpec, type ReadText } from './spec/load.js';
export { DOCKER_HUB_ALIASES } from './spec/normalize.js';
export * from './spec/types.js';
export { type SpecResult, validateSpec } from './spec/validate.js';
