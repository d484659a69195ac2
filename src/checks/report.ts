// Text and JSON forms of the preflight report. JSON is the report object itself (stable key
// order from construction, images sorted by reference); text is one line per image × target,
// worst first, then a summary naming what `fallback: false` would break.
import { formatDiagnostics } from '../diagnostics.js';
import type { ImageStatus, PreflightReport, TargetCheck } from './types.js';

export const formatReportJson = (report: PreflightReport): string => `${JSON.stringify(report, null, 2)}\n`;

const MARK: Record<ImageStatus, string> = {
  mirror: '✓',
  source: '⚠',
  missing: '✖',
  unreachable: '✖',
  invalid: '✖',
};
const RANK: Record<ImageStatus, number> = { invalid: 0, missing: 1, unreachable: 2, source: 3, mirror: 4 };

function line(reference: string, t: TargetCheck): string {
  const head = `${MARK[t.status]} ${reference} [${t.target}]`;
  switch (t.status) {
    case 'mirror': {
      const served = t.requests.find((r) => r.url === t.servedBy);
      const ms = served?.latencyMs !== undefined ? ` (${Math.round(served.latencyMs)} ms)` : '';
      return `${head} mirror ${t.servedBy ?? ''} ${t.digest ?? ''}${ms}`;
    }
    case 'source':
      return `${head} source only: ${t.reason ?? ''}${t.breaksWithoutFallback ? ' (breaks with fallback: false)' : ''}`;
    default:
      return `${head} ${t.status}: ${t.reason ?? ''}`;
  }
}

export function formatReportText(report: PreflightReport): string {
  const rows = report.images
    .flatMap((image) => image.targets.map((t) => ({ image, t })))
    .sort((a, b) => RANK[a.t.status] - RANK[b.t.status] || (a.image.reference < b.image.reference ? -1 : 1));
  const out = rows.map(({ image, t }) => line(image.reference, t));
  const s = report.summary;
  out.push(
    '',
    `${report.ok ? '✓' : '✖'} ${s.images} images × ${report.targets.length} targets: ${s.mirror} from a mirror, ` +
      `${s.source} from the source only, ${s.missing} missing, ${s.unreachable} unreachable` +
      (s.invalid > 0 ? `, ${s.invalid} invalid (a 200 that is not the manifest)` : ''),
  );
  if (s.breaksWithoutFallback > 0) {
    const broken = rows
      .filter((r) => r.t.breaksWithoutFallback)
      .map((r) => `  ${r.image.reference} [${r.t.target}]`);
    const n = s.breaksWithoutFallback;
    out.push(`⚠ with fallback: false ${n === 1 ? 'this pull' : `these ${n} pulls`} would fail:`, ...broken);
  }
  if (report.diagnostics.length > 0) out.push('', formatDiagnostics(report.diagnostics));
  return `${out.join('\n')}\n`;
}
