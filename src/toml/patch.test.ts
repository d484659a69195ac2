import fc from 'fast-check';
import { stringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import type { TomlOp } from './ops.js';
import { applyTomlOps } from './ops.js';
import { getPath, isTable, parseToml, type TomlTable } from './parse.js';
import { formatKeyPath, patchToml } from './patch.js';
import { hasControlChar } from './patch-keys.js';

const V2 = `# containerd config
version = 2

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.6" # pinned
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = ""
    # legacy mirror
    [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
      endpoint = ["https://mirror.example.com"]
`;

describe('formatKeyPath', () => {
  it.each([
    [['plugins', 'io.containerd.grpc.v1.cri', 'registry'], 'plugins."io.containerd.grpc.v1.cri".registry'],
    [['mirrors', 'registry.example.com:5000'], 'mirrors."registry.example.com:5000"'],
    [['a_b', 'c-d', '9'], 'a_b.c-d.9'],
    [['mirrors', '*'], 'mirrors."*"'],
  ])('%j → %s', (keys, expected) => expect(formatKeyPath(keys)).toBe(expected));

  it('refuses keys the editor cannot address', () => {
    expect(() => formatKeyPath(['a"b'])).toThrow(/cannot be edited/);
  });
});

describe('patchToml', () => {
  it('is the identity for no ops', () => expect(patchToml(V2, [])).toBe(V2));

  it('changes only the edited value, keeping comments and indentation', () => {
    const out = patchToml(V2, [
      { op: 'set', keys: ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'config_path'], value: '/c' },
    ]);
    expect(out).toBe(V2.replace('config_path = ""', 'config_path = "/c"'));
  });

  it('deletes a quoted sub-table and keeps its neighbours', () => {
    const out = patchToml(V2, [
      { op: 'delete', keys: ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors', 'docker.io'] },
    ]);
    expect(out).toContain('sandbox_image = "registry.k8s.io/pause:3.6" # pinned');
    expect(out).not.toContain('endpoint');
    expect(parseToml(out)).toMatchObject({ ok: true });
  });

  it('creates missing tables as standard headers, not inline tables', () => {
    const out = patchToml(V2, [
      { op: 'set', keys: ['plugins', 'io.containerd.cri.v1.images', 'registry', 'config_path'], value: '/c' },
    ]);
    expect(out.startsWith(V2)).toBe(true);
    expect(out).toContain('[plugins."io.containerd.cri.v1.images".registry]\nconfig_path = "/c"');
    expect(out).not.toMatch(/=\s*\{/);
  });

  it('sets and deletes root-level keys (toml-edit-js cannot address them directly)', () => {
    const set = patchToml(V2, [{ op: 'set', keys: ['imports'], value: ['/etc/containerd/conf.d/*.toml'] }]);
    expect(set).toContain('version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n');
    expect(set.startsWith('# containerd config\n')).toBe(true);
    expect(patchToml(set, [{ op: 'delete', keys: ['imports'] }])).toBe(V2);
    expect(patchToml('', [{ op: 'set', keys: ['version'], value: 3 }])).toBe('version = 3\n');
  });

  it('does not create empty tables when deleting an absent key', () => {
    expect(patchToml(V2, [{ op: 'delete', keys: ['plugins', 'nope', 'x'] }])).toBe(V2);
  });

  it('is idempotent', () => {
    const ops: TomlOp[] = [
      { op: 'set', keys: ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'config_path'], value: '/c' },
      { op: 'delete', keys: ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'mirrors', 'docker.io'] },
    ];
    const once = patchToml(V2, ops);
    expect(patchToml(once, ops)).toBe(once);
  });

  it('keeps a missing final newline missing', () => {
    const out = patchToml('[a]\nb = 1', [{ op: 'set', keys: ['a', 'b'], value: 2 }]);
    expect(out).toBe('[a]\nb = 2');
  });
});

