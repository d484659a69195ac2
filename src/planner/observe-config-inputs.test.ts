import { describe, expect, it } from 'vitest';
import { memoryFs } from '../host/memory-fs.js';
import { readContainerdImports } from './observe-config-inputs.js';

const CONFIG = '/etc/containerd/config.toml';

describe('readContainerdImports', () => {
  const fs = memoryFs({
    '/etc/containerd/conf.d/20-b.toml': 'imports = ["/opt/extra.toml", "/etc/containerd/conf.d/10-a.toml"]\n',
    '/etc/containerd/conf.d/10-a.toml': 'version = 2\n',
    '/etc/containerd/conf.d/notes.txt': 'not imported',
    '/opt/extra.toml': 'version = 2\n',
  });

  it('follows imports breadth-first, each file once, glob matches sorted (containerd LoadConfig)', async () => {
    const r = await readContainerdImports(
      fs,
      CONFIG,
      'imports = ["conf.d/*.toml", "/missing.toml"]\n',
      '2.1.9',
    );
    expect(r.files.map((f) => f.path)).toEqual([
      '/etc/containerd/conf.d/10-a.toml',
      '/etc/containerd/conf.d/20-b.toml',
      '/opt/extra.toml',
    ]);
    expect(r.unread).toEqual(['/missing.toml']);
  });

  it('does not follow a relative glob on containerd 1.6 (matched against its working directory)', async () => {
    const r = await readContainerdImports(fs, CONFIG, 'imports = ["conf.d/*.toml"]\n', '1.6.20');
    expect(r).toEqual({ files: [], unread: ['conf.d/*.toml'] });
    const abs = await readContainerdImports(
      fs,
      CONFIG,
      'imports = ["/etc/containerd/conf.d/1*.toml"]\n',
      '1.6.20',
    );
    expect(abs.files.map((f) => f.path)).toEqual(['/etc/containerd/conf.d/10-a.toml']);
  });

  it('reads nothing for a missing config.toml', async () => {
    expect(await readContainerdImports(fs, CONFIG, null)).toEqual({ files: [], unread: [] });
  });
});
