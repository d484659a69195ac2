// Label selectors (`-l`), kubectl syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`.
// Used twice: to filter listed nodes and to turn the selection into DaemonSet node affinity, so the
// agent runs exactly on the nodes the rollout waits for.
import type { Diagnostic } from '../diagnostics.js';

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

const TERM =
  /^\s*(?:(!)\s*([\w./-]+)|([\w./-]+)\s*(?:(==|=|!=)\s*([\w.-]*)|\s+(in|notin)\s*\(([^)]*)\))?)\s*$/;

/** Splits on commas outside parentheses. */
function splitTerms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur);
  return out;
}

export function parseSelector(selector: string): { requirements: Requirement[]; diagnostics: Diagnostic[] } {
  const requirements: Requirement[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const term of splitTerms(selector)) {
    const m = TERM.exec(term);
    if (!m) {
      diagnostics.push({
        severity: 'error',
        code: 'cluster.selector.syntax',
        field: '--selector',
        message: `cannot parse selector term "${term.trim()}"`,
        hint: 'use kubectl syntax: key=value, key!=value, key in (a,b), key notin (a), key, !key',
      });
      continue;
    }
    const [, bang, notKey, key, op, value, setOp, setValues] = m;
    if (bang) requirements.push({ key: notKey ?? '', operator: 'DoesNotExist', values: [] });
    else if (op)
      requirements.push({ key: key ?? '', operator: op === '!=' ? 'NotIn' : 'In', values: [value ?? ''] });
    else if (setOp) {
      const values = (setValues ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      requirements.push({ key: key ?? '', operator: setOp === 'in' ? 'In' : 'NotIn', values });
    } else requirements.push({ key: key ?? '', operator: 'Exists', values: [] });
  }
  return { requirements, diagnostics };
}

export function matchesRequirements(labels: Record<string, string>, reqs: readonly Requirement[]): boolean {
  return reqs.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.operator) {
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      case 'In':
        return has && r.values.includes(v ?? '');
      default:
        return !has || !r.values.includes(v ?? '');
    }
  });
}

export const CONTROL_PLANE_LABELS = [
  'node-role.kubernetes.io/control-plane',
  'node-role.kubernetes.io/master',
];

/** The selection the rollout uses: the user's selector, plus "not a control-plane node" by default. */
export function nodeRequirements(selector: Requirement[], includeControlPlane: boolean): Requirement[] {
  const cp: Requirement[] = includeControlPlane
    ? []
    : CONTROL_PLANE_LABELS.map((key) => ({ key, operator: 'DoesNotExist' as const, values: [] }));
  return [...selector, ...cp];
}
