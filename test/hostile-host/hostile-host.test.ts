// Hostile host files: malformed, half-written, huge, binary, a v1 registries.conf, legacy mirrors next
// to config_path, and symlinks out of the root. `plan` and `apply` must refuse with a reason naming
// the file, exit non-zero, and write NOTHING (the whole temp dir, /var/lib/mirrorctl included, is
// byte-identical before and after; a dir beside the root stands for "outside").
import { afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/testing.js';
import { CASES } from './cases.js';
import { cleanup, snapshot, tempNode } from './tree.js';

afterEach(cleanup);

describe.each(['plan', 'apply'])('%s on a hostile host', (verb) => {
  test.each(CASES)('$name: refused, file named, nothing written', async (c) => {
    const n = tempNode(c.fixture);
    c.make(n);
    const before = snapshot(n.dir);
    const extra = verb === 'apply' ? ['--no-runtime-action'] : [];
    const r = await runCli([
      verb,
      '-f',
      n.spec,
      '--root',
      n.root,
      '--runtime',
      c.runtime,
      '--runtime-version',
      c.version,
      ...extra,
    ]);
    const out = r.stdout + r.stderr;
    expect(r.code, out).not.toBe(0);
    expect(r.code, out).not.toBe(1); // 1 = "plan has changes", not a refusal
    expect(out).toContain(c.file.startsWith('/') ? c.file : `/${c.file}`);
    expect(snapshot(n.dir)).toEqual(before);
    // A refusal quotes the file's name, never its contents (a link may point at /etc/shadow).
    expect(out).not.toContain('HASHHASH');
  });
});
