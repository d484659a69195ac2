// Writes docs/troubleshooting.md: every diagnostic code mirrorctl can print, with the message (the
// cause, `…` where the source fills in a value), the hint (the fix) and the file that raises it.
// Codes are found with the TypeScript compiler's own parser: object literals with a string `code`
// (a Diagnostic, or a finding that becomes one). test/readme/troubleshooting.test.ts
// fails when the page is stale, so a new code cannot ship undocumented.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface CodeEntry {
  code: string;
  severity?: string;
  messages: string[];
  hints: string[];
  files: string[];
}

const repo = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** A string or template literal as text, `…` for each substitution; undefined for anything else. */
function literalText(node: ts.Expression): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return node.head.text + node.templateSpans.map((s) => `…${s.literal.text}`).join('');
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const [l, r] = [literalText(node.left), literalText(node.right)];
    return `${l ?? '…'}${r ?? '…'}`;
  }
  return undefined;
}

/** A property's value; a shorthand (`{ message }`) is an identifier, so its text is unknown here. */
const prop = (o: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined => {
  const p = o.properties.find((x) => x.name?.getText() === name);
  if (p && ts.isPropertyAssignment(p)) return p.initializer;
  return p && ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
};

/** mirrorctl's codes are dotted (`spec.url.scheme`); zod's own issue code 'custom' is not. */
const DOTTED = /^[a-z]+(\.[a-z0-9-]+)+$/;
/** A bare string (a code handed to a helper) counts only when it starts with a known area. */
const CODE_SHAPE =
  /^(spec|detect|render|plan|agent|host|explain|preflight|auth|cluster|kubectl|distro|convert|import|toml|commands|cli|verify|registry|openshift)(\.[a-z0-9-]+)+$/;

const FILE_NAME = /\.(mjs|js|ts|json|ya?ml|toml|conf|pem|sock)$/;

/** The code(s) a `code:` value can take: a literal, or each literal branch of a conditional. */
function codeTexts(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node)) return DOTTED.test(node.text) ? [node.text] : [];
  if (ts.isConditionalExpression(node)) return [...codeTexts(node.whenTrue), ...codeTexts(node.whenFalse)];
  if (ts.isParenthesizedExpression(node)) return codeTexts(node.expression);
  return [];
}

