// What the CLI and the agent pods say to each other. The agent has no API token (least privilege),
// so the CLI talks to it through the spec ConfigMap (mounted at /config; kubelet refreshes it in
// place) and the agent answers through its readiness (the result file) and one JSON line per result
// in its log, which the CLI reads with a single log request when the pod's readiness or restart count
// changes. What the agent hands the node entry points and gets back: src/planner/node-entry.ts.
import { z } from 'zod';

/** Control document (`control.json` in the spec ConfigMap), written by the CLI only. */
export const controlSchema = z.object({
  /** specRevision() of mirrors.yaml: agents act only when it matches the file they read (kubelet may
   *  still show the old file). '*' = whatever spec is mounted (the kustomize base: no CLI, no waves). */
  revision: z.string(),
  mode: z.enum(['apply', 'uninstall']),
  /** Nodes allowed to act on this revision at all ('*' = every node, including nodes that join later). */
  allow: z.union([z.literal('*'), z.array(z.string())]),
  /** Nodes allowed to restart their runtime for this revision (the current wave and those before). */
  restart: z.union([z.literal('*'), z.array(z.string())]),
});
export type Control = z.infer<typeof controlSchema>;

export const nodeAllowed = (list: Control['allow'], node: string): boolean =>
  list === '*' || list.includes(node);

export const AGENT_STATUSES = [
  'working',
  'applied',
  'unchanged',
  'pending-restart',
  'rolled-back',
  'failed',
  'invalid',
  'uninstalled',
  'waiting',
] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Statuses after which the agent waits for a new control document. */
export const SETTLED: ReadonlySet<AgentStatus> = new Set([
  'applied',
  'unchanged',
  'pending-restart',
  'rolled-back',
  'failed',
  'invalid',
  'uninstalled',
]);
export const SUCCEEDED: ReadonlySet<AgentStatus> = new Set(['applied', 'unchanged', 'uninstalled']);

export const RESULT_KIND = 'mirrorctl.agent-result/v1';

export const agentResultSchema = z.object({
  kind: z.literal(RESULT_KIND),
  node: z.string(),
  revision: z.string(),
  mode: z.enum(['apply', 'uninstall']),
  status: z.enum(AGENT_STATUSES),
  action: z.enum(['none', 'reload', 'restart']),
  specHash: z.string().optional(),
  exitCode: z.number().int(),
  message: z.string(),
  /** Pod readiness: settled in a good state (applied/unchanged/uninstalled) or waiting for its wave. */
  ready: z.boolean(),
  at: z.string(),
  diagnostics: z.array(z.object({ severity: z.string(), code: z.string(), message: z.string() }).loose()),
});
export type AgentResult = z.infer<typeof agentResultSchema>;

/** The last result line of a pod log (other lines are human progress output). */
export function lastResultLine(log: string): AgentResult | undefined {
  const lines = log.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim() ?? '';
    if (!line.startsWith('{') || !line.includes(RESULT_KIND)) continue;
    try {
      const parsed = agentResultSchema.safeParse(JSON.parse(line));
      if (parsed.success) return parsed.data;
    } catch {
      // a truncated line (log rotation) is not a result; keep looking further up
    }
  }
  return undefined;
}

/** History of published specs, newest first (`history.json`); rollback publishes entry [1]. */
export const historySchema = z.array(z.object({ revision: z.string(), spec: z.string(), at: z.string() }));
export type SpecHistory = z.infer<typeof historySchema>;
export const HISTORY_LIMIT = 5;
