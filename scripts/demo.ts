// `npm run demo`: the whole mirrorctl loop on bundled example nodes, no cluster needed.
// Part 1 — for each node root under examples/nodes/ (copied to a temp dir): detect → plan (diff and
// runtime action) → apply --no-runtime-action → status and verify (config checks; the deferred
// restart/reload reported as not done) → plan again (files in sync, the restart still owed) →
// uninstall, then proves the tree is byte-identical to the copy it started from.
// Part 2 — when run as root with the Debian packages present: a real containerd 1.6 and a loopback
// mirror in a private network + mount namespace (scripts/demo/real-containerd.ts).
// Exits non-zero as soon as anything does not behave as shown, so a test can run it.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoFailure, heading, mirrorctl, note } from './demo/cli.js';
import { EXAMPLE_NODES, type ExampleNode } from './demo/nodes.js';
import { snapshotDiff, snapshotDir } from './demo/snapshot.js';

const repo = join(import.meta.dirname, '..');
const SPEC = 'examples/demo.yaml';

async function demoNode(node: ExampleNode, work: string): Promise<void> {
  heading(`node ${node.name}: ${node.title}`);
  note(node.note);
  const root = join(work, node.name);
  cpSync(join(repo, 'examples', 'nodes', node.name), root, { recursive: true });
  const before = snapshotDir(root);
  const rootArgs = ['--root', root];
  const specArgs = ['-f', SPEC, ...rootArgs, '--runtime-version', node.runtimeVersion];
  const flags = node.applyFlags?.flags ?? [];

  await mirrorctl(['detect', ...rootArgs]);
  if (node.applyFlags) {
    await mirrorctl(['plan', ...specArgs], [5]);
    note(node.applyFlags.why);
  }
  // exit 1 = changes pending: the diff and the runtime action it needs
  await mirrorctl(['plan', ...specArgs, ...flags], [1]);
  await mirrorctl(['apply', ...specArgs, ...flags, '--no-runtime-action']);
  // The example roots hold placeholder socket files (git cannot store sockets): no runtime answers
  // there, so verify checks the files and the spec, and the CRI check is left to part 2.
  for (const socket of ['run/containerd/containerd.sock', 'run/crio/crio.sock']) {
    rmSync(join(root, socket), { force: true });
  }
  // The restart/reload left to you is recorded: status and verify say it is not done (exit 1).
  await mirrorctl(['status', ...rootArgs], [1]);
  await mirrorctl(['verify', '-f', SPEC, ...rootArgs, '--runtime', 'auto'], [1]);
  note('a second plan of the same spec: the files are in sync; only the deferred restart/reload is owed');
  await mirrorctl(['plan', ...specArgs, ...flags], [1]);
  await mirrorctl(['uninstall', ...rootArgs, '--no-runtime-action']);
  // put the placeholders back so the comparison is with the tree as copied
  cpSync(join(repo, 'examples', 'nodes', node.name, 'run'), join(root, 'run'), { recursive: true });
  const diffs = snapshotDiff(before, snapshotDir(root));
  if (diffs.length > 0)
    throw new DemoFailure(`${node.name}: tree differs after uninstall:\n${diffs.join('\n')}`);
  process.stdout.write(
    `✓ ${node.name}: after uninstall the tree is byte-identical to before (${before.size} entries)\n`,
  );
}

function canRunRealContainerd(): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root';
  const tools = ['containerd', 'docker-registry', 'skopeo', 'unshare', 'ip', 'mount'];
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  return missing.length > 0
    ? `missing ${missing.join(', ')} (sudo scripts/setup-e2e.sh installs them)`
    : undefined;
}

async function main(): Promise<number> {
  process.chdir(repo);
  const work = mkdtempSync(join(tmpdir(), 'mirrorctl-demo-'));
  try {
    heading(`part 1: ${SPEC} on ${EXAMPLE_NODES.length} example nodes (copies in ${work})`);
    for (const node of EXAMPLE_NODES) await demoNode(node, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const skip = canRunRealContainerd();
  if (skip) {
    heading('part 2 skipped: real containerd + mirror');
    note(`${skip}`);
    return 0;
  }
  heading('part 2: a real containerd 1.6 pulling through a loopback mirror (private namespaces)');
  // A fresh network namespace (only lo) and mount namespace: the real node paths /etc/containerd and
  // /var/lib/mirrorctl are temp dirs there, so this machine's own files are never touched.
  const child = spawnSync(
    'unshare',
    [
      '--net',
      '--mount',
      '--propagation',
      'private',
      '--',
      process.execPath,
      '--import',
      'tsx',
      'scripts/demo/real-containerd.ts',
    ],
    {
      stdio: 'inherit',
      // the harness refuses to mount unless it can tell this namespace from the one it runs in
      env: { ...process.env, MIRRORCTL_E2E_HOST_MNTNS: readlinkSync('/proc/self/ns/mnt') },
    },
  );
  return child.status ?? 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`\n✖ demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
