// `mirrorctl rollout`: publish the spec and drive the agents in phases — canary nodes first, then every
// node whose plan needs no runtime restart at once, then the nodes that need a restart in waves of at
// most --max-unavailable. A failed canary or wave stops the rollout (control.json is left as is, so no
// further node acts). Requests: nodes list, ConfigMap get, pods list + watch, a few object writes,
// one ConfigMap patch per phase, and one or two log reads per node.
import type { KubernetesObject, V1ConfigMap, V1Secret, V1Toleration } from '@kubernetes/client-node';
import type { Diagnostic } from '../diagnostics.js';
import type { Kube } from '../host/kube-port.js';
import type { MirrorSet, SpecAssets } from '../spec/types.js';
import {
  type AgentResult,
  type AgentStatus,
  type Control,
  HISTORY_LIMIT,
  historySchema,
  SETTLED,
  type SpecHistory,
  SUCCEEDED,
} from './agent-protocol.js';
import { selectorString } from './inventory.js';
import { refOf, upsert } from './kube-apply.js';
import { buildManifests, buildSpecConfigMap, redactSecrets } from './legacy-manifests.js';
import { AGENT_SELECTOR, LABELS, SPEC_CONFIGMAP, SPEC_KEYS, specRevision, TLS_SECRET } from './names.js';
import { nodeReady, nodeRuntime } from './node-runtime.js';
import { NodeTracker } from './node-tracker.js';
import { applyOpenShift, isOpenShiftCluster, openShiftStepInfo } from './openshift-apply.js';
import { matchesRequirements, nodeRequirements, parseSelector } from './selector.js';
import { referencedTlsKeys, staleTlsKeys } from './tls-assets.js';
import { parseMaxUnavailable, planWaves, resolveCanary } from './waves.js';

export interface RolloutOptions {
  specText: string;
  bundle: string;
  image: string;
  mode: 'apply' | 'uninstall';
  selector?: string;
  includeControlPlane: boolean;
  maxUnavailable: string;
  canary?: string;
  /** Per phase. */
  timeoutMs: number;
  gateNewNodes: boolean;
  tolerations?: V1Toleration[];
  dryRun: boolean;
  /** TLS files for the agents (tls-assets.ts shipTlsAssets); specText is then the rewritten spec. */
  tls?: { configMapData: Record<string, string>; secretData: Record<string, string> };
  /** The loaded spec: on an OpenShift cluster it goes to the API as IDMS/ITMS instead of the DaemonSet. */
  openshift?: { set: MirrorSet; assets: SpecAssets };
}

export type Outcome = AgentStatus | 'timeout' | 'skipped' | 'not-reached';

export interface NodeOutcome {
  node: string;
  runtime: string;
  phase: string;
  status: Outcome;
  action: string;
  message: string;
}

export interface RolloutReport {
  revision: string;
  namespace: string;
  mode: 'apply' | 'uninstall';
  dryRun: boolean;
  canary: string[];
  maxUnavailable: number;
  /** Restart waves actually run (dry run: the candidate waves over all selected nodes). */
  waves: string[][];
  nodes: NodeOutcome[];
  stoppedAt?: string;
  manifests?: KubernetesObject[];
  diagnostics: Diagnostic[];
  requests: number;
  exitCode: number;
}

export type ProgressEvent =
  | { kind: 'phase'; phase: string; nodes: number }
  | { kind: 'node'; outcome: NodeOutcome };

const FAILED: ReadonlySet<Outcome> = new Set(['failed', 'rolled-back', 'invalid', 'timeout']);

export function historyFrom(cm: V1ConfigMap | undefined): SpecHistory {
  try {
    const r = historySchema.safeParse(JSON.parse(cm?.data?.[SPEC_KEYS.history] ?? '[]'));
    return r.success ? r.data : [];
  } catch {
    return [];
  }
}

export function nextHistory(old: SpecHistory, specText: string, at: string): SpecHistory {
  const revision = specRevision(specText);
  return [{ revision, spec: specText, at }, ...old.filter((h) => h.revision !== revision)].slice(
    0,
    HISTORY_LIMIT,
  );
}

