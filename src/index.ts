// Library API: the pure core only (spec, render, plan). host/, agent/, cluster/ are not exported.
export * from './diagnostics.js';
export * from './plan/types.js';
export * from './spec/types.js';
