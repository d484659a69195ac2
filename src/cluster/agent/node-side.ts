// The node half of the agent: plan, apply, uninstall and the drift check, with the existing planner
// and transaction engine on the node root the pod mounts (/host), through the Host and runtime ports
// the composition root builds. The runtime's version comes from its own socket (the pod has no
// runtime binary to run), or from --runtime-version.
import { DEFAULT_PATHS } from '../../formats/node-paths.js';
import type { Host } from '../../host/ports.js';
import type { TxWiring } from '../../planner/node-entry.js';
import { type NodePlan, type PlanNodeInput, planNode } from '../../planner/plan-node.js';
import { type ApplyNodeOutcome, applyNode } from '../../planner/reconcile.js';
import { strongestAction } from '../../transaction/history.js';
import { readJsonDoc, statePaths, txStateSchema } from '../../transaction/state-files.js';
import { nodeStatus } from '../../transaction/status.js';
import type { TxResult } from '../../transaction/types.js';
import { uninstallAll } from '../../transaction/uninstall.js';
import { isBusy } from './outcome.js';
import { describeDiagnostic, type UninstallView } from './plan-view.js';
import type { RevisionSpec } from './spec-source.js';

export interface NodeSideOptions {
  host: Host;
  /** The node root (`--root`, /host in the pod). */
  root: string;
  /** The transaction's runtime ports (the long-running agent's refuse every runtime action). */
  wire: TxWiring;
  healthTimeoutMs: number;
  env: Record<string, string | undefined>;
  restartCommand?: string;
  reloadCommand?: string;
  criEndpoint?: string;
  /** --runtime-version: the version to plan for, instead of asking the runtime. */
  runtimeVersion?: string;
  /** Asks the runtime listening on a node socket path for its version (`containerd://1.7.24`). */
  probeVersion?: (socket: string) => Promise<string | undefined>;
}

export interface NodeSide {
  /** Plans `spec` for this node; writes nothing. */
  plan(spec: RevisionSpec): Promise<NodePlan>;
  /** Plans and applies `spec` in one transaction (recovering an interrupted one first). */
  apply(spec: RevisionSpec): Promise<ApplyNodeOutcome>;
  /** What uninstalling would restore and the runtime action it needs; writes nothing. */
  uninstallView(): Promise<UninstallView>;
  uninstall(): Promise<TxResult>;
  /** Files mirrorctl wrote whose bytes changed since (missing, modified, reappeared, unreadable). */
  drifted(): Promise<string[]>;
  /** Another process (the apply Job, an operator's mirrorctl) holds the node's transaction lock:
   *  a journal then belongs to a transaction in progress, not an interrupted one. */
  lockHeld(): Promise<boolean>;
}

const STATE_DIR = DEFAULT_PATHS.stateDir;

/** `containerd://v1.7.24` → `1.7.24` (kubelet drops the v too). */
export const versionOfWire = (wire: string | undefined): string | undefined => {
  const v = wire?.split('://')[1]?.trim().replace(/^v/, '');
  return v ? v : undefined;
};

export function nodeSide(o: NodeSideOptions): NodeSide {
  const base = (spec: RevisionSpec, runtimeVersion?: string): PlanNodeInput => ({
    specFile: spec.file,
    readSpec: spec.read,
    ...(spec.resolveSecret ? { resolveSecret: spec.resolveSecret } : {}),
    runtime: 'auto',
    ...(runtimeVersion ? { runtimeVersion } : {}),
    // The node's binaries are not in the pod; its root is not this process's root.
    runCommands: false,
    desired: { migrateLegacy: false, keepConfigPathList: false },
    takeOver: false,
    skipInexpressible: false,
  });
  const controlInput = () => ({
    root: o.root,
    ...(o.restartCommand ? { restartCommand: o.restartCommand } : {}),
    ...(o.reloadCommand ? { reloadCommand: o.reloadCommand } : {}),
    ...(o.criEndpoint ? { criEndpoint: o.criEndpoint } : {}),
    healthTimeoutMs: o.healthTimeoutMs,
    env: o.env,
  });

  /** The last version the runtime reported: it changes only with an upgrade (and a restart), so a
   *  runtime that does not answer for a moment (restarting) does not change the plan. */
  let lastVersion: string | undefined;
  /** The version to plan with: the flag, else the runtime's answer on the socket detection found. */
  const versionFor = async (spec: RevisionSpec): Promise<string | undefined> => {
    if (o.runtimeVersion) return o.runtimeVersion;
    if (!o.probeVersion) return undefined;
    const first = await planNode(o.host, base(spec));
    const socket = first.detection?.socketFound ? first.detection.socket : undefined;
    const answered = socket ? versionOfWire(await o.probeVersion(socket)) : undefined;
    lastVersion = answered ?? lastVersion;
    return lastVersion;
  };

  return {
    async plan(spec) {
      return planNode(o.host, base(spec, await versionFor(spec)));
    },
    async apply(spec) {
      const runtimeVersion = await versionFor(spec);
      return applyNode(o.host, { ...base(spec, runtimeVersion), ...controlInput(), dryRun: false }, o.wire);
    },
    async uninstallView() {
      const read = await readJsonDoc(o.host.fs, statePaths(STATE_DIR).state, txStateSchema);
      if (!read.ok)
        return { present: true, files: [], action: none, refusal: describeDiagnostic(read.diagnostic) };
      const state = read.value;
      if (!state) return { present: false, files: [], action: none };
      const inEffect = state.history.filter((h) => h.kind === 'apply' && h.undone !== true);
      const action = strongestAction(inEffect, {
        kind: 'none',
        service: inEffect.at(-1)?.action.service ?? 'containerd',
        reason: 'uninstall',
      });
      const dry = await uninstallAll(o.host, { ...o.wire(o.host.run, controlInput()), dryRun: true });
      if (isBusy(dry)) return { present: true, busy: true, files: [], action };
      const error = dry.diagnostics.find((d) => d.severity === 'error');
      if (dry.status === 'refused' || error)
        return { present: true, files: [], action, refusal: error ? describeDiagnostic(error) : dry.status };
      // Nothing to restore but mirrorctl's own state: removing it needs no runtime action.
      return {
        present: true,
        files: dry.changed,
        action: dry.changed.length > 0 ? action : { ...action, kind: 'none' },
      };
    },
    uninstall: () => uninstallAll(o.host, o.wire(o.host.run, controlInput())),
    async lockHeld() {
      const lock = await o.host.fs.lockExclusive(statePaths(STATE_DIR).lock, 0o600);
      if (!lock) return true;
      await lock.release();
      return false;
    },
    async drifted() {
      const s = await nodeStatus(o.host.fs, STATE_DIR);
      return s.files.filter((f) => f.state !== 'ok').map((f) => f.path);
    },
  };
}

const none = { kind: 'none', service: 'containerd', reason: 'nothing to restore' } as const;