export async function runRollout(
  kube: Kube,
  o: RolloutOptions,
  progress: (e: ProgressEvent) => void,
  now: () => Date = () => new Date(),
): Promise<RolloutReport> {
  const ns = kube.namespace;
  const revision = specRevision(o.specText);
  const sel = parseSelector(o.selector ?? '');
  const requirements = nodeRequirements(sel.requirements, o.includeControlPlane);
  const report: RolloutReport = {
    revision,
    namespace: ns,
    mode: o.mode,
    dryRun: o.dryRun,
    canary: [],
    maxUnavailable: 1,
    waves: [],
    nodes: [],
    diagnostics: [...sel.diagnostics],
    requests: 0,
    exitCode: 0,
  };
  const finish = (code: number): RolloutReport => {
    report.requests = kube.requestCount();
    report.exitCode = code;
    return report;
  };
  if (sel.diagnostics.length > 0) return finish(2);

  const [nodeList, existing, existingTls] = await Promise.all([
    kube.listNodes(),
    kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: SPEC_CONFIGMAP, namespace: ns }),
    kube.get({ apiVersion: 'v1', kind: 'Secret', name: TLS_SECRET, namespace: ns }),
  ]);
  const selected = nodeList.items.filter((n) => matchesRequirements(n.metadata?.labels ?? {}, requirements));
  // The Machine Config Operator owns OpenShift nodes' registries.conf (issue 6): hand it IDMS/ITMS.
  if (o.openshift && o.mode === 'apply' && isOpenShiftCluster(nodeList.items)) {
    const r = await applyOpenShift(kube, o.openshift.set, o.openshift.assets, o.dryRun);
    report.diagnostics.push(...r.diagnostics, ...r.steps.map(openShiftStepInfo));
    return finish(r.exitCode);
  }
  const runtimeOf = new Map(selected.map((n) => [n.metadata?.name ?? '', nodeRuntime(n).raw]));
  const outcomes = new Map<string, NodeOutcome>();
  for (const n of selected) {
    const name = n.metadata?.name ?? '';
    const ready = nodeReady(n);
    outcomes.set(name, {
      node: name,
      runtime: runtimeOf.get(name) ?? '',
      phase: ready ? '' : 'skipped',
      status: ready ? 'not-reached' : 'skipped',
      action: 'none',
      message: ready ? '' : 'node is not Ready: it gets the spec when it comes back (allow=*)',
    });
  }
  const eligible = [...outcomes.values()].filter((x) => x.status !== 'skipped').map((x) => x.node);
  const mu = parseMaxUnavailable(o.maxUnavailable, eligible.length);
  const canary = resolveCanary(o.canary, eligible);
  report.maxUnavailable = mu.value;
  report.canary = canary.nodes;
  report.diagnostics.push(...mu.diagnostics, ...canary.diagnostics);
  report.nodes = [...outcomes.values()];
  if (report.diagnostics.some((d) => d.severity === 'error')) return finish(2);

  const history =
    o.mode === 'apply'
      ? nextHistory(historyFrom(existing as V1ConfigMap), o.specText, now().toISOString())
      : historyFrom(existing as V1ConfigMap);
  const initial: Control =
    canary.nodes.length > 0
      ? { revision, mode: o.mode, allow: canary.nodes, restart: canary.nodes }
      : { revision, mode: o.mode, allow: '*', restart: [] };
  const manifests = buildManifests({
    namespace: ns,
    image: o.image,
    specText: o.specText,
    control: initial,
    history,
    bundle: o.bundle,
    requirements,
    gateNewNodes: o.gateNewNodes,
    ...(o.tolerations ? { tolerations: o.tolerations } : {}),
    ...(o.tls ? { tls: o.tls } : {}),
  });
  if (o.dryRun) {
    report.manifests = redactSecrets(manifests);
    report.waves = planWaves(
      eligible.filter((n) => !canary.nodes.includes(n)),
      mu.value,
    );
    return finish(0);
  }

  const record = (
    node: string,
    phase: string,
    r: AgentResult | undefined,
    fallback: Outcome,
    message: string,
  ): void => {
    const x = outcomes.get(node);
    if (!x) return;
    x.phase = phase;
    x.status = r?.status ?? fallback;
    x.action = r?.action ?? 'none';
    x.message = r?.message ?? message;
    progress({ kind: 'node', outcome: { ...x } });
  };
  let onResult: (r: AgentResult) => void = () => {};
  const tracker = new NodeTracker(
    kube,
    ns,
    (r) => r.revision === revision && r.mode === o.mode && r.status !== 'working',
    (r) => onResult(r),
  );
  await tracker.start(selectorString(AGENT_SELECTOR));
  try {
    for (const obj of manifests) await upsert(kube, obj);
    await removeOldBundles(kube, ns, manifests);
    await pruneTlsFiles(
      kube,
      ns,
      history,
      existing as V1ConfigMap | undefined,
      existingTls as V1Secret | undefined,
    );

    const publish = (c: Control): Promise<KubernetesObject> =>
      kube.patch(
        refOf(buildSpecConfigMap(ns, o.specText, c, history)),
        { data: { [SPEC_KEYS.control]: `${JSON.stringify(c)}\n` } },
        'merge',
      );

    /** Waits until every node in `nodes` settled (done: pred), or the deadline; returns the failures.
     *  Results arrive through the tracker callback, so a wake-up costs O(1), not a scan of all nodes. */
    const runPhase = async (
      phase: string,
      nodes: string[],
      done: (r: AgentResult) => boolean,
    ): Promise<string[]> => {
      progress({ kind: 'phase', phase, nodes: nodes.length });
      const deadline = now().getTime() + o.timeoutMs;
      const open = new Set(nodes);
      const take = (r: AgentResult): void => {
        if (open.has(r.node) && done(r)) {
          record(r.node, phase, r, 'not-reached', '');
          open.delete(r.node);
        }
      };
      onResult = take;
      for (const n of nodes) {
        const r = tracker.result(n);
        if (r) take(r);
      }
      let deadlineRead = false;
      while (open.size > 0) {
        const left = deadline - now().getTime();
        if (left <= 0) {
          if (deadlineRead) break;
          // No signal in time: read each silent node's log once before calling it a timeout.
          deadlineRead = true;
          await tracker.readNow([...open].filter((n) => tracker.hasPod(n)));
          continue;
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          tracker.changed(),
          new Promise<void>((r) => {
            timer = setTimeout(r, left);
          }),
        ]);
        clearTimeout(timer);
      }
      onResult = () => {};
      for (const n of open)
        record(
          n,
          phase,
          undefined,
          'timeout',
          tracker.hasPod(n) ? 'no result before the timeout' : 'no agent pod was scheduled on this node',
        );
      return nodes.filter((n) => FAILED.has(outcomes.get(n)?.status ?? 'timeout'));
    };
    const settled = (r: AgentResult): boolean => SETTLED.has(r.status);
    const final = (r: AgentResult): boolean => SETTLED.has(r.status) && r.status !== 'pending-restart';
    const stop = (phase: string): RolloutReport => {
      report.stoppedAt = phase;
      report.nodes = [...outcomes.values()];
      return finish(3);
    };

    if (canary.nodes.length > 0) {
      if ((await runPhase('canary', canary.nodes, final)).length > 0) return stop('canary');
      await publish({ revision, mode: o.mode, allow: '*', restart: canary.nodes });
    }
    const rest = eligible.filter((n) => !canary.nodes.includes(n));
    if ((await runPhase('no-restart', rest, settled)).length > 0) return stop('no-restart');
    const pending = rest.filter((n) => outcomes.get(n)?.status === 'pending-restart');
    report.waves = planWaves(pending, mu.value);
    const allowed = [...canary.nodes];
    for (const [i, wave] of report.waves.entries()) {
      allowed.push(...wave);
      await publish({ revision, mode: o.mode, allow: '*', restart: [...allowed] });
      if ((await runPhase(`wave ${i + 1}/${report.waves.length}`, wave, final)).length > 0)
        return stop(`wave ${i + 1}`);
    }
    // Every selected node is done: nodes joining later (or back from NotReady) apply fully on arrival.
    await publish({ revision, mode: o.mode, allow: '*', restart: '*' });
    report.nodes = [...outcomes.values()];
    const allGood = report.nodes.every(
      (x) => SUCCEEDED.has(x.status as AgentStatus) || x.status === 'skipped',
    );
    return finish(allGood ? 0 : 3);
  } finally {
    tracker.stop();
  }
}

