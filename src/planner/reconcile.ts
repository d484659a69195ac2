// reconcileNode: the whole node-level job (plan, then apply unless dry-run) as one value-returning
// call — what `mirrorctl apply` and the DaemonSet agent both run. The real Host and runtime ports
// come in as parameters (src/cli/node-host.ts wires them); nothing here builds an adapter.
import { ExitCode } from '../exit-codes.js';
import { analyzeContainerdConfig } from '../formats/containerd-config.js';
import { DEFAULT_PATHS, type NodePaths } from '../formats/node-paths.js';
import type { Host } from '../host/ports.js';
import { withNothingSelected } from '../plan/selection.js';
import type { Plan } from '../plan/types.js';
import { type ApplyExtras, applyPlan, STALE_AFTER_RECOVERY } from '../transaction/apply.js';
import { recoverHost } from '../transaction/session.js';
import { exitCodeFor, type TxOptions, type TxResult } from '../transaction/types.js';
import { uninstallAll } from '../transaction/uninstall.js';
import type { NodeResult, NodeWiring, ReconcileInput, TxWiring, UninstallInput } from './node-entry.js';
import { type NodePlan, type PlanNodeInput, planNode } from './plan-node.js';

export interface ApplyNodeInput extends Omit<PlanNodeInput, 'readSpec'> {
  root: string;
  readSpec: PlanNodeInput['readSpec'];
  restartCommand?: string;
  reloadCommand?: string;
  criEndpoint?: string;
  healthTimeoutMs: number;
  dryRun: boolean;
  deferAction?: boolean;
  env: Record<string, string | undefined>;
}

export interface ApplyNodeOutcome {
  planned: NodePlan;
  tx?: TxResult;
  exitCode: number;
}

/** The transaction's ports for this apply (the runtime's CRI socket, when one is known). */
function wiredOptions(
  host: Host,
  input: Omit<ApplyNodeInput, keyof PlanNodeInput | 'dryRun'>,
  wire: TxWiring,
  detectedSocket: string | undefined,
): TxOptions {
  return wire(host.run, {
    root: input.root,
    ...(input.restartCommand ? { restartCommand: input.restartCommand } : {}),
    ...(input.reloadCommand ? { reloadCommand: input.reloadCommand } : {}),
    ...(input.criEndpoint ? { criEndpoint: input.criEndpoint } : {}),
    ...(detectedSocket ? { detectedSocket } : {}),
    healthTimeoutMs: input.healthTimeoutMs,
    env: input.env,
    ...(input.deferAction ? { deferAction: true } : {}),
  });
}

/**
 * What would show a deferred containerd restart done: the config_path this plan's config.toml sets
 * when it differs from the one before (containerd reports the loaded one in CRI Status). A change
 * that leaves config_path alone cannot be observed (null), so it stays pending until an apply
 * restarts; a plan that does not touch config.toml needs no restart of its own (nothing to say).
 */
export function deferredEvidence(plan: Plan, paths: NodePaths = DEFAULT_PATHS): ApplyExtras {
  const c = plan.changes.find((x) => x.path === paths.containerdConfig);
  if (plan.target !== 'containerd' || !c) return {};
  if (c.kind === 'delete') return { evidence: null };
  const v = plan.runtime.version;
  const before = analyzeContainerdConfig(c.kind === 'update' ? c.before : null, v, c.path).configPath;
  const after = analyzeContainerdConfig(c.content, v, c.path).configPath;
  return { evidence: after && after !== before ? { criConfigPath: after } : null };
}

/** Steps and recovery of an earlier session (the recovery, a stale refusal) kept in the final result. */
const withEarlier = (earlier: TxResult, tx: TxResult): TxResult => ({
  ...tx,
  steps: [...earlier.steps, ...tx.steps],
  ...(earlier.recovered && !tx.recovered ? { recovered: earlier.recovered } : {}),
});

/**
 * Plans and applies. A plan made while a transaction is interrupted sees its half-written files
 * (and may call the node in sync), so an interrupted transaction is recovered first — rolled back,
 * or dropped if it had committed — and the node planned again (issue 15.2). The first plan only
 * serves to find the runtime (its CRI socket for the recovery's health check).
 */
export async function applyNode(
  host: Host,
  input: ApplyNodeInput,
  wire: TxWiring,
): Promise<ApplyNodeOutcome> {
  let planned = await planNode(host, input);
  let earlier: TxResult | undefined;
  if (planned.interrupted && !input.dryRun) {
    earlier = await recoverHost(host, wiredOptions(host, input, wire, planned.detection?.socket));
    if (earlier.status !== 'unchanged') return { planned, tx: earlier, exitCode: exitCodeFor(earlier) };
    planned = await planNode(host, input);
  }
  if (!planned.plan || planned.refusal !== ExitCode.OK)
    return { planned, exitCode: planned.refusal || ExitCode.INVALID_INPUT };
  if (input.dryRun) return { planned, exitCode: ExitCode.OK };
  const extras = (p: Plan) => deferredEvidence(p, input.paths);
  let tx = await applyPlan(
    planned.plan,
    host,
    wiredOptions(host, input, wire, planned.detection?.socket),
    extras(planned.plan),
  );
  if (tx.diagnostics.some((d) => d.code === STALE_AFTER_RECOVERY)) {
    // Another run was interrupted between our plan and our lock: plan again after its recovery.
    earlier = earlier ? withEarlier(earlier, tx) : tx;
    planned = await planNode(host, input);
    if (!planned.plan || planned.refusal !== ExitCode.OK)
      return { planned, exitCode: planned.refusal || ExitCode.INVALID_INPUT };
    tx = await applyPlan(
      planned.plan,
      host,
      wiredOptions(host, input, wire, planned.detection?.socket),
      extras(planned.plan),
    );
  }
  if (earlier) tx = withEarlier(earlier, tx);
  return { planned, tx, exitCode: exitCodeFor(tx) };
}

