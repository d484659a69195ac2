// A simulated cluster on top of the fake API server: nodes with mixed runtimes, a DaemonSet
// controller that creates one agent pod per matching node, and agents that run the real agent
// decision code (agent-tick.ts) against a scripted node (needs a restart or not, fails, hangs).
// Kubelet's part is played by updating pod readiness/restart count and appending pod log lines.
import { type AgentResult, type Control, controlSchema } from '../../src/cluster/agent-protocol.js';
import { pendingKey, runTick } from '../../src/cluster/agent-tick.js';
import { AGENT_NAME, SPEC_CONFIGMAP, SPEC_KEYS } from '../../src/cluster/names.js';
import type { NodeResult } from '../../src/planner/node-entry.js';
import type { FakeApiServer, Obj } from './fake-apiserver.js';

export interface NodeBehavior {
  /** Action the node's plan needs (default none). */
  action?: 'none' | 'reload' | 'restart';
  unchanged?: boolean;
  /** 'apply' = the apply fails and the agent rolls back; 'plan' = the plan itself fails. */
  fail?: 'plan' | 'apply';
  /** The agent never answers (stuck restart). */
  hang?: boolean;
}

export interface SimNode {
  name: string;
  runtime: string;
  roles?: string[];
  ready?: boolean;
  labels?: Record<string, string>;
  behavior?: NodeBehavior;
}

interface AgentState {
  pod: string;
  last: AgentResult | undefined;
  busy: boolean;
  again: boolean;
  restarts: number;
}

export class SimCluster {
  readonly agents = new Map<string, AgentState>();
  /** Runtime restarts performed, with the number of distinct control documents published before. */
  readonly restarts: Array<{ node: string; publication: number }> = [];
  publications = 0;
  private readonly behaviors = new Map<string, NodeBehavior>();

  constructor(
    private readonly server: FakeApiServer,
    nodes: SimNode[],
    private readonly namespace = 'mirrorctl',
  ) {
    for (const n of nodes) {
      this.behaviors.set(n.name, n.behavior ?? {});
      const labels: Record<string, string> = {
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': n.name,
        ...n.labels,
      };
      for (const r of n.roles ?? []) labels[`node-role.kubernetes.io/${r}`] = '';
      server.put('nodes', {
        metadata: { name: n.name, labels },
        spec: {},
        status: {
          nodeInfo: {
            containerRuntimeVersion: n.runtime,
            kubeletVersion: 'v1.30.1',
            osImage: 'Debian GNU/Linux 12 (bookworm)',
          },
          conditions: [{ type: 'Ready', status: n.ready === false ? 'False' : 'True' }],
        },
      });
    }
    server.onChange((type, plural, obj) => {
      if (plural === 'daemonsets' && obj.metadata.name === AGENT_NAME)
        setImmediate(() => this.reconcileDaemonSet(type === 'DELETED' ? undefined : obj));
      if (plural === 'configmaps' && obj.metadata.name === SPEC_CONFIGMAP && type !== 'DELETED') {
        this.publications++;
        setImmediate(() => this.tickAll());
      }
    });
  }

  setBehavior(node: string, b: NodeBehavior): void {
    this.behaviors.set(node, b);
  }

  private eligible(ds: Obj, node: Obj): boolean {
    const labels = (node.metadata.labels ?? {}) as Record<string, string>;
    const spec = (ds.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    const terms = (
      spec.affinity as
        | {
            nodeAffinity?: {
              requiredDuringSchedulingIgnoredDuringExecution?: {
                nodeSelectorTerms: Array<{
                  matchExpressions: Array<{ key: string; operator: string; values?: string[] }>;
                }>;
              };
            };
          }
        | undefined
    )?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    const sel = (spec.nodeSelector ?? {}) as Record<string, string>;
    if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) return false;
    if (!terms) return true;
    return terms.some((t) =>
      t.matchExpressions.every((e) => {
        const has = e.key in labels;
        if (e.operator === 'Exists') return has;
        if (e.operator === 'DoesNotExist') return !has;
        if (e.operator === 'In') return has && (e.values ?? []).includes(labels[e.key] ?? '');
        return !has || !(e.values ?? []).includes(labels[e.key] ?? '');
      }),
    );
  }