/** TLS files stay while a spec in the history names them (rollback needs them); others are deleted. */
async function pruneTlsFiles(
  kube: Kube,
  ns: string,
  history: SpecHistory,
  cm: V1ConfigMap | undefined,
  secret: V1Secret | undefined,
): Promise<void> {
  const wanted = new Set(history.flatMap((h) => Object.values(referencedTlsKeys(h.spec)).flat()));
  const nulls = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, null]));
  const staleCm = staleTlsKeys(cm?.data, wanted);
  if (staleCm.length > 0)
    await kube.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', name: SPEC_CONFIGMAP, namespace: ns },
      { data: nulls(staleCm) },
      'merge',
    );
  const secretKeys = Object.keys(secret?.data ?? {});
  const staleSecret = staleTlsKeys(secret?.data, wanted);
  const ref = { apiVersion: 'v1', kind: 'Secret', name: TLS_SECRET, namespace: ns };
  if (secretKeys.length > 0 && staleSecret.length === secretKeys.length) await kube.delete(ref);
  else if (staleSecret.length > 0) await kube.patch(ref, { data: nulls(staleSecret) }, 'merge');
}

/** Bundle ConfigMaps are immutable and named by content hash: delete those no pod template uses now. */
async function removeOldBundles(kube: Kube, ns: string, manifests: KubernetesObject[]): Promise<void> {
  const current = new Set(manifests.filter((m) => m.kind === 'ConfigMap').map((m) => m.metadata?.name));
  const all = await kube.list('v1', 'ConfigMap', ns, { labelSelector: `${LABELS.component}=agent-bundle` });
  for (const cm of all)
    if (!current.has(cm.metadata?.name))
      await kube.delete(refOf({ ...cm, apiVersion: 'v1', kind: 'ConfigMap' }));
}
