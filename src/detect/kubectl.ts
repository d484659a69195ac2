// Saved `kubectl get nodes` output → NodeInfo[]: the `-o wide` table (split into cells by
// kubectl-table.ts) and `-o json`/`-o yaml` Node/NodeList.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import type { Distribution } from './distribution.js';
import { splitKubectlTable } from './kubectl-table.js';
import { parseRuntimeVersion, type RuntimeKind, type RuntimeVersionInfo } from './version.js';

export interface NodeInfo {
  name: string;
  roles: string[];
  runtime: RuntimeKind;
  /** `1.7.15-k3s1` as kubelet reported it (without the `name://`), undefined when unparsable. */
  version?: string;
  runtimeVersion: RuntimeVersionInfo;
  osImage: string;
  kernel: string;
  kubeletVersion: string;
  labels: Record<string, string>;
  distribution: Distribution;
  /** A Talos node's version from its osImage (`Talos (v1.11.2)`): it picks the patch shape. */
  talosVersion?: string;
}

export interface ParsedNodes {
  nodes: NodeInfo[];
  diagnostics: Diagnostic[];
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** kubectl's printer: `node-role.kubernetes.io/<role>` labels plus the legacy `kubernetes.io/role`. */
export function rolesFromLabels(labels: Record<string, string>): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

interface NodeEvidence {
  runtime: RuntimeVersionInfo;
  kubeletVersion: string;
  osImage: string;
  labels: Record<string, string>;
  providerID?: string;
}

/** `1.11.2` from a Talos node's osImage (`Talos (v1.11.2)`), which is how a node tells its Talos version. */
export function talosVersionOf(osImage: string): string | undefined {
  return /^Talos \(v?(\d+\.\d+(?:\.\d+)?[^)\s]*)\)/i.exec(osImage.trim())?.[1];
}

/** Ordered: the kubelet build suffix names the distribution more precisely than the runtime's
 *  (RKE2 ships k3s's containerd, so `containerd://1.7.11-k3s2` alone cannot tell them apart). */
export function nodeDistribution(e: NodeEvidence): Distribution {
  if (/\+rke2/.test(e.kubeletVersion) || e.labels['node.kubernetes.io/instance-type'] === 'rke2')
    return 'rke2';
  if (/\+k3s/.test(e.kubeletVersion) || e.labels['node.kubernetes.io/instance-type'] === 'k3s') return 'k3s';
  if (/^Talos\b/i.test(e.osImage)) return 'talos';
  if (/^Bottlerocket\b/i.test(e.osImage)) return 'bottlerocket';
  if (/CoreOS/.test(e.osImage) && /Red Hat|CentOS Stream|OKD/.test(e.osImage)) return 'openshift';
  if (e.labels['node.openshift.io/os_id'] !== undefined) return 'openshift';
  if (e.providerID?.startsWith('kind://')) return 'kind';
  return e.runtime.distributionHint ?? 'plain';
}

function nodeInfo(
  name: string,
  labels: Record<string, string>,
  roles: string[],
  fields: { runtime: string; osImage: string; kernel: string; kubeletVersion: string; providerID?: string },
): NodeInfo {
  const runtimeVersion = parseRuntimeVersion(fields.runtime);
  const info: NodeInfo = {
    name,
    roles,
    runtime: runtimeVersion.runtime,
    runtimeVersion,
    osImage: fields.osImage,
    kernel: fields.kernel,
    kubeletVersion: fields.kubeletVersion,
    labels,
    distribution: nodeDistribution({
      runtime: runtimeVersion,
      labels,
      kubeletVersion: fields.kubeletVersion,
      osImage: fields.osImage,
      providerID: fields.providerID,
    }),
  };
  const talos = info.distribution === 'talos' ? talosVersionOf(fields.osImage) : undefined;
  if (talos) info.talosVersion = talos;
  const sep = fields.runtime.indexOf('://');
  const version = sep > 0 ? fields.runtime.slice(sep + 3) : '';
  if (runtimeVersion.version) info.version = version.replace(/^v/, '');
  return info;
}

