// The CLI as a user runs it against a simulated cluster: the API server stand-in with mirrorctl's
// CRDs, simulated Nodes, simulated node agents and apply Jobs (test/cluster/controller/sim-agents.ts),
// and the REAL controller (src/cluster/controller) — the same harness as the controller's tests —
// driven by `mirrorctl rollout/status/rollback/uninstall/nodes` through the real CLI entry point.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Captured, runCli } from '../../../src/cli/testing.js';
import { type Harness, harnessOn, startHarness } from '../controller/harness.js';
import type { AgentBehavior } from '../controller/sim-agents.js';
import { type SimClusterHandle, startCluster } from '../sim/cluster.js';
import type { SimNodeSpec } from '../sim/nodes.js';

export type { Harness };
export { startHarness };

/** Runs `mirrorctl <args> --kubeconfig <the stand-in's>`. */
export const cli = (
  h: { cluster: { kubeconfig: string } },
  args: string[],
  cwd?: string,
): Promise<Captured> => runCli([...args, '--kubeconfig', h.cluster.kubeconfig], cwd ? { cwd } : {});

/** A spec file (and any extra files beside it) in a fresh temp dir; returns its path. */
export function specFile(text: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-cli-'));
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(dir, name), content);
  writeFileSync(join(dir, 'mirrors.yaml'), text);
  return join(dir, 'mirrors.yaml');
}

/** A MirrorSet file: docker.io → `mirror`, with spec.rollout settings and extra spec fields. */
export function spec(
  mirror = 'https://mirror.example.com',
  rollout: Record<string, unknown> = {},
  extra = '',
  name = 'lab',
): string {
  const r = { soakSeconds: 0, ...rollout };
  return `apiVersion: mirrorctl.io/v1alpha1
kind: MirrorSet
metadata: { name: ${name} }
spec:
  registries:
    - source: docker.io
      mirrors:
        - url: ${mirror}
  rollout: ${JSON.stringify(r)}
${extra}`;
}

/** A cluster mirrorctl is installed into by `mirrorctl install` (namespace, CRDs, RBAC, workloads
 *  as objects; no DaemonSet controller, so nothing runs from them), with the real controller
 *  started in-process and simulated agents — what `uninstall --all` must take apart again. */
export async function startInstalled(
  nodes: Array<SimNodeSpec & { behavior?: AgentBehavior }>,
  before: (server: SimClusterHandle['server']) => void = () => {},
): Promise<Harness & { install: Captured }> {
  const cluster = await startCluster({ jobs: false, daemonSets: false, scheduler: false, kubelets: false });
  before(cluster.server);
  const install = await runCli(['install', '--kubeconfig', cluster.kubeconfig]);
  if (install.code !== 0) throw new Error(`install failed: ${install.stderr}`);
  return { ...harnessOn(cluster, cluster.kubeconfig, nodes), install };
}
