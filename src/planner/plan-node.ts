// One node, from spec to plan: load the spec, observe and detect, render the target's desired
// state, read current contents, build the plan. Effects only through `host` (and the local spec
// reader); everything it decides is delegated to the pure modules.

import { type Detection, detectRuntime } from '../detect/detect.js';
import { runtimeOfTarget } from '../detect/targets.js';
import { type Diagnostic, hasErrors } from '../diagnostics.js';
import { ExitCode } from '../exit-codes.js';
import { rancherFlavor } from '../foreign/k3s-node.js';
import { nativeCommandHint } from '../foreign/native-hint.js';
import type { NodePaths } from '../formats/node-paths.js';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import { fsErrorToDiagnostic } from '../host/fs-error.js';
import type { Host } from '../host/ports.js';
import { buildPlan } from '../plan/build.js';
import { type DesiredOptions, desiredState, mainConfigPath } from '../plan/desired.js';
import { nothingSelected } from '../plan/selection.js';
import type { Plan } from '../plan/types.js';
import { specHash } from '../spec/hash.js';
import { loadSpec, type ReadText } from '../spec/load.js';
import { materializeSecretRefs, type SecretResolver } from '../spec/secret-refs.js';
import type { MirrorSet, SpecAssets, Target } from '../spec/types.js';
import { pendingWarning } from '../transaction/apply.js';
import { effectiveAction } from '../transaction/pending-action.js';
import type { PendingAction } from '../transaction/state-files.js';
import { type PendingJournal, readPendingAction, readPendingJournal } from '../transaction/status.js';
import { readHostInputs } from './observe-config-inputs.js';
import { observeHost } from './observe-host.js';
import { ownedOnHost, readAll } from './observe-node.js';
import { observeRancherNode } from './observe-rancher.js';

export interface PlanNodeInput {
  specFile: string;
  readSpec: ReadText;
  /** 'auto' = the detected target. */
  runtime: 'auto' | Target;
  /** Overrides the detected version (a --root that is not this machine's runtime). */
  runtimeVersion?: string;
  /** Run `containerd --version` etc. (false for a root prefix that is not this machine). */
  runCommands: boolean;
  containerdBin?: string;
  paths?: NodePaths;
  desired: DesiredOptions;
  takeOver: boolean;
  /** Downgrade "cannot express" errors for a target to warnings (the entry is left out). */
  skipInexpressible: boolean;
  /** Reads the Secrets the spec names (cluster mode: the agent implements it from the API). Without
   *  one, a spec naming a Secret is refused (spec.secret-ref.unresolved). */
  resolveSecret?: SecretResolver;
}

export interface NodePlan {
  /** Absent when the spec is invalid or the node cannot be planned for. */
  plan?: Plan;
  spec?: MirrorSet;
  assets: SpecAssets;
  detection?: Detection;
  target?: Target;
  diagnostics: Diagnostic[];
  /** An interrupted transaction that `apply` recovers before it plans again (issue 15.2). */
  interrupted?: PendingJournal;
  /** A restart/reload an earlier apply deferred; the plan's action includes it (issue 15.3). */
  pendingAction?: PendingAction;
  /** INVALID_INPUT (2) for input / inexpressible, CONFLICT (5) on the host, OK (0) otherwise. */
  refusal: typeof ExitCode.OK | typeof ExitCode.INVALID_INPUT | typeof ExitCode.CONFLICT;
}

/** Codes of findings that are about the spec (exit 2) rather than the host (exit 5). */
const isInputProblem = (d: Diagnostic): boolean =>
  d.code.startsWith('spec.') || /^render\.(containerd|crio|docker|containerd-legacy|k3s|rke2)\./.test(d.code);

/** A renderer error about one spec entry = that entry cannot be expressed for the target (the
 *  renderer leaves the entry out of the files). */
export const isInexpressible = (d: Diagnostic): boolean =>
  d.severity === 'error' &&
  /^render\.(containerd|containerd-legacy|crio|docker|k3s|rke2|openshift|talos|bottlerocket)\./.test(
    d.code,
  ) &&
  (d.field ?? '').startsWith('spec.registries[');

export function skipInexpressible(ds: Diagnostic[]): Diagnostic[] {
  return ds.map((d) =>
    isInexpressible(d)
      ? { ...d, severity: 'warning', message: `${d.message} (entry skipped: --skip-inexpressible)` }
      : d,
  );
}

function interruptedWarning(j: PendingJournal, stateDir: string): Diagnostic {
  return {
    severity: 'warning',
    code: 'plan.interrupted-transaction',
    file: `${stateDir}/journal.json`,
    message: `transaction ${j.txid} (${j.kind}) was interrupted in its ${j.phase} phase; this plan was computed against the files it left behind`,
    hint: '`mirrorctl apply` recovers it first (rolls it back, or drops it if it had committed), then plans again',
  };
}

