// Conformance suite every HostFs adapter must pass (spegel storetest-style): run by
// memory-fs.test.ts and node-fs.test.ts with the same cases, so the fake used by the transaction tests
// cannot drift from the real adapter. Also: snapshotTree, the tree assertion helper for tests.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { HostFsError, MAX_READ_BYTES } from './fs-error.js';
import type { MemoryTree } from './memory-fs.js';
import type { HostFs } from './ports.js';

/** Builds a fresh adapter holding `tree` (materialised on disk for nodeFs). */
export type MakeHostFs = (tree: MemoryTree) => Promise<HostFs>;

const dec = new TextDecoder();

/** Every entry under `dir`: `file 644 <text>`, `dir 755`, `symlink`, `other`. For exact tree asserts. */
export async function snapshotTree(
  fs: HostFs,
  opts: { dir?: string; exclude?: readonly string[] } = {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await fs.readDir(dir)) ?? []) {
      const p = dir === '/' ? `/${name}` : `${dir}/${name}`;
      if (opts.exclude?.some((x) => p === x || p.startsWith(`${x}/`))) continue;
      const st = await fs.stat(p);
      if (!st) continue;
      const mode = st.mode.toString(8);
      if (st.type === 'dir') {
        out[p] = `dir ${mode}`;
        await walk(p);
      } else if (st.type === 'file') {
        out[p] = `file ${mode} ${dec.decode((await fs.readFile(p)) ?? new Uint8Array())}`;
      } else out[p] = st.type;
    }
  };
  await walk(opts.dir ?? '/');
  return out;
}

const text = async (fs: HostFs, p: string) => {
  const b = await fs.readFile(p);
  return b === null ? null : dec.decode(b);
};

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HostFsError);
  expect((err as HostFsError).code).toBe(code);
}

