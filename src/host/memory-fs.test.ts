import { describe, expect, test } from 'vitest';
import { HostFsError } from './fs-error.js';
import { memoryFs, SimulatedCrash } from './memory-fs.js';
import { hostFsConformance, snapshotTree } from './testing.js';

hostFsConformance('memoryFs', async (tree) => memoryFs(tree));

describe('memoryFs fault injection', () => {
  test.each(['write', 'rename', 'fsync'] as const)(
    'the first %s fails with ENOSPC and leaves the old file',
    async (op) => {
      const fs = memoryFs({ '/etc/a': 'old' }, { fail: [{ op, nth: 1, errno: 'ENOSPC' }] });
      const err = await fs.writeFileAtomic('/etc/a', 'new', 0o644).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostFsError);
      expect((err as HostFsError).errno).toBe('ENOSPC');
      expect(await snapshotTree(fs)).toEqual({ '/etc': 'dir 755', '/etc/a': 'file 644 old' });
    },
  );

  test('a failed directory fsync comes after the rename: the file is new, the error still reported', async () => {
    const fs = memoryFs({ '/etc/a': 'old' }, { fail: [{ op: 'fsync', nth: 2, errno: 'EROFS' }] });
    await expect(fs.writeFileAtomic('/etc/a', 'new', 0o644)).rejects.toThrow(/fsync failed/);
    expect(await snapshotTree(fs)).toEqual({ '/etc': 'dir 755', '/etc/a': 'file 644 new' });
  });

  test('sticky faults keep failing', async () => {
    const fs = memoryFs({}, { fail: [{ op: 'write', nth: 2, errno: 'EROFS', sticky: true }] });
    await fs.writeFileAtomic('/a', '1', 0o644);
    await expect(fs.writeFileAtomic('/b', '2', 0o644)).rejects.toThrow(HostFsError);
    await expect(fs.writeFileAtomic('/c', '3', 0o644)).rejects.toThrow(HostFsError);
  });

  test('a crash stops every later call and may leave a temp file, like SIGKILL', async () => {
    const fs = memoryFs({ '/etc/a': 'old' }, { crashAfter: 1 });
    await expect(fs.writeFileAtomic('/etc/a', 'new', 0o644)).rejects.toBeInstanceOf(SimulatedCrash);
    await expect(fs.readFile('/etc/a')).rejects.toBeInstanceOf(SimulatedCrash);
    const after = memoryFs(fs.snapshot());
    expect(Object.keys(await snapshotTree(after))).toEqual(['/etc', '/etc/.mirrorctl-tmp-a.1', '/etc/a']);
    expect(await snapshotTree(after, { exclude: ['/etc/.mirrorctl-tmp-a.1'] })).toEqual({
      '/etc': 'dir 755',
      '/etc/a': 'file 644 old',
    });
  });

  test('counts report calls per op and primitive steps', async () => {
    const fs = memoryFs({});
    await fs.writeFileAtomic('/d/a', 'x', 0o644);
    expect(fs.counts()).toEqual({ write: 1, rename: 1, fsync: 2, steps: 5 });
  });
});