export function collectCodes(root = repo): CodeEntry[] {
  const byCode = new Map<string, CodeEntry>();
  for (const file of sourceFiles(join(root, 'src'))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const rel = relative(root, file);
    const entryOf = (code: string): CodeEntry => {
      const entry = byCode.get(code) ?? { code, messages: [], hints: [], files: [] };
      if (!entry.files.includes(rel)) entry.files.push(rel);
      byCode.set(code, entry);
      return entry;
    };
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node)) {
        const code = prop(node, 'code');
        for (const text of code ? codeTexts(code) : []) {
          const entry = entryOf(text);
          const severity = prop(node, 'severity');
          if (severity && ts.isStringLiteral(severity)) entry.severity ??= severity.text;
          const message = prop(node, 'message');
          const m = message && literalText(message);
          if (m && !entry.messages.includes(m)) entry.messages.push(m);
          const h = prop(node, 'hint');
          const ht = h && literalText(h);
          if (ht && !entry.hints.includes(ht)) entry.hints.push(ht);
        }
      } else if (ts.isCallExpression(node) && node.arguments.length >= 2) {
        // helpers shaped like `fail(code, message, hint, …)` (the renderers')
        const [code, message, hint] = node.arguments;
        if (code && ts.isStringLiteral(code) && CODE_SHAPE.test(code.text) && message) {
          const entry = entryOf(code.text);
          const m = literalText(message);
          if (m && !entry.messages.includes(m)) entry.messages.push(m);
          const h = hint && literalText(hint);
          if (h && !entry.hints.includes(h)) entry.hints.push(h);
        }
      }
      if (ts.isStringLiteral(node) && CODE_SHAPE.test(node.text) && !FILE_NAME.test(node.text)) {
        // a code handed to a helper (`checkDrift(…, 'agent.rollback.drift')`, `new HostFsError(…)`)
        entryOf(node.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}

const GROUPS: Record<string, string> = {
  spec: 'The spec file (`-f`): YAML/JSON syntax, schema, registry names and URLs, TLS files. Exit 2.',
  detect: 'Runtime detection on the node (files, sockets, version output).',
  render: 'Rendering a target format: what a runtime cannot express, lints on legal-but-wrong settings.',
  plan: 'Planning against the files on the node: conflicts are refused before anything is written (exit 5).',
  agent: 'The apply/rollback/uninstall transaction on the node (exit 3 restored, 4 needs a human).',
  host: 'Filesystem and process access under `--root`.',
  explain: 'Request resolution for `explain`, `verify` and `preflight`.',
  preflight: '`mirrorctl preflight`: images in use versus what the mirrors serve.',
  auth: 'Registry credentials (auth files, tokens).',
  cluster: 'Cluster mode (`rollout`, `nodes`, `status --cluster`).',
  kubectl: 'Parsing `kubectl get nodes` output.',
  distro: 'Distributions that own the runtime files (k3s/RKE2, OpenShift, Talos, Bottlerocket).',
  openshift: 'OpenShift (MCO-managed nodes: ImageDigestMirrorSet/ImageTagMirrorSet instead of node files).',
  convert: '`mirrorctl convert`: other formats to and from the spec.',
  import: '`mirrorctl import --from-node`: a node’s existing files back into a spec.',
  toml: 'TOML files on the node that cannot be parsed or edited.',
  commands: 'Command-line arguments.',
  cli: 'Command-line usage.',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTroubleshooting(entries: readonly CodeEntry[]): string {
  const out = [
    '# Troubleshooting: every diagnostic code',
    '',
    '<!-- Generated by `npx tsx scripts/gen-troubleshooting.ts` from the sources; do not edit by hand. -->',
    '',
    'mirrorctl prints findings as `✖|⚠|ℹ [file:line:col] [target] field: message` followed by',
    '`→ hint` (the fix). With `-o json` they carry a stable `code`. This page lists every code, the',
    'message it prints (the cause; `…` is filled in with the file, field or value at hand) and the',
    'fix. Exit codes: [exit-codes.md](exit-codes.md). Runtime background: [runtimes/](runtimes/containerd.md).',
    '',
    'Common first steps: `mirrorctl detect` (what mirrorctl sees on the node), `mirrorctl explain IMAGE -f',
    'SPEC` (the exact requests each runtime will make), `mirrorctl plan -f SPEC` (the diff), `-v` for',
    'debug output, `mirrorctl status` and `/var/lib/mirrorctl/` (journal and backups) after a failed apply.',
  ];
  const groups = [...new Set(entries.map((e) => e.code.split('.')[0] ?? ''))];
  for (const g of groups) {
    out.push('', `## ${g}`, '');
    if (GROUPS[g]) out.push(GROUPS[g], '');
    out.push('| code | severity | cause (message) | fix (hint) | raised in |', '|---|---|---|---|---|');
    for (const e of entries.filter((x) => x.code.split('.')[0] === g)) {
      const cause = e.messages.length > 0 ? e.messages.map(cell).join(' / ') : '(message built at run time)';
      const fix = e.hints.length > 0 ? e.hints.map(cell).join(' / ') : 'see the message';
      const files = e.files.map((f) => `\`${f}\``).join(', ');
      out.push(`| \`${e.code}\` | ${e.severity ?? 'varies'} | ${cause} | ${fix} | ${files} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const entries = collectCodes();
  writeFileSync(join(repo, 'docs', 'troubleshooting.md'), renderTroubleshooting(entries));
  process.stdout.write(`wrote docs/troubleshooting.md (${entries.length} codes)\n`);
}
