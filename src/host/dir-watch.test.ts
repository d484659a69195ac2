// The node agent's file-change hint on a real directory tree (inotify): changes in nested
// directories, in directories created later, and after a file was replaced atomically (temp file +
// rename, as mirrorctl's own writes and most editors do) must all be reported.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type DirWatch, watchDirs } from './dir-watch.js';

let dir: string;
let w: DirWatch | undefined;
afterEach(() => {
  w?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts watching `dir`; resolves the number of callbacks seen after `act` and a quiet period
 *  (one burst may arrive as two callbacks on a loaded machine: only "reported at all" is asserted). */
function watching(quietMs = 50) {
  let calls = 0;
  w = watchDirs([dir], () => calls++, quietMs);
  return async (act: () => void): Promise<number> => {
    const before = calls;
    act();
    await new Promise((r) => setTimeout(r, quietMs * 20));
    return calls - before;
  };
}

describe('watchDirs', () => {
  it('reports a change in a nested directory, and in one created after the watch began', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mirrorctl-watch-'));
    mkdirSync(join(dir, 'certs.d/docker.io'), { recursive: true });
    const change = watching();
    expect(
      await change(() => writeFileSync(join(dir, 'certs.d/docker.io/hosts.toml'), 'a')),
    ).toBeGreaterThanOrEqual(1);
    expect(await change(() => mkdirSync(join(dir, 'certs.d/quay.io')))).toBeGreaterThanOrEqual(1);
    expect(
      await change(() => writeFileSync(join(dir, 'certs.d/quay.io/hosts.toml'), 'b')),
    ).toBeGreaterThanOrEqual(1);
  });

  it('still reports a change to a file after it was replaced atomically (temp file + rename)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mirrorctl-watch-'));
    mkdirSync(join(dir, 'certs.d/docker.io'), { recursive: true });
    const hosts = join(dir, 'certs.d/docker.io/hosts.toml');
    writeFileSync(hosts, 'written by mirrorctl');
    const change = watching();
    expect(
      await change(() => {
        writeFileSync(join(dir, 'certs.d/docker.io/.hosts.toml.tmp'), 'rewritten by mirrorctl');
        renameSync(join(dir, 'certs.d/docker.io/.hosts.toml.tmp'), hosts);
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(await change(() => writeFileSync(hosts, 'tampered'))).toBeGreaterThanOrEqual(1);
  });

  it('still reports changes under a directory that was replaced by another one of the same name', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mirrorctl-watch-'));
    mkdirSync(join(dir, 'certs.d/docker.io'), { recursive: true });
    const change = watching();
    expect(
      await change(() => {
        mkdirSync(join(dir, 'certs.d/docker.io.new'));
        rmSync(join(dir, 'certs.d/docker.io'), { recursive: true });
        renameSync(join(dir, 'certs.d/docker.io.new'), join(dir, 'certs.d/docker.io'));
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await change(() => writeFileSync(join(dir, 'certs.d/docker.io/hosts.toml'), 'x')),
    ).toBeGreaterThanOrEqual(1);
  });
});
