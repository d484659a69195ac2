// One decision of the agent (pure apart from the injected reconcile/uninstall): given the control
// document and spec the kubelet mounted, and what this agent did last, what to do now. Shared by the
// real agent loop and the cluster simulator in the tests, so both speak the same protocol.
import type { NodeResult, ReconcileNode, UninstallNode } from '../planner/node-entry.js';
import {
  type AgentResult,
  type AgentStatus,
  type Control,
  nodeAllowed,
  RESULT_KIND,
  SUCCEEDED,
} from './agent-protocol.js';
import { specRevision } from './names.js';

export interface TickInput {
  node: string;
  control: Control | undefined;
  specText: string | undefined;
  /** The last result this agent produced (survives container restarts in the result file). */
  last: AgentResult | undefined;
  now: Date;
}

export interface TickDeps {
  reconcile: ReconcileNode;
  uninstall: UninstallNode;
  root: string;
  specFile: string;
  healthTimeoutMs: number;
  restartCommand?: string;
  reloadCommand?: string;
  criEndpoint?: string;
  /** Reads the TLS files mounted beside the spec (ConfigMap/Secret volumes). */
  readFile?: (path: string) => Promise<string | null>;
}

/** Which (revision, mode, restart permission) a result answered: the agent acts once per key. */
export const tickKey = (c: Control, restartAllowed: boolean): string =>
  `${c.revision}/${c.mode}/${restartAllowed ? 'restart' : 'no-restart'}`;

/** revision '*' (the kustomize base, no CLI driving waves): whatever spec is mounted is the one. */
export function effectiveControl(c: Control | undefined, specText: string | undefined): Control | undefined {
  if (!c || specText === undefined) return c;
  return c.revision === '*' ? { ...c, revision: specRevision(specText) } : c;
}

const FINAL_FAILURES: ReadonlySet<AgentStatus> = new Set(['failed', 'rolled-back', 'invalid']);

function toResult(
  input: TickInput,
  c: Control,
  status: AgentStatus,
  r: Pick<NodeResult, 'action' | 'exitCode' | 'message' | 'diagnostics'> & { specHash?: string },
): AgentResult {
  return {
    kind: RESULT_KIND,
    node: input.node,
    revision: c.revision,
    mode: c.mode,
    status,
    action: r.action,
    ...(r.specHash ? { specHash: r.specHash } : {}),
    exitCode: r.exitCode,
    message: r.message,
    ready: SUCCEEDED.has(status) || status === 'pending-restart',
    at: input.now.toISOString(),
    diagnostics: r.diagnostics.map((d) => ({ ...d })),
  };
}

/** Whether this input asks for work: undefined = nothing to do (already answered, not our turn). */
export function pendingKey(input: TickInput): string | undefined {
  const c = effectiveControl(input.control, input.specText);
  if (!c || input.specText === undefined || specRevision(input.specText) !== c.revision) return undefined;
  if (!nodeAllowed(c.allow, input.node)) return undefined;
  const key = tickKey(c, nodeAllowed(c.restart, input.node));
  const last = input.last;
  if (last && last.revision === c.revision && last.mode === c.mode) {
    // Done or failed for this revision: a wider restart permission changes nothing; a failure waits
    // for a new revision (no retry loop restarting the runtime again and again).
    if (SUCCEEDED.has(last.status) || FINAL_FAILURES.has(last.status)) return undefined;
    if (last.status === 'pending-restart' && key === tickKey(c, false)) return undefined;
  }
  return key;
}

export async function runTick(input: TickInput, deps: TickDeps): Promise<AgentResult | undefined> {
  const c = effectiveControl(input.control, input.specText);
  if (!c || pendingKey(input) === undefined || input.specText === undefined) return undefined;
  const common = {
    root: deps.root,
    healthTimeoutMs: deps.healthTimeoutMs,
    ...(deps.restartCommand ? { restartCommand: deps.restartCommand } : {}),
    ...(deps.reloadCommand ? { reloadCommand: deps.reloadCommand } : {}),
    ...(deps.criEndpoint ? { criEndpoint: deps.criEndpoint } : {}),
  };
  const mayRestart = nodeAllowed(c.restart, input.node);
  if (c.mode === 'uninstall') {
    // Restoring may restart the runtime, so it waits for the node's wave like an apply — unless a
    // dry run finds nothing to restore. (The dry run cannot tell a restart from a reload: any
    // restore counts as a restart.)
    if (!mayRestart) {
      const dry = await deps.uninstall({ ...common, dryRun: true });
      if (dry.status !== 'unchanged' && dry.exitCode !== 0) return toResult(input, c, 'failed', dry);
      if (dry.status !== 'unchanged')
        return toResult(input, c, 'pending-restart', {
          ...dry,
          action: 'restart',
          exitCode: 0,
          message: `waiting for a restart wave: ${dry.message}`,
        });
    }
    const r = await deps.uninstall(common);
    return toResult(
      input,
      c,
      r.exitCode === 0 ? 'uninstalled' : r.status === 'rolled-back' ? 'rolled-back' : 'failed',
      r,
    );
  }
  const base = {
    ...common,
    specText: input.specText,
    specFile: deps.specFile,
    runtime: 'auto' as const,
    ...(deps.readFile ? { readFile: deps.readFile } : {}),
  };
  const plan = await deps.reconcile({ ...base, dryRun: true });
  if (plan.status === 'invalid' || plan.status === 'failed') return toResult(input, c, plan.status, plan);
  if (plan.status === 'unchanged') return toResult(input, c, 'unchanged', plan);
  if (plan.action === 'restart' && !mayRestart)
    return toResult(input, c, 'pending-restart', {
      ...plan,
      exitCode: 0,
      message: `waiting for a restart wave: ${plan.message}`,
    });
  const r = await deps.reconcile({ ...base, dryRun: false });
  return toResult(input, c, r.status, r);
}