/**
 * The `-o wide` table, split by tokens (kubectl-table.ts): rows that cannot be split without guessing
 * refuse the whole table, so no node is ever reported with a cell of its neighbour.
 */
export function parseKubectlWide(text: string): ParsedNodes {
  const table = splitKubectlTable(text);
  if (table.diagnostics.length > 0) return { nodes: [], diagnostics: table.diagnostics };
  const diagnostics: Diagnostic[] = [];
  if (!table.columns.includes('CONTAINER-RUNTIME'))
    diagnostics.push(tableDiagnostic('no CONTAINER-RUNTIME column: save the output of `-o wide`'));
  const nodes = table.rows.map(({ cells }) => {
    const cell = (name: string): string => cells[name] ?? '';
    const labels = parseLabelList(cell('LABELS'));
    const rolesCell = cell('ROLES');
    const roles =
      rolesCell === '' || rolesCell === '<none>' ? rolesFromLabels(labels) : rolesCell.split(',').sort();
    return nodeInfo(cell('NAME'), labels, roles, {
      runtime: cell('CONTAINER-RUNTIME'),
      osImage: cell('OS-IMAGE'),
      kernel: cell('KERNEL-VERSION'),
      kubeletVersion: cell('VERSION'),
    });
  });
  return { nodes, diagnostics };
}

function parseLabelList(cell: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (cell === '' || cell === '<none>') return labels;
  for (const pair of cell.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

const tableDiagnostic = (message: string): Diagnostic => ({
  severity: 'error',
  code: 'kubectl.table.invalid',
  message,
});

const NodeSchema = z.object({
  kind: z.literal('Node').optional(),
  metadata: z.object({ name: z.string(), labels: z.record(z.string(), z.string()).optional() }),
  spec: z.object({ providerID: z.string().optional() }).optional(),
  status: z.object({
    nodeInfo: z.object({
      containerRuntimeVersion: z.string(),
      kubeletVersion: z.string(),
      osImage: z.string(),
      kernelVersion: z.string(),
    }),
  }),
});
const ListSchema = z.object({ kind: z.enum(['NodeList', 'List']), items: z.array(NodeSchema) });

/** `kubectl get nodes -o json` (NodeList), `get node N -o json` (Node), or the YAML forms. */
export function parseKubectlObjects(text: string): ParsedNodes {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { nodes: [], diagnostics: [{ severity: 'error', code: 'kubectl.json.syntax', message }] };
  }
  const single = NodeSchema.safeParse(doc);
  const list = single.success
    ? { success: true as const, data: { items: [single.data] } }
    : ListSchema.safeParse(doc);
  if (!list.success) {
    const issue = list.error.issues[0];
    return {
      nodes: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'kubectl.json.shape',
          message: `not a Node or NodeList: ${issue?.message ?? 'unexpected shape'}`,
          field: issue ? issue.path.map(String).join('.') : undefined,
          hint: 'save the output of `kubectl get nodes -o json`',
        },
      ],
    };
  }
  const nodes = list.data.items.map((item) => {
    const labels = item.metadata.labels ?? {};
    const ni = item.status.nodeInfo;
    return nodeInfo(item.metadata.name, labels, rolesFromLabels(labels), {
      runtime: ni.containerRuntimeVersion,
      osImage: ni.osImage,
      kernel: ni.kernelVersion,
      kubeletVersion: ni.kubeletVersion,
      providerID: item.spec?.providerID,
    });
  });
  return { nodes, diagnostics: [] };
}

/** Either form, told apart by the table header. */
export function parseKubectlNodes(text: string): ParsedNodes {
  return /^\s*NAME\s/.test(text) ? parseKubectlWide(text) : parseKubectlObjects(text);
}
