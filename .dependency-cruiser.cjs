// Layer rules for src/, checked by `npm run lint` (dependency-cruiser). AGENTS.md and docs/design.md
// draw the same layers. A layer may import only the layers listed before it (and itself), so no two
// folders can import each other; each denial below says why.

/** Bottom → top. Folder names under src/ (`diagnostics`, `exit-codes` and `index` are files). */
const LAYERS = [
  ['base', ['util', 'diagnostics', 'exit-codes'], 'helpers and shared value types everything may use'],
  ['toml', ['toml'], 'the TOML libraries behind parse/stringify/patch'],
  ['registry', ['registry'], 'the OCI distribution client, over a transport port'],
  ['spec', ['spec'], 'the MirrorSet spec'],
  ['formats', ['formats'], "the runtimes' own readers, one module per file format"],
  ['detect', ['detect'], 'runtime detection from host facts'],
  ['render', ['render'], 'one renderer per format'],
  ['plan', ['plan'], 'the plan: desired state, file changes, runtime action'],
  ['explain', ['explain'], 'ordered requests per target'],
  ['foreign', ['foreign'], 'foreign formats (k3s, OpenShift, Talos, Bottlerocket, Docker), read and written'],
  ['host', ['host'], 'ports and the adapters to the outside world'],
  ['transaction', ['transaction'], 'the transaction engine over the host ports'],
  ['planner', ['planner'], "one node's job: observe, plan, apply through the transaction engine"],
  ['checks', ['checks'], 'preflight and verify probes'],
  ['cluster', ['cluster'], 'the Kubernetes side'],
  ['cli', ['cli'], 'the composition root: builds the adapters and talks to the user'],
];

/** `^src/(a|b)(/|\.ts$)` for a list of folder or file names. */
const under = (names) => `^src/(${names.join('|')})(/|\\.ts$)`;
const PURE_CORE = LAYERS.slice(
  0,
  LAYERS.findIndex(([name]) => name === 'host'),
).flatMap(([, dirs]) => dirs);
const HOST_PORTS = '^src/host/(ports|fs-error|temp-names|[a-z-]+-port)\\.ts$';
const IO_BUILTINS = '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|tls|dgram|worker_threads)$';

const upward = LAYERS.slice(0, -1).map(([name, dirs, what], i) => ({
  name: `layer-${name}`,
  severity: 'error',
  comment: `${dirs.join(', ')} (${what}) must not import the layers above it`,
  from: { path: under(dirs) },
  to: { path: under(LAYERS.slice(i + 1).flatMap(([, d]) => d)) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a file-level import circle (static or dynamic) makes load order and layering fragile',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'io-only-in-host',
      severity: 'error',
      comment: 'only the host adapters touch the disk, processes and the network (AGENTS.md)',
      from: { path: '^src/', pathNot: '^src/host/' },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS },
    },
    {
      name: 'pure-core-without-host',
      severity: 'error',
      comment: 'the pure core (spec → render → plan) takes data, never ports or adapters',
      from: { path: under(PURE_CORE) },
      to: { path: '^src/host/' },
    },
    {
      name: 'adapters-only-in-composition-root',
      severity: 'error',
      comment: 'real adapters are built in cli/ and passed down as ports',
      from: { path: '^src/', pathNot: '^src/(cli|host)/' },
      to: { path: '^src/host/', pathNot: HOST_PORTS },
    },
    {
      name: 'library-is-pure',
      severity: 'error',
      comment: 'the library barrel exports the pure core only',
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/', pathNot: under(PURE_CORE) },
    },
    {
      name: 'no-unknown-folder',
      severity: 'error',
      comment: 'every folder of src/ has a place in the layers (add it to LAYERS and to AGENTS.md)',
      from: { path: '^src/', pathNot: `${under(LAYERS.flatMap(([, d]) => d))}|^src/index\\.ts$` },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|/__golden__/|^src/host/testing\\.ts$|^src/transaction/testing\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    moduleSystems: ['es6'],
  },
};