  private reconcileDaemonSet(ds: Obj | undefined): void {
    const nodes = this.server.list('nodes');
    for (const node of nodes) {
      const name = node.metadata.name;
      const ready =
        (node.status as { conditions: Array<{ status: string }> }).conditions[0]?.status === 'True';
      const want = ds !== undefined && ready && this.eligible(ds, node);
      const pod = `${AGENT_NAME}-${name}`;
      if (want && !this.agents.has(name)) {
        this.agents.set(name, { pod, last: undefined, busy: false, again: false, restarts: 0 });
        this.server.logs.set(`${this.namespace}/${pod}`, '');
        this.writePod(name, false);
        setImmediate(() => this.tick(name));
      } else if (!want && this.agents.has(name)) {
        this.agents.delete(name);
        this.server.remove('pods', this.namespace, pod);
      }
    }
  }

  private writePod(node: string, ready: boolean): void {
    const a = this.agents.get(node);
    if (!a) return;
    this.server.put('pods', {
      metadata: { name: a.pod, namespace: this.namespace, labels: { 'app.kubernetes.io/name': AGENT_NAME } },
      spec: { nodeName: node },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
        containerStatuses: [{ name: 'agent', ready, restartCount: a.restarts }],
      },
    });
  }

  private tickAll(): void {
    for (const node of this.agents.keys()) this.tick(node);
  }

  private control(): { control: Control | undefined; specText: string | undefined } {
    const cm = this.server.get('configmaps', this.namespace, SPEC_CONFIGMAP);
    const data = (cm?.data ?? {}) as Record<string, string>;
    let control: Control | undefined;
    try {
      const r = controlSchema.safeParse(JSON.parse(data[SPEC_KEYS.control] ?? 'null'));
      control = r.success ? r.data : undefined;
    } catch {
      control = undefined;
    }
    return { control, specText: data[SPEC_KEYS.spec] };
  }

  private fakeNode(node: string): (input: { dryRun: boolean }) => Promise<NodeResult> {
    return async ({ dryRun }) => {
      const b = this.behaviors.get(node) ?? {};
      const base = { specHash: 'sha256:spec', diagnostics: [] };
      if (b.hang && !dryRun) return new Promise<NodeResult>(() => {});
      if (b.fail === 'plan')
        return { ...base, status: 'failed', action: 'none', exitCode: 3, message: 'cannot read config.toml' };
      if (b.unchanged)
        return { ...base, status: 'unchanged', action: 'none', exitCode: 0, message: 'in sync' };
      const action = b.action ?? 'none';
      if (dryRun) return { ...base, status: 'applied', action, exitCode: 0, message: `would ${action}` };
      if (action === 'restart') this.restarts.push({ node, publication: this.publications });
      if (b.fail === 'apply')
        return {
          ...base,
          status: 'rolled-back',
          action,
          exitCode: 3,
          message: 'CRI did not answer after restart; restored',
        };
      return { ...base, status: 'applied', action, exitCode: 0, message: `applied (${action})` };
    };
  }

  private tick(node: string): void {
    const a = this.agents.get(node);
    if (!a) return;
    if (a.busy) {
      a.again = true;
      return;
    }
    const { control, specText } = this.control();
    const input = { node, control, specText, last: a.last, now: new Date(0) };
    if (pendingKey(input) === undefined) return;
    a.busy = true;
    this.writePod(node, false);
    const fake = this.fakeNode(node);
    void runTick(input, {
      reconcile: (i) => fake(i),
      uninstall: async ({ dryRun }) => {
        const b = this.behaviors.get(node) ?? {};
        if (b.unchanged)
          return { status: 'unchanged', action: 'none', exitCode: 0, message: '', diagnostics: [] };
        if (dryRun)
          return {
            status: 'applied',
            action: 'none',
            exitCode: 0,
            message: 'would restore',
            diagnostics: [],
          };
        this.restarts.push({ node, publication: this.publications });
        return { status: 'applied', action: 'restart', exitCode: 0, message: 'restored', diagnostics: [] };
      },
      root: '/host',
      specFile: '/config/mirrors.yaml',
      healthTimeoutMs: 1000,
    }).then((r) => {
      a.busy = false;
      if (r) {
        a.last = r;
        const key = `${this.namespace}/${a.pod}`;
        this.server.logs.set(key, `${this.server.logs.get(key) ?? ''}${JSON.stringify(r)}\n`);
        if (!r.ready) a.restarts++; // the real agent exits once after a failure
        this.writePod(node, r.ready);
      }
      if (a.again) {
        a.again = false;
        this.tick(node);
      }
    });
  }
}
