// Format preservation over a corpus of real-world config.toml files (test/fixtures/config-toml):
// each is planned (config_path + legacy migration), patched and re-parsed. Every unrelated key and
// every comment must survive, the edit must mean exactly the planned ops, and a second plan must be
// empty (idempotent apply).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffLines } from 'diff';
import { describe, expect, it } from 'vitest';
import { analyzeContainerdConfig } from '../../src/formats/containerd-config.js';
import { planConfigPath } from '../../src/render/containerd-config.js';
import { applyTomlOps } from '../../src/toml/ops.js';
import { isTable, parseToml, type TomlTable } from '../../src/toml/parse.js';
import { patchToml } from '../../src/toml/patch.js';

const DIR = join(import.meta.dirname, '../fixtures/config-toml');
const corpus = JSON.parse(readFileSync(join(DIR, 'corpus.json'), 'utf8')) as Record<
  string,
  { runtimeVersion: string }
>;
const CERTS = '/etc/containerd/certs.d';

function pruneEmpty(t: TomlTable): TomlTable {
  const out: TomlTable = {};
  for (const [k, v] of Object.entries(t)) {
    if (!isTable(v)) out[k] = v;
    else if (Object.keys(pruneEmpty(v)).length > 0) out[k] = pruneEmpty(v);
  }
  return out;
}

const commentLines = (text: string): string[] =>
  text.split('\n').filter((l) => /^\s*#/.test(l) || /\s#\s/.test(l));

/** `sub` appears in `lines` in order (not necessarily adjacent). */
function isSubsequence(sub: string[], lines: string[]): boolean {
  let i = 0;
  for (const l of lines) if (i < sub.length && l === sub[i]) i++;
  return i === sub.length;
}

// Lines an edit may remove: the config_path value it replaces and the legacy tables it migrates.
const EDITABLE_LINE =
  /config_path|endpoint|\.mirrors\.|\.tls\]|ca_file|cert_file|key_file|insecure_skip_verify/;

describe('config.toml corpus', () => {
  for (const [name, { runtimeVersion }] of Object.entries(corpus)) {
    it(name, () => {
      const text = readFileSync(join(DIR, name), 'utf8');
      const before = parseToml(text);
      if (!before.ok) throw new Error(before.diagnostic.message);
      const analysis = analyzeContainerdConfig(text, runtimeVersion);
      const plan = planConfigPath(analysis, { certsDir: CERTS, migrateLegacy: true });
      if (analysis.criDisabled) {
        expect(plan.diagnostics.map((d) => d.code)).toContain('render.containerd-config.cri-disabled');
        expect(plan.ops).toEqual([]);
        return;
      }
      expect(plan.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const patched = patchToml(text, plan.ops);
      const after = parseToml(patched);
      if (!after.ok) throw new Error(`${after.diagnostic.message}\n${patched}`);
      // Exactly the planned edit, nothing else (unrelated keys and values unchanged).
      expect(pruneEmpty(after.value)).toEqual(pruneEmpty(applyTomlOps(before.value, plan.ops)));
      // Every comment survives, in order.
      expect(isSubsequence(commentLines(text), patched.split('\n'))).toBe(true);
      // Only lines of edited keys/tables disappear.
      const removed = diffLines(text, patched)
        .filter((p) => p.removed)
        .flatMap((p) => p.value.split('\n'))
        .filter((l) => l.trim() !== '' && !/^\s*#/.test(l));
      for (const l of removed) expect(l).toMatch(EDITABLE_LINE);
      // The result is what containerd needs, and planning again changes nothing.
      const again = analyzeContainerdConfig(patched, runtimeVersion);
      expect(again.legacyMirrors).toEqual({});
      expect(again.configPath).toBe(plan.hostsDir === CERTS ? CERTS : analysis.configPath);
      const replan = planConfigPath(again, { certsDir: CERTS, migrateLegacy: true });
      expect(replan.ops).toEqual([]);
      expect(replan.restartNeeded).toBe(false);
      expect(patchToml(patched, plan.ops)).toBe(patched);
    });
  }
});
