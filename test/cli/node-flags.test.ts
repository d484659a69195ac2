// One flag set for every node verb (issue 15.13): plan, apply, rollback, uninstall and import take the
// same --root/--runtime flags and the changing verbs the same runtime-control flags, so a script can
// pass one set to all of them; hints name flags the verb showing them takes; quoted runtime errors
// are the ones the runtime prints.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { CommandDef } from '../../src/cli/command.js';
import { applyCommand } from '../../src/cli/commands/apply.js';
import { importCommand } from '../../src/cli/commands/import.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import { rollbackCommand } from '../../src/cli/commands/rollback.js';
import { uninstallCommand } from '../../src/cli/commands/uninstall.js';
import { runCli } from '../../src/cli/testing.js';

const FIXTURES = new URL('../fixtures/hosts/', import.meta.url).pathname;
const SPEC = `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: hub }
spec:
  registries:
    - source: docker.io
      mirrors: [{ url: "https://cache.example.com" }]
`;
const dirs: string[] = [];
function node(fixture?: string): { root: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-flags-'));
  dirs.push(dir);
  if (fixture) cpSync(join(FIXTURES, fixture, 'tree'), join(dir, 'root'), { recursive: true });
  else mkdirSync(join(dir, 'root'));
  writeFileSync(join(dir, 'mirrors.yaml'), SPEC);
  return { root: join(dir, 'root'), spec: join(dir, 'mirrors.yaml') };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const flagsOf = (c: CommandDef): Map<string, string> =>
  new Map(c.options.map((o) => [o.flags, o.description]));
const NODE_FLAGS = ['--root <dir>', '--runtime <target>', '--runtime-version <v>', '--containerd-bin <path>'];
const CONTROL_FLAGS = [
  '--restart-command <cmd>',
  '--reload-command <cmd>',
  '--cri-endpoint <url>',
  '--health-timeout <duration>',
  '--no-runtime-action',
];

describe('the node flags are one table', () => {
  test.each([planCommand, applyCommand, rollbackCommand, uninstallCommand, importCommand])(
    '$name takes --root and the runtime flags, described as plan describes them',
    (c) => {
      const plan = flagsOf(planCommand);
      const mine = flagsOf(c);
      for (const f of NODE_FLAGS)
        expect({ flag: f, description: mine.get(f) }).toEqual({
          flag: f,
          description: plan.get(f),
        });
    },
  );

  test.each([rollbackCommand, uninstallCommand])('$name takes the runtime-control flags apply takes', (c) => {
    const apply = flagsOf(applyCommand);
    const mine = flagsOf(c);
    for (const f of CONTROL_FLAGS) {
      expect(apply.get(f), f).toBeDefined();
      expect({ flag: f, description: mine.get(f) }).toEqual({ flag: f, description: apply.get(f) });
    }
  });

  test('a script passing the same node flags to every verb works', async () => {
    const n = node('debian12-containerd16');
    const same = ['--root', n.root, '--runtime', 'containerd', '--runtime-version', '1.6.20'];
    const control = ['--no-runtime-action', '--health-timeout', '5s'];
    const plan = await runCli(['plan', '-f', n.spec, ...same]);
    expect(plan.code, plan.stderr).toBe(1);
    const apply = await runCli(['apply', '-f', n.spec, ...same, ...control]);
    expect(apply.code, apply.stderr).toBe(0);
    const rollback = await runCli(['rollback', ...same, ...control]);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain('rolled back');
    const uninstall = await runCli(['uninstall', ...same, ...control]);
    expect(uninstall.code, uninstall.stderr).toBe(0);
  });

  test('rollback with a --runtime other than the applied target is refused, nothing touched', async () => {
    const n = node('debian12-containerd16');
    const base = ['--root', n.root, '--runtime-version', '1.6.20', '--no-runtime-action'];
    expect((await runCli(['apply', '-f', n.spec, ...base, '--runtime', 'containerd'])).code).toBe(0);
    const r = await runCli(['rollback', ...base, '--runtime', 'crio']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the apply in effect on this node was for containerd');
    const status = await runCli(['status', '--root', n.root]);
    expect(status.stdout).toContain('last apply:');
  });
});

describe('hints and quoted runtime errors', () => {
  test('the legacy-mirrors hint names the flag plan/apply take for the containerd-legacy target', async () => {
    const n = node('ubuntu-containerd17-legacy-mirrors');
    const r = await runCli(['plan', '-f', n.spec, '--root', n.root, '--runtime-version', '1.7.20']);
    expect(r.code).toBe(5);
    const hint = r.stderr.split('\n').find((l) => l.includes('rerun with --migrate-legacy'));
    expect(hint).toContain('--runtime containerd-legacy');
  });

  test('every hint the renderers give that names a --target also names the --runtime plan/apply take', () => {
    const goldens = new URL('../golden/', import.meta.url).pathname;
    const hints = readdirSync(goldens, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('_diagnostics.json'))
      .flatMap((f) => JSON.parse(readFileSync(join(goldens, f), 'utf8')) as Array<{ hint?: string }>)
      .map((d) => d.hint ?? '');
    const naming = hints.filter((h) => /--target [a-z]/.test(h));
    expect(naming.length).toBeGreaterThan(5);
    for (const h of naming)
      for (const [, t] of h.matchAll(/--target ([a-z-]+)/g)) expect(h, h).toContain(`--runtime ${t}`);
  });

  test('configs.<host>.tls alone quotes the error containerd prints for configs.tls', async () => {
    const n = node();
    mkdirSync(join(n.root, 'etc/containerd'), { recursive: true });
    writeFileSync(
      join(n.root, 'etc/containerd/config.toml'),
      `version = 2
[plugins."io.containerd.grpc.v1.cri".registry.configs."harbor.example.com".tls]
  ca_file = "/etc/containerd/harbor-ca.pem"
`,
    );
    const r = await runCli([
      'plan',
      '-f',
      n.spec,
      '--root',
      n.root,
      '--runtime',
      'containerd',
      '--runtime-version',
      '1.7.20',
    ]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('("`configs.tls` cannot be set when `config_path` is provided")');
    expect(r.stderr).not.toContain('`mirrors` cannot be set');
  });
});