export function hostFsConformance(name: string, make: MakeHostFs): void {
  describe(`HostFs conformance: ${name}`, () => {
    test('absent paths read as null', async () => {
      const fs = await make({});
      expect(await fs.readFile('/etc/containerd/config.toml')).toBeNull();
      expect(await fs.stat('/etc/containerd')).toBeNull();
      expect(await fs.readDir('/etc/containerd')).toBeNull();
    });

    test('atomic write creates parents, sets the exact mode and leaves no temp file', async () => {
      const fs = await make({});
      await fs.writeFileAtomic('/etc/containerd/certs.d/x/client.key', 'KEY', 0o600);
      await fs.writeFileAtomic('/etc/containerd/certs.d/x/hosts.toml', 'a', 0o644);
      await fs.writeFileAtomic('/etc/containerd/certs.d/x/hosts.toml', 'b', 0o640);
      expect(await snapshotTree(fs, { dir: '/etc/containerd/certs.d' })).toEqual({
        '/etc/containerd/certs.d/x': 'dir 755',
        '/etc/containerd/certs.d/x/client.key': 'file 600 KEY',
        '/etc/containerd/certs.d/x/hosts.toml': 'file 640 b',
      });
    });

    test('bytes round-trip exactly (binary, empty)', async () => {
      const fs = await make({});
      const bytes = new Uint8Array([0, 255, 10, 13, 0xc3, 0x28]);
      await fs.writeFileAtomic('/b', bytes, 0o644);
      await fs.writeFileAtomic('/e', '', 0o644);
      expect(await fs.readFile('/b')).toEqual(bytes);
      expect(await fs.readFile('/e')).toEqual(new Uint8Array());
    });

    test('readDir is sorted; a file is not a directory', async () => {
      const fs = await make({ '/d/b': '', '/d/a': '', '/d/c/x': '' });
      expect(await fs.readDir('/d')).toEqual(['a', 'b', 'c']);
      await rejectsWith(fs.readDir('/d/a'), 'host.fs.not-dir');
    });

    test('directories and special files are refused on read', async () => {
      const fs = await make({ '/d/x': '', '/run/fifo': { fifo: true } });
      await rejectsWith(fs.readFile('/d'), 'host.fs.not-regular');
      await rejectsWith(fs.readFile('/run/fifo'), 'host.fs.not-regular');
      expect((await fs.stat('/run/fifo'))?.type).toBe('other');
    });

    test('files over 4 MiB are refused on read; 4 MiB exactly is fine', async () => {
      const fs = await make({
        '/big': new Uint8Array(MAX_READ_BYTES + 1),
        '/max': new Uint8Array(MAX_READ_BYTES),
      });
      await rejectsWith(fs.readFile('/big'), 'host.fs.too-large');
      expect((await fs.readFile('/max'))?.length).toBe(MAX_READ_BYTES);
    });

    test('removeFile: absent is fine, a directory is refused, a symlink is removed (not its target)', async () => {
      const fs = await make({ '/d/f': 'x', '/d/l': { symlink: 'f' } });
      await fs.removeFile('/d/none');
      await rejectsWith(fs.removeFile('/d'), 'host.fs.not-regular');
      await fs.removeFile('/d/l');
      expect(await snapshotTree(fs)).toEqual({ '/d': 'dir 755', '/d/f': 'file 644 x' });
    });

    test('mkdirp uses the mode; a file in the way is refused; removeDirIfEmpty only removes empty dirs', async () => {
      const fs = await make({ '/f': 'x', '/full/x': '' });
      await fs.mkdirp('/a/b', 0o700);
      expect(await fs.stat('/a/b')).toMatchObject({ type: 'dir', mode: 0o700 });
      await rejectsWith(fs.mkdirp('/f/sub'), 'host.fs.not-dir');
      expect(await fs.removeDirIfEmpty('/full')).toBe(false);
      expect(await fs.removeDirIfEmpty('/a/b')).toBe(true);
      expect(await fs.removeDirIfEmpty('/a/b')).toBe(false);
      expect(await fs.stat('/a/b')).toBeNull();
    });

    test('lockExclusive: one holder at a time; content written in place; release removes the file', async () => {
      const fs = await make({ '/var/lib/mirrorctl/lock': 'left by a dead holder' });
      const first = await fs.lockExclusive('/var/lib/mirrorctl/lock', 0o600);
      expect(first).not.toBeNull();
      expect(await text(fs, '/var/lib/mirrorctl/lock')).toBe('left by a dead holder');
      await first?.write('{"pid":1}');
      expect(await text(fs, '/var/lib/mirrorctl/lock')).toBe('{"pid":1}');
      expect(await fs.lockExclusive('/var/lib/mirrorctl/lock', 0o600)).toBeNull();
      await first?.release();
      expect(await fs.stat('/var/lib/mirrorctl/lock')).toBeNull();
      const second = await fs.lockExclusive('/var/lib/mirrorctl/lock', 0o600);
      expect(await fs.stat('/var/lib/mirrorctl/lock')).toMatchObject({ type: 'file', mode: 0o600 });
      await second?.release();
    });

    test('`..` and relative paths are refused', async () => {
      const fs = await make({});
      await rejectsWith(fs.readFile('/etc/../../x'), 'host.fs.escape');
      await rejectsWith(fs.writeFileAtomic('/etc/containerd/../../../tmp/x', 'x', 0o644), 'host.fs.escape');
      await rejectsWith(fs.readFile('etc/x'), 'host.fs.escape');
    });

    test('symlinks inside the root are followed; writes go to the target and keep the link', async () => {
      const fs = await make({
        '/srv/containerd/config.toml': 'version = 2\n',
        '/etc/containerd/config.toml': { symlink: '../../srv/containerd/config.toml' },
        '/etc/containerd/certs.d': { symlink: '/srv/certs' },
        '/srv/certs/docker.io/hosts.toml': 'server = "x"\n',
      });
      expect(await text(fs, '/etc/containerd/config.toml')).toBe('version = 2\n');
      expect(await text(fs, '/etc/containerd/certs.d/docker.io/hosts.toml')).toBe('server = "x"\n');
      expect(await fs.readDir('/etc/containerd/certs.d')).toEqual(['docker.io']);
      await fs.writeFileAtomic('/etc/containerd/config.toml', 'version = 3\n', 0o644);
      expect((await fs.stat('/etc/containerd/config.toml'))?.type).toBe('symlink');
      expect(await text(fs, '/srv/containerd/config.toml')).toBe('version = 3\n');
    });

    test('an absolute link target such as /etc/shadow stays inside the root', async () => {
      const fs = await make({ '/etc/containerd/config.toml': { symlink: '/etc/shadow' } });
      // The host's real /etc/shadow must never be reached: the target is resolved under the root.
      expect(await fs.readFile('/etc/containerd/config.toml')).toBeNull();
    });

    test('links that leave the root are refused for read, write, list and mkdir', async () => {
      const fs = await make({
        '/etc/containerd/certs.d/evil.io': { symlink: '../../../../../../../../etc' },
        '/etc/containerd/config.toml': { symlink: '../../../../../../../../etc/shadow' },
        '/etc/containerd/up': { symlink: '../../..' },
      });
      await rejectsWith(fs.readFile('/etc/containerd/config.toml'), 'host.fs.escape');
      await rejectsWith(fs.writeFileAtomic('/etc/containerd/config.toml', 'x', 0o644), 'host.fs.escape');
      await rejectsWith(fs.readFile('/etc/containerd/certs.d/evil.io/passwd'), 'host.fs.escape');
      await rejectsWith(fs.readDir('/etc/containerd/certs.d/evil.io'), 'host.fs.escape');
      await rejectsWith(
        fs.writeFileAtomic('/etc/containerd/certs.d/evil.io/hosts.toml', 'x', 0o644),
        'host.fs.escape',
      );
      await rejectsWith(fs.mkdirp('/etc/containerd/up/x'), 'host.fs.escape');
      // lstat and unlink of the link itself are fine: they never follow it.
      expect((await fs.stat('/etc/containerd/certs.d/evil.io'))?.type).toBe('symlink');
      await fs.removeFile('/etc/containerd/certs.d/evil.io');
      expect(await fs.stat('/etc/containerd/certs.d/evil.io')).toBeNull();
    });

    test('symlink loops are refused', async () => {
      const fs = await make({ '/a': { symlink: 'b' }, '/b': { symlink: 'a' } });
      await rejectsWith(fs.readFile('/a'), 'host.fs.symlink-loop');
    });

    test('property: any sequence of writes and removes matches a map model', async () => {
      const op = fc.record({
        path: fc.constantFrom('/x/a', '/x/b', '/x/y/c', '/z'),
        data: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
        mode: fc.constantFrom(0o600, 0o644),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
          const fs = await make({});
          const model = new Map<string, string>();
          for (const o of ops) {
            if (o.data === null) {
              await fs.removeFile(o.path);
              model.delete(o.path);
            } else {
              await fs.writeFileAtomic(o.path, o.data, o.mode);
              model.set(o.path, `file ${o.mode.toString(8)} ${o.data}`);
            }
          }
          const files = Object.entries(await snapshotTree(fs)).filter(([, v]) => v.startsWith('file'));
          expect(Object.fromEntries(files)).toEqual(Object.fromEntries(model));
        }),
        { numRuns: 40 },
      );
    });
  });
}
