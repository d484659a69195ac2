// Human-readable forms of a host Detection and of per-node rows from kubectl output (pure).
import type { Target } from '../spec/types.js';
import type { Detection } from './detect.js';
import { NATIVE_MECHANISMS } from './distribution.js';
import type { NodeInfo } from './kubectl.js';
import { selectTarget } from './targets.js';

const tomlKeys = (keys: string[]): string => keys.map((k) => (k.includes('.') ? `"${k}"` : k)).join('.');

export function formatDetection(d: Detection): string {
  const rows: [string, string][] = d.hostname ? [['node', d.hostname]] : [];
  const version = d.version
    ? ` ${d.version}${d.versionText && d.versionText !== d.version ? ` (${d.versionText})` : ''}`
    : '';
  rows.push(['runtime', `${d.runtime}${version}`]);
  rows.push([
    'target',
    d.target
      ? `${d.target}${d.possibleTargets.length > 1 ? ` (possible: ${d.possibleTargets.join(', ')})` : ''}`
      : 'none',
  ]);
  rows.push(['distribution', `${d.distribution}${d.distributionVersion ? ` ${d.distributionVersion}` : ''}`]);
  if (d.socket) rows.push(['socket', `${d.socket}${d.socketFound ? '' : ' (not found; default)'}`]);
  const c = d.containerd;
  if (c) {
    rows.push([
      'config',
      c.exists
        ? `${c.path} (version ${c.configVersion ?? '?'})`
        : `${c.path} (absent; new file: version ${c.preferredConfigVersion})`,
    ]);
    rows.push(['registry table', `[${tomlKeys(c.registryTable)}]`]);
    rows.push([
      'config_path',
      c.configPath ?? (c.implicitConfigPath ? `unset (containerd uses "${c.implicitConfigPath}")` : 'unset'),
    ]);
    const imported = c.dropIns.filter((x) => x.imported).map((x) => x.path);
    if (imported.length) rows.push(['imported drop-ins', imported.join(', ')]);
    if (c.effectiveConfigPathFrom) {
      rows.push([
        'effective',
        `config_path ${c.effectiveConfigPath ?? 'unset'} (from ${c.effectiveConfigPathFrom})`,
      ]);
    }
    if (c.legacyMirrorHosts.length) rows.push(['legacy mirrors', c.legacyMirrorHosts.join(', ')]);
    if (c.legacyTlsHosts.length) rows.push(['legacy tls', c.legacyTlsHosts.join(', ')]);
  }
  if (d.crio) {
    rows.push([
      'registries.conf',
      d.crio.exists ? `${d.crio.path} (${d.crio.format ?? 'invalid'})` : `${d.crio.path} (absent)`,
    ]);
    rows.push(['drop-ins', d.crio.dropIns.length ? d.crio.dropIns.join(', ') : 'none']);
  }
  if (d.docker) {
    rows.push(['daemon.json', d.docker.exists ? d.docker.path : `${d.docker.path} (absent)`]);
    rows.push(['registry-mirrors', d.docker.registryMirrors.join(', ') || 'none']);
  }
  if (d.managedBy) rows.push(['managed by', `${d.distribution}: ${d.managedBy.summary}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  return `${lines.join('\n')}\n\nwhy:\n${d.reasons.map((r) => `  - ${r}`).join('\n')}\n`;
}

export interface NodeTargetRow {
  name: string;
  roles: string[];
  runtime: string;
  version?: string;
  distribution: string;
  target?: Target;
  possibleTargets: Target[];
  /** Why this target, or which native mechanism to use instead. */
  note: string;
}

/** A Talos node tells its version, which decides the patch shape (machine.registries before 1.12). */
const talosNote = (n: NodeInfo): string | undefined =>
  n.talosVersion
    ? `Talos ${n.talosVersion} is immutable: apply the patch of \`mirrorctl render --target talos --talos-version ${n.talosVersion}\` with talosctl`
    : undefined;

export function nodeTargetRows(nodes: readonly NodeInfo[]): NodeTargetRow[] {
  return nodes.map((n) => {
    const decision = selectTarget(n.runtime, n.runtimeVersion.version);
    const managed = NATIVE_MECHANISMS[n.distribution];
    const row: NodeTargetRow = {
      name: n.name,
      roles: n.roles,
      runtime: n.runtime === 'unknown' ? n.runtimeVersion.raw || 'unknown' : n.runtime,
      distribution: n.distribution,
      possibleTargets: decision.possible,
      note: talosNote(n) ?? (managed ? managed.summary : decision.reason),
    };
    if (n.version) row.version = n.version;
    if (decision.target) row.target = decision.target;
    return row;
  });
}

export function formatNodeTable(rows: readonly NodeTargetRow[]): string {
  const table = [
    ['NODE', 'ROLES', 'RUNTIME', 'VERSION', 'DISTRIBUTION', 'TARGET', 'NOTE'],
    ...rows.map((r) => [
      r.name,
      r.roles.join(',') || '<none>',
      r.runtime,
      r.version ?? 'unknown',
      r.distribution,
      r.target ?? 'none',
      r.note,
    ]),
  ];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => row[i]?.length ?? 0))) ?? [];
  return `${table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('   ')).join('\n')}\n`;
}