/** apply --plan FILE: the plan was made earlier (`plan -o json`); apply refuses if any file drifted. */
export async function applySavedPlan(
  host: Host,
  plan: Plan,
  input: Omit<ApplyNodeInput, keyof PlanNodeInput | 'dryRun'> & { dryRun?: boolean },
  wire: TxWiring,
): Promise<TxResult> {
  return applyPlan(
    plan,
    host,
    // A saved plan carries no detection: CRI-O's socket is known, containerd's is the default.
    wiredOptions(host, input, wire, plan.action.service === 'crio' ? '/run/crio/crio.sock' : undefined),
    deferredEvidence(plan),
  );
}

const STATUS: Record<TxResult['status'], NodeResult['status']> = {
  applied: 'applied',
  unchanged: 'unchanged',
  refused: 'failed',
  failed: 'failed',
  'rolled-back': 'rolled-back',
  'rollback-failed': 'failed',
};

/** The agent's entry point (ReconcileNode, src/planner/node-entry.ts), once given its wiring. */
export async function reconcileNode(input: ReconcileInput, wiring: NodeWiring): Promise<NodeResult> {
  const host = input.host ?? wiring.host(input.root);
  const out = await applyNode(
    host,
    {
      specFile: input.specFile,
      // TLS files beside the spec (the agent pod's ConfigMap/Secret mounts) come from input.readFile.
      readSpec: async (p) => (p === input.specFile ? input.specText : ((await input.readFile?.(p)) ?? null)),
      runtime: input.runtime ?? 'auto',
      runCommands: true,
      desired: { migrateLegacy: false, keepConfigPathList: false },
      takeOver: false,
      skipInexpressible: false,
      root: input.root,
      ...(input.restartCommand ? { restartCommand: input.restartCommand } : {}),
      ...(input.reloadCommand ? { reloadCommand: input.reloadCommand } : {}),
      ...(input.criEndpoint ? { criEndpoint: input.criEndpoint } : {}),
      healthTimeoutMs: input.healthTimeoutMs,
      dryRun: input.dryRun,
      env: process.env,
    },
    wiring.txOptions,
  );
  const plan = out.planned.plan;
  const specHash = plan?.specHash;
  const base = { ...(specHash ? { specHash } : {}), action: plan?.action.kind ?? 'none' } as const;
  if (!plan || out.planned.refusal !== ExitCode.OK) {
    return {
      ...base,
      status: out.planned.refusal === ExitCode.INVALID_INPUT ? 'invalid' : 'failed',
      exitCode: out.exitCode,
      message: out.planned.diagnostics.find((d) => d.severity === 'error')?.message ?? 'cannot plan',
      diagnostics: out.planned.diagnostics,
    };
  }
  if (!out.tx) {
    const j = out.planned.interrupted;
    const pending = plan.changes.length > 0 || j !== undefined;
    return {
      ...base,
      status: pending ? 'applied' : 'unchanged',
      exitCode: ExitCode.OK,
      message: j
        ? `transaction ${j.txid} was interrupted: the next apply recovers it, then plans again`
        : pending
          ? `${plan.changes.length} change(s) pending, action ${plan.action.kind}`
          : withNothingSelected('in sync', plan.diagnostics),
      diagnostics: plan.diagnostics,
    };
  }
  const tx = out.tx;
  return {
    ...base,
    action: tx.action?.kind ?? base.action,
    status: STATUS[tx.status],
    exitCode: out.exitCode,
    // Every reporter (rollout, nodes, the result line) shows this message: it carries the warning.
    message: withNothingSelected(tx.runtimeError ?? tx.steps.at(-1)?.message ?? tx.status, plan.diagnostics),
    diagnostics: [...plan.diagnostics, ...tx.diagnostics],
  };
}

export async function uninstallNode(input: UninstallInput, wiring: NodeWiring): Promise<NodeResult> {
  const host = input.host ?? wiring.host(input.root);
  const tx = await uninstallAll(host, {
    ...(input.dryRun ? { dryRun: true } : {}),
    ...wiring.txOptions(host.run, {
      root: input.root,
      ...(input.restartCommand ? { restartCommand: input.restartCommand } : {}),
      ...(input.reloadCommand ? { reloadCommand: input.reloadCommand } : {}),
      ...(input.criEndpoint ? { criEndpoint: input.criEndpoint } : {}),
      healthTimeoutMs: input.healthTimeoutMs,
      env: process.env,
    }),
  });
  return {
    status: tx.status === 'applied' || tx.status === 'unchanged' ? tx.status : STATUS[tx.status],
    action: tx.action?.kind ?? 'none',
    exitCode: exitCodeFor(tx),
    message: tx.runtimeError ?? tx.steps.at(-1)?.message ?? tx.status,
    diagnostics: tx.diagnostics,
  };
}
