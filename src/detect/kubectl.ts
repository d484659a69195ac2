// Saved `kubectl get nodes` output → NodeInfo[]: the `-o wide` table (columns located by the
// header, since OS-IMAGE and KERNEL-VERSION hold spaces) and `-o json`/`-o yaml` Node/NodeList.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import type { Distribution } from './distribution.js';
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
  const sep = fields.runtime.indexOf('://');
  const version = sep > 0 ? fields.runtime.slice(sep + 3) : '';
  if (runtimeVersion.version) info.version = version.replace(/^v/, '');
  return info;
}

/** Column starts come from the header: kubectl's tabwriter aligns every cell to them. */
export function parseKubectlWide(text: string): ParsedNodes {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const headerLine = lines[0];
  if (!headerLine || !/^NAME\s/.test(headerLine)) {
    return {
      nodes: [],
      diagnostics: [tableDiagnostic('the first line is not a `kubectl get nodes` header (NAME …)')],
    };
  }
  const header = [...headerLine];
  const columns: { name: string; start: number }[] = [];
  for (let i = 0; i < header.length; i++) {
    if (header[i] !== ' ' && (i === 0 || header[i - 1] === ' ')) {
      const end = headerLine.indexOf(' ', i);
      columns.push({ name: headerLine.slice(i, end === -1 ? undefined : end), start: i });
    }
  }
  const diagnostics: Diagnostic[] = [];
  const runtimeCol = columns.find((c) => c.name === 'CONTAINER-RUNTIME');
  if (!runtimeCol)
    diagnostics.push(tableDiagnostic('no CONTAINER-RUNTIME column: save the output of `-o wide`'));
  const nodes = lines.slice(1).map((line, n) => {
    const chars = [...line];
    const cell = (name: string): string => {
      const i = columns.findIndex((c) => c.name === name);
      const col = columns[i];
      if (!col) return '';
      const next = columns[i + 1];
      return chars
        .slice(col.start, next ? next.start : undefined)
        .join('')
        .trim();
    };
    const labels = parseLabelList(cell('LABELS'));
    const rolesCell = cell('ROLES');
    const roles =
      rolesCell === '' || rolesCell === '<none>' ? rolesFromLabels(labels) : rolesCell.split(',').sort();
    const name = cell('NAME');
    if (name === '') diagnostics.push({ ...tableDiagnostic('row without a NAME'), line: n + 2 });
    return nodeInfo(name, labels, roles, {
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
