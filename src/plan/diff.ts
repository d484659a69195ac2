// formatPlanDiff: the human view of a plan — per file a create/update/delete header, the unified
// diff (the `diff` package, 3 lines of context), secrets redacted (redact.ts), and the runtime action. Pure:
// colour is an option, not a TTY check.
import { createTwoFilesPatch } from 'diff';
import { hasErrors } from '../diagnostics.js';
import { isHidden, redactPlan } from './redact.js';
import type { FileChange, Plan } from './types.js';

export interface DiffOptions {
  color: boolean;
}

const SGR = { bold: '1', red: '31', green: '32', yellow: '33', cyan: '36', dim: '2' } as const;
type Style = keyof typeof SGR;

const REDACTED = '(contents not shown: secret)';

const octal = (mode: number): string => `0${(mode & 0o7777).toString(8)}`;

function header(c: FileChange): { mark: string; style: Style; text: string } {
  // The agent writes secrets 0600 whatever the plan says: show the mode the file will get.
  if (c.kind !== 'delete' && c.secret) c = { ...c, mode: 0o600 };
  if (c.kind === 'create')
    return { mark: '+', style: 'green', text: `create ${c.path} (${octal(c.mode)}): ${c.reason}` };
  if (c.kind === 'update')
    return { mark: '~', style: 'yellow', text: `update ${c.path} (${octal(c.mode)}): ${c.reason}` };
  return { mark: '-', style: 'red', text: `delete ${c.path}: ${c.reason}` };
}

/** Body lines of a unified diff, without the `===` banner `diff` prints first. */
function unified(c: FileChange): string[] {
  const before = c.kind === 'create' ? '' : c.before;
  const after = c.kind === 'delete' ? '' : c.content;
  const oldName = c.kind === 'create' ? '/dev/null' : `a${c.path}`;
  const newName = c.kind === 'delete' ? '/dev/null' : `b${c.path}`;
  const patch = createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { context: 3 });
  return patch
    .split('\n')
    .filter((l) => !/^={10,}$/.test(l))
    .filter((l, i, all) => !(l === '' && i === all.length - 1));
}

function styleOf(line: string): Style | undefined {
  if (line.startsWith('+++') || line.startsWith('---')) return 'bold';
  if (line.startsWith('@@')) return 'cyan';
  if (line.startsWith('+')) return 'green';
  if (line.startsWith('-')) return 'red';
  if (line.startsWith('\\')) return 'dim';
  return undefined;
}

/** Hidden whole: a secret file, or a host file whose secret values could not all be located. */
const hiddenWhole = (c: FileChange): boolean =>
  c.secret === true || (c.kind === 'delete' ? isHidden(c.before) : isHidden(c.content));

export function formatPlanDiff(plan: Plan, opts: DiffOptions): string {
  const paint = (s: string, style: Style | undefined): string =>
    opts.color && style ? `\u001b[${SGR[style]}m${s}\u001b[0m` : s;
  const out: string[] = [];
  // The same redaction as -o json: secret values in host files show as numbered placeholders.
  for (const c of redactPlan(plan).changes) {
    const h = header(c);
    out.push(paint(`${h.mark} ${h.text}`, h.style));
    if (hiddenWhole(c)) {
      out.push(`  ${paint(REDACTED, 'dim')}`);
      continue;
    }
    for (const line of unified(c)) out.push(paint(line, styleOf(line)));
  }
  // "In sync" only when nothing blocked the plan: an error may have left changes out (issue 15.7).
  if (plan.changes.length === 0)
    out.push(
      hasErrors(plan.diagnostics)
        ? 'no changes planned: blocked by errors'
        : 'no changes: the node is in sync',
    );
  const a = plan.action;
  const action =
    a.kind === 'none'
      ? `runtime: no ${a.service} action (${a.reason})`
      : `runtime: ${a.kind} ${a.service} (${a.reason})`;
  out.push(paint(action, a.kind === 'none' ? 'dim' : 'bold'));
  return `${out.join('\n')}\n`;
}
