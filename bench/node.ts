// The bench's node: the e2e harness's private view of the node paths (temp dirs bind-mounted over
// /etc/containerd, /var/lib/mirrorctl, a fresh /run) and a real containerd 1.6 run by
// containerd-service.sh, the way systemd would run it. Only valid inside bench/run.sh's namespace.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForCri } from '../src/host/cri-client.js';
import { baseContainerdConfig } from '../test/e2e/harness/containerd.js';
import { mountNodeDirs, type NodeMounts } from '../test/e2e/harness/mountns.js';
import { timedRun } from './measure.js';

export const REPO = join(import.meta.dirname, '..');
export const SERVICE = join(REPO, 'bench', 'containerd-service.sh');
export const SEED = join(REPO, 'bench', 'seed-procedure.sh');
export const CRI_ENDPOINT = 'unix:///run/containerd/containerd.sock';

export interface BenchNode {
  /** Temp dir for specs and other bench files (outside the node paths). */
  readonly dir: string;
  /** Environment containerd-service.sh and seed-procedure.sh need. */
  readonly env: Record<string, string>;
  /** Starts recorded by containerd-service.sh so far. */
  starts(): number;
  /** PID of the running containerd. */
  pid(): number;
  close(): Promise<void>;
}

export async function startBenchNode(): Promise<BenchNode> {
  const dir = mkdtempSync('/tmp/mirrorctl-bench-');
  let mounts: NodeMounts | undefined;
  const containerdDir = join(dir, 'containerd');
  const baseConfig = join(dir, 'base-config.toml');
  const env = { BENCH_CONTAINERD_DIR: containerdDir, BENCH_BASE_CONFIG: baseConfig };
  const service = async (verb: string) => {
    const r = await timedRun([SERVICE, verb], { env });
    if (r.code !== 0) throw new Error(`containerd-service.sh ${verb}: ${r.stderr}`);
  };
  try {
    mounts = await mountNodeDirs(join(dir, 'node'));
    writeFileSync(baseConfig, baseContainerdConfig(2));
    writeFileSync('/etc/containerd/config.toml', baseContainerdConfig(2));
    await service('start');
    const up = await waitForCri(CRI_ENDPOINT, 60_000);
    if (!up.ok) throw new Error(`containerd did not serve CRI: ${up.error.details}`);
  } catch (e) {
    await mounts?.unmount();
    throw e;
  }
  const startsFile = join(containerdDir, 'starts');
  return {
    dir,
    env,
    starts: () => readFileSync(startsFile, 'utf8').trim().split('\n').length,
    pid: () => Number(readFileSync(join(containerdDir, 'containerd.pid'), 'utf8')),
    async close() {
      await service('stop');
      await mounts?.unmount();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A MirrorSet mapping every source to one mirror (a pull-through cache per registry). */
export function specYaml(name: string, sources: readonly string[], mirror: string): string {
  const entries = sources.map((s) => `    - source: ${s}\n      mirrors: [{ url: "${mirror}" }]\n`);
  return `apiVersion: mirrorctl/v1\nkind: MirrorSet\nmetadata: { name: ${name} }\nspec:\n  registries:\n${entries.join('')}`;
}

export function writeSpec(node: BenchNode, file: string, text: string): string {
  const path = join(node.dir, file);
  writeFileSync(path, text);
  return path;
}

/** The built CLI, as an operator runs it: the bundle package.json's bin points at (npm run build). */
export const CLI = [process.execPath, join(REPO, 'dist', 'cli', 'mirrorctl.cjs')] as const;
/** tsc's output of bin/mirrorctl.ts (what the bin was before issue 18), for comparison only. */
export const UNBUNDLED_CLI = [process.execPath, join(REPO, 'dist', 'bin', 'mirrorctl.js')] as const;
