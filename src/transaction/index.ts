// The node agent's public surface: what the apply/plan commands and the DaemonSet agent call.
export { applyPlan } from './apply.js';
export { expectedFiles, lastApply, ownedPaths } from './history.js';
export { rollbackLast } from './rollback.js';
export { commandRuntimeControl, controlArgv, runsInPod } from './runtime-control.js';
export { recoverHost } from './session.js';
export {
  type AgentState,
  agentStateSchema,
  DEFAULT_STATE_DIR,
  readJsonDoc,
  statePaths,
} from './state-files.js';
export { type FileDrift, isInSync, type NodeStatus, nodeStatus } from './status.js';
export * from './types.js';
export { type UninstallOptions, uninstallAll } from './uninstall.js';
