// Text rendering of explain results: one block per target with the ordered request table, then
// the target's diagnostics. Pure (the CLI writes it); also used by the explain golden files.
import { formatDiagnostic } from '../diagnostics.js';
import type { ExplainResult } from './types.js';

const RUNTIME_NAMES: Record<ExplainResult['target'], string> = {
  containerd: 'containerd (hosts.toml)',
  'containerd-legacy': 'containerd (legacy CRI mirrors)',
  crio: 'CRI-O / Podman (registries.conf)',
  docker: 'Docker Engine (daemon.json)',
};

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

export function formatExplainText(result: ExplainResult, runtimeVersion?: string): string {
  const { image } = result;
  const why = image.kind === 'digest' ? 'digest: hosts need pull' : 'tag: hosts need resolve';
  const version = runtimeVersion === undefined ? '' : ` ${runtimeVersion}`;
  const lines = [`${RUNTIME_NAMES[result.target]}${version} · ${image.reference} (${why})`];
  if (result.requests.length === 0) lines.push('  (no request is made)');
  else if (result.requests.some((r) => r.credential !== undefined))
    lines.push(
      ...table([
        ['#', 'ROLE', 'CAPABILITY', 'URL', 'CREDENTIAL', 'WHY'],
        ...result.requests.map((r, i) => [
          String(i + 1),
          r.role,
          r.capability,
          r.url,
          r.credential ?? '-',
          r.note,
        ]),
      ]).map((l) => `  ${l}`),
    );
  else
    lines.push(
      ...table([
        ['#', 'ROLE', 'CAPABILITY', 'URL', 'WHY'],
        ...result.requests.map((r, i) => [String(i + 1), r.role, r.capability, r.url, r.note]),
      ]).map((l) => `  ${l}`),
    );
  for (const d of result.diagnostics)
    lines.push(
      ...formatDiagnostic(d)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  return `${lines.join('\n')}\n`;
}