// Property: for random documents and ops, parse(patch(text, ops)) == applyTomlOps(parse(text), ops),
// and a comment-carrying table the ops never touch keeps its exact bytes.
const keyArb = fc.constantFrom('plugins', 'registry', 'io.containerd.grpc.v1.cri', 'a', 'b-c', 'x:5000', '*');
const scalarArb = fc.oneof(
  fc.string({ maxLength: 8 }).filter((s) => !hasControlChar(s)),
  fc.integer({ min: -1000, max: 1000 }),
  fc.boolean(),
  fc.array(
    fc.string({ maxLength: 5 }).filter((s) => !hasControlChar(s)),
    { maxLength: 3 },
  ),
);
const tableArb: fc.Arbitrary<TomlTable> = fc.letrec<{ t: TomlTable }>((tie) => ({
  t: fc.dictionary(keyArb, fc.oneof({ depthSize: 'small', maxDepth: 3 }, scalarArb, tie('t')), {
    maxKeys: 4,
  }) as fc.Arbitrary<TomlTable>,
})).t;
const opArb: fc.Arbitrary<TomlOp> = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    keys: fc.array(keyArb, { minLength: 1, maxLength: 4 }),
    value: scalarArb,
  }),
  fc.record({ op: fc.constant('delete' as const), keys: fc.array(keyArb, { minLength: 1, maxLength: 4 }) }),
);

/** A set whose parent path crosses a scalar is a caller bug (patchToml throws); keep such ops out. */
function crossesScalar(root: TomlTable, op: TomlOp): boolean {
  for (let i = 1; i < op.keys.length; i++) {
    const v = getPath(root, op.keys.slice(0, i));
    if (v !== undefined && (typeof v !== 'object' || Array.isArray(v))) return true;
  }
  const target = getPath(root, op.keys);
  if (op.keys.length === 1 && isTable(target)) return true;
  return op.op === 'set' && isTable(target);
}

function pruneEmpty(t: TomlTable): TomlTable {
  const out: TomlTable = {};
  for (const [k, v] of Object.entries(t)) {
    if (!isTable(v)) out[k] = v;
    else if (Object.keys(pruneEmpty(v)).length > 0) out[k] = pruneEmpty(v);
  }
  return out;
}

const TAIL = '\n# untouched tail\n[zz_unrelated] # keep me\nkept = "yes" # and me\n';

describe('patchToml property', () => {
  it('agrees with applyTomlOps and leaves unrelated bytes alone', () => {
    fc.assert(
      fc.property(tableArb, fc.array(opArb, { maxLength: 5 }), (doc, rawOps) => {
        const text = `# header comment\n${stringify(doc)}${TAIL}`;
        let model = parseToml(text);
        if (!model.ok) throw new Error(model.diagnostic.message);
        const ops: TomlOp[] = [];
        let state = model.value;
        for (const op of rawOps) {
          if (crossesScalar(state, op)) continue;
          ops.push(op);
          state = applyTomlOps(state, [op]);
        }
        const out = patchToml(text, ops);
        model = parseToml(out);
        if (!model.ok) throw new Error(`${model.diagnostic.message}\n${out}`);
        // Implicit parent tables vanish with their last child; empty tables mean nothing to containerd.
        expect(pruneEmpty(model.value)).toEqual(pruneEmpty(state));
        expect(out).toContain('# header comment\n');
        expect(out).toContain('[zz_unrelated] # keep me\nkept = "yes" # and me\n');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('patchToml around the toml-edit-js empty-table panic', () => {
  it('adds config_path to a registry table that has only sub-tables', () => {
    const text = `version = 2
[plugins."io.containerd.grpc.v1.cri".registry]
  [plugins."io.containerd.grpc.v1.cri".registry.configs."r.example.com".auth]
    username = "u"
`;
    const out = patchToml(text, [
      { op: 'set', keys: ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'config_path'], value: '/c' },
    ]);
    expect(out).toBe(text.replace('registry]\n', 'registry]\n  config_path = "/c"\n'));
  });

  it('declares an implicit table before its first sub-table', () => {
    const text = `version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["https://m"]\n`;
    const out = patchToml(text, [
      { op: 'set', keys: ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'config_path'], value: '/c' },
    ]);
    expect(out).toBe(
      `version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/c"\n\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["https://m"]\n`,
    );
  });
});
