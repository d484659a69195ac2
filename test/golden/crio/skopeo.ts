// Runs the real containers/image (skopeo 1.9.3, c/image 5.23.1 on Debian 12) against a
// registries.conf, offline: `unshare --net --mount` with an empty (or given) registries.conf.d bound
// over /etc/containers/registries.conf.d, so nothing leaves the machine and the host config is unseen.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const skopeoAvailable = (): boolean =>
  process.getuid?.() === 0 &&
  spawnSync('skopeo', ['--version']).status === 0 &&
  spawnSync('unshare', ['--net', '--mount', 'true']).status === 0;

export interface SkopeoRun {
  /** stderr with logrus' \" escapes undone. */
  log: string;
  /** `Trying to access "<ref>"` lines: the pull sources c/image tried, in order. */
  tried: string[];
  /** `GET <scheme>://<host>/v2/` pings, in order. */
  pings: string[];
}

export function skopeoInspect(mainConf: string, dropIns: Record<string, string>, image: string): SkopeoRun {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-skopeo-'));
  try {
    const confDir = join(dir, 'registries.conf.d');
    mkdirSync(confDir);
    writeFileSync(join(dir, 'registries.conf'), mainConf);
    for (const [name, text] of Object.entries(dropIns)) writeFileSync(join(confDir, name), text);
    const script = [
      'mount --bind "$1" /etc/containers/registries.conf.d',
      'exec skopeo --debug --registries-conf "$2" inspect --no-tags "docker://$3"',
    ].join(' && ');
    const r = spawnSync(
      'unshare',
      ['--net', '--mount', 'sh', '-c', script, 'sh', confDir, join(dir, 'registries.conf'), image],
      { encoding: 'utf8', timeout: 30_000, env: { ...process.env, HOME: dir } },
    );
    const log = (r.stderr ?? '').replace(/\\"/g, '"');
    const tried = [...log.matchAll(/Trying to access "([^"]+)"/g)].map((m) => m[1] ?? '');
    const pings = [...log.matchAll(/msg="GET (https?:\/\/[^/]+\/v2\/)"/g)].map((m) => m[1] ?? '');
    return { log, tried, pings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