export async function planNode(host: Host, input: PlanNodeInput): Promise<NodePlan> {
  const paths = input.paths ?? DEFAULT_PATHS;
  const loaded = await loadSpec(
    input.specFile,
    input.readSpec,
    input.resolveSecret ? { resolveSecret: input.resolveSecret } : {},
  );
  if (!loaded.spec || hasErrors(loaded.diagnostics)) {
    return { assets: loaded.assets, diagnostics: loaded.diagnostics, refusal: ExitCode.INVALID_INPUT };
  }
  const set = loaded.spec;
  // Files are made of the resolved Secrets; the spec as written (references only) is what is hashed.
  const made = materializeSecretRefs(set, loaded.assets);
  try {
    const journal = await readPendingJournal(host.fs, paths.stateDir);
    const interrupted = journal.ok ? journal.value : null;
    const owed = await readPendingAction(host.fs, paths.stateDir);
    const pendingAction = owed.ok ? owed.value : null;
    const facts = await observeHost(host, paths, {
      runCommands: input.runCommands,
      ...(input.containerdBin ? { bins: { containerd: input.containerdBin } } : {}),
    });
    // An explicit --runtime-version stands for what kubelet would report for this node; a forced
    // --runtime takes its version only from that runtime (issue 19.1).
    const forced = input.runtime === 'auto' ? {} : { runtime: runtimeOfTarget(input.runtime) };
    const first = detectRuntime(facts, paths, forced);
    const wire = { containerd: 'containerd', crio: 'cri-o', docker: 'docker', unknown: undefined }[
      first.runtime
    ];
    const detection =
      input.runtimeVersion && wire
        ? detectRuntime(facts, paths, {
            ...forced,
            kubeletRuntimeVersion: `${wire}://${input.runtimeVersion}`,
          })
        : first;
    const base = {
      spec: set,
      assets: loaded.assets,
      detection,
      ...(interrupted ? { interrupted } : {}),
      ...(pendingAction ? { pendingAction } : {}),
    };
    const target = input.runtime === 'auto' ? detection.target : input.runtime;
    const diagnostics: Diagnostic[] = [...loaded.diagnostics, ...detection.diagnostics];
    if (!journal.ok) diagnostics.push(journal.diagnostic);
    if (interrupted) diagnostics.push(interruptedWarning(interrupted, paths.stateDir));
    if (!owed.ok) diagnostics.push(owed.diagnostic);
    if (pendingAction) diagnostics.push(pendingWarning(pendingAction));
    if (!target) {
      diagnostics.push({
        severity: 'error',
        code: 'plan.runtime.not-found',
        message: `no container runtime recognised on this node (${detection.reasons.join('; ') || 'nothing found'})`,
        hint: 'pass --runtime containerd|crio|docker (and --runtime-version) for a root prefix, or check --root',
      });
      return { ...base, diagnostics, refusal: ExitCode.CONFLICT };
    }
    // k3s/RKE2 regenerate containerd's files from registries.yaml: write that instead (issue 6).
    const rancher = input.runtime === 'auto' ? rancherFlavor(detection.distribution) : undefined;
    if (detection.managedBy && input.runtime === 'auto' && !rancher) {
      diagnostics.push({
        severity: 'error',
        code: 'plan.distribution.owns-files',
        message: `${detection.distribution} owns the runtime's files and overwrites hand edits`,
        hint: `${detection.managedBy.summary}; ${nativeCommandHint(detection.distribution)}`,
      });
      return { ...base, target, diagnostics, refusal: ExitCode.CONFLICT };
    }
    const runtimeVersion = input.runtimeVersion ?? detection.version;
    const mainPath = mainConfigPath(target, paths);
    const desired = rancher
      ? await observeRancherNode(host.fs, made, loaded.assets, rancher)
      : desiredState({
          set: made,
          assets: loaded.assets,
          target,
          ...(runtimeVersion ? { runtimeVersion } : {}),
          paths,
          host: await readHostInputs(host.fs, target, mainPath, paths, runtimeVersion),
          opts: input.desired,
        });
    const owned = await ownedOnHost(host.fs, paths, desired.hostsDir ?? paths.certsDir);
    const rendered = input.skipInexpressible ? skipInexpressible(desired.diagnostics) : desired.diagnostics;
    // k3s/RKE2 render containerd entries (foreign/k3s.ts), the target of a Rancher node.
    diagnostics.push(...owned.diagnostics, ...rendered, ...nothingSelected(made, target));
    const observed = await readAll(host.fs, [
      ...desired.files.map((f) => f.path),
      ...desired.edits.map((e) => e.path),
      ...owned.paths,
    ]);
    const plan = buildPlan({
      specHash: specHash(set),
      specName: set.name,
      target,
      runtime: {
        name: detection.runtime,
        ...(runtimeVersion ? { version: runtimeVersion } : {}),
        ...(detection.containerd?.configVersion ? { configVersion: detection.containerd.configVersion } : {}),
      },
      service: desired.service,
      files: desired.files,
      ownedNeeds: desired.ownedNeeds,
      edits: desired.edits,
      observed,
      managedOnHost: owned.paths,
      takeOver: input.takeOver,
      diagnostics,
    });
    const errors = plan.diagnostics.filter((d) => d.severity === 'error');
    const refusal =
      errors.length === 0
        ? ExitCode.OK
        : errors.some(isInputProblem)
          ? ExitCode.INVALID_INPUT
          : ExitCode.CONFLICT;
    // The runtime still owes a deferred restart/reload: applying performs it, whatever else changes.
    const owedPlan = pendingAction ? { ...plan, action: effectiveAction(plan.action, pendingAction) } : plan;
    return { ...base, target, plan: owedPlan, diagnostics: plan.diagnostics, refusal };
  } catch (err) {
    return {
      spec: set,
      assets: loaded.assets,
      diagnostics: [fsErrorToDiagnostic(err)],
      refusal: ExitCode.CONFLICT,
    };
  }
}
