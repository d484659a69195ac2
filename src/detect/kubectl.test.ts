import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/testing.js';
import { parseKubectlNodes, parseKubectlWide, rolesFromLabels } from './kubectl.js';
import { selectTarget } from './targets.js';

// `kubectl get nodes -o wide` as kubectl's tabwriter prints it: OS-IMAGE and STATUS hold spaces/commas.
const WIDE = `NAME            STATUS                     ROLES           AGE    VERSION    INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                              KERNEL-VERSION                CONTAINER-RUNTIME
cp-1            Ready                      control-plane   412d   v1.29.4    10.0.0.11     <none>        Ubuntu 22.04.4 LTS                    5.15.0-105-generic            containerd://1.7.13
worker-crio-1   Ready                      worker          97d    v1.29.4    10.0.0.21     <none>        Red Hat Enterprise Linux 9.3 (Plow)   5.14.0-362.8.1.el9_3.x86_64   cri-o://1.25.4
legacy-docker   Ready,SchedulingDisabled   <none>          3y     v1.23.17   10.0.0.31     203.0.113.7   CentOS Linux 7 (Core)                 3.10.0-1160.el7.x86_64        docker://19.3.1
`;

const DISTROS = `NAME      STATUS   ROLES                  AGE   VERSION               INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                                                KERNEL-VERSION                 CONTAINER-RUNTIME
k3s-a     Ready    control-plane,master   10d   v1.28.5+k3s1          10.1.0.2      <none>        Ubuntu 22.04.4 LTS                                      5.15.0-91-generic              containerd://1.7.11-k3s2
rke2-b    Ready    <none>                 10d   v1.28.5+rke2r1        10.1.0.3      <none>        Ubuntu 22.04.4 LTS                                      5.15.0-91-generic              containerd://1.7.11-k3s2
ocp-w1    Ready    worker                 80d   v1.29.5+266f0ce       10.1.0.4      <none>        Red Hat Enterprise Linux CoreOS 416.94.202405291527-0   5.14.0-427.20.1.el9_4.x86_64   cri-o://1.29.1-5.rhaos4.16.git78e179b.el9
talos-c   Ready    control-plane          5d    v1.30.0               10.1.0.5      <none>        Talos (v1.7.0)                                          6.6.28-talos                   containerd://1.7.15
br-1      Ready    <none>                 2d    v1.29.3-eks-ae9a62a   10.1.0.6      <none>        Bottlerocket OS 1.19.2 (aws-k8s-1.29)                   6.1.84                         containerd://1.6.28+bottlerocket
`;

describe('parseKubectlWide', () => {
  it('reads the three sample rows, with spaces inside OS-IMAGE', () => {
    const { nodes, diagnostics } = parseKubectlWide(WIDE);
    expect(diagnostics).toEqual([]);
    expect(
      nodes.map((n) => [
        n.name,
        n.roles,
        n.runtime,
        n.version,
        n.osImage,
        n.kernel,
        n.kubeletVersion,
        n.distribution,
      ]),
    ).toEqual([
      [
        'cp-1',
        ['control-plane'],
        'containerd',
        '1.7.13',
        'Ubuntu 22.04.4 LTS',
        '5.15.0-105-generic',
        'v1.29.4',
        'plain',
      ],
      [
        'worker-crio-1',
        ['worker'],
        'crio',
        '1.25.4',
        'Red Hat Enterprise Linux 9.3 (Plow)',
        '5.14.0-362.8.1.el9_3.x86_64',
        'v1.29.4',
        'plain',
      ],
      [
        'legacy-docker',
        [],
        'docker',
        '19.3.1',
        'CentOS Linux 7 (Core)',
        '3.10.0-1160.el7.x86_64',
        'v1.23.17',
        'plain',
      ],
    ]);
    expect(nodes.map((n) => selectTarget(n.runtime, n.runtimeVersion.version).target)).toEqual([
      'containerd',
      'crio',
      'docker',
    ]);
  });

  it('tells distributions apart by kubelet build, OS image and runtime suffix', () => {
    const { nodes } = parseKubectlNodes(DISTROS);
    expect(nodes.map((n) => [n.name, n.distribution, n.roles])).toEqual([
      ['k3s-a', 'k3s', ['control-plane', 'master']],
      // RKE2 runs k3s's containerd build: only the kubelet's +rke2 suffix names it.
      ['rke2-b', 'rke2', []],
      ['ocp-w1', 'openshift', ['worker']],
      ['talos-c', 'talos', ['control-plane']],
      ['br-1', 'bottlerocket', []],
    ]);
    expect(nodes.map((n) => n.version)).toEqual([
      '1.7.11-k3s2',
      '1.7.11-k3s2',
      '1.29.1-5.rhaos4.16.git78e179b.el9',
      '1.7.15',
      '1.6.28+bottlerocket',
    ]);
  });

  it('parses LABELS from --show-labels into labels and roles', () => {
    const text = `NAME   STATUS   ROLES    AGE   VERSION   LABELS
n1     Ready    <none>   1d    v1.29.0   kubernetes.io/hostname=n1,node-role.kubernetes.io/infra=
`;
    const { nodes, diagnostics } = parseKubectlNodes(text);
    expect(nodes[0]?.labels).toEqual({ 'kubernetes.io/hostname': 'n1', 'node-role.kubernetes.io/infra': '' });
    expect(nodes[0]?.roles).toEqual(['infra']);
    expect(diagnostics.map((d) => d.code)).toEqual(['kubectl.table.invalid']); // no CONTAINER-RUNTIME column
    expect(nodes[0]?.runtime).toBe('unknown');
  });

  it('refuses text that is not a node table', () => {
    expect(parseKubectlWide('No resources found\n').diagnostics[0]?.code).toBe('kubectl.table.invalid');
  });
});

// The same three rows as a user may paste them: squeezed to single spaces (a terminal or chat that
// collapses runs of spaces), or with tabs between the cells. The old column-position parser read the
// squeezed docker row as node "node-" with runtime "5 docker://19.3.1" (issue 15 item 11).
const SEED_ROWS = [
  'NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME',
  'node-1 Ready control-plane 412d v1.29.4 10.0.0.11 <none> Ubuntu 22.04.3 LTS 5.15.0-105-generic containerd://1.7.13',
  'node-2 Ready worker 97d v1.29.4 10.0.0.21 <none> Red Hat Enterprise Linux 9.3 (Plow) 5.14.0-362.8.1.el9_3.x86_64 cri-o://1.25.4',
  'node-35 Ready,SchedulingDisabled <none> 3y v1.23.17 10.0.0.31 203.0.113.7 CentOS Linux 7 (Core) 3.10.0-1160.el7.x86_64 docker://19.3.1',
];
const SEED_NODES = [
  ['node-1', 'containerd', '1.7.13', 'Ubuntu 22.04.3 LTS', '5.15.0-105-generic', ['control-plane']],
  [
    'node-2',
    'crio',
    '1.25.4',
    'Red Hat Enterprise Linux 9.3 (Plow)',
    '5.14.0-362.8.1.el9_3.x86_64',
    ['worker'],
  ],
  ['node-35', 'docker', '19.3.1', 'CentOS Linux 7 (Core)', '3.10.0-1160.el7.x86_64', []],
];
/** Tab-separated cells (OS-IMAGE keeps its own spaces). */
const tabbed = (rows: string[]): string =>
  rows
    .map((r) =>
      r
        .replace(/ (?=\S+ \S+$)/, '\t')
        .replace(/ (?=\S+$)/, '\t')
        .replace(/^((?:\S+ ){7})/, (m) => m.replace(/ /g, '\t')),
    )
    .join('\n');

describe('parseKubectlWide by tokens: table-driven', () => {
  const cases: { name: string; text: string; nodes?: unknown[]; refused?: RegExp }[] = [
    { name: 'tabwriter-aligned (kubectl as printed)', text: WIDE, nodes: undefined },
    { name: 'squeezed to single spaces', text: SEED_ROWS.join('\n'), nodes: SEED_NODES },
    { name: 'squeezed, CRLF line ends', text: SEED_ROWS.join('\r\n'), nodes: SEED_NODES },
    { name: 'tabs between cells', text: tabbed(SEED_ROWS), nodes: SEED_NODES },
    {
      name: 'a missing cell (no EXTERNAL-IP) is refused, not shifted',
      text: [
        SEED_ROWS[0],
        'node-9 Ready worker 5d v1.29.4 10.0.0.9 Ubuntu 22.04.3 LTS 5.15.0-1 containerd://1.7.13',
      ].join('\n'),
      refused: /line 2.*EXTERNAL-IP would be "Ubuntu", not an IP address/,
    },
    {
      name: 'too few cells',
      text: [
        SEED_ROWS[0],
        'node-9 Ready worker 5d v1.29.4 10.0.0.9 <none> 5.15.0-1 containerd://1.7.13',
      ].join('\n'),
      refused: /line 2.*9 cells for 10 columns: a cell is missing/,
    },
    {
      name: 'an extra word where a one-word cell should be',
      text: [
        SEED_ROWS[0],
        'node-9 Ready worker 5d v1.29.4 10.0.0.9 <none> Debian 12 6.1.0-18 amd64 containerd://1.7.13',
      ].join('\n'),
      refused: /KERNEL-VERSION would be "amd64", not a kernel release/,
    },
    {
      name: 'a runtime cell that is not name://version',
      text: [SEED_ROWS[0], 'node-9 Ready worker 5d v1.29.4 10.0.0.9 <none> Debian 12 6.1.0-18 1.7.13'].join(
        '\n',
      ),
      refused: /CONTAINER-RUNTIME would be "1.7.13", not runtime:\/\/version/,
    },
    {
      name: 'two columns that may hold spaces, squeezed (-L zone with -o wide)',
      text: `${SEED_ROWS[0]} ZONE\nnode-9 Ready worker 5d v1.29.4 10.0.0.9 <none> Debian 12 6.1.0-18 containerd://1.7.13 eu-1`,
      refused: /not aligned under the header, and OS-IMAGE, ZONE may hold spaces or be empty/,
    },
    {
      name: 'an -L column left empty, aligned: split by position',
      text: 'NAME     STATUS   ROLES    AGE   VERSION   ZONE   CONTAINER-RUNTIME\nn1       Ready    <none>   1d    v1.29.0          containerd://1.7.13\nn2       Ready    <none>   1d    v1.29.0   eu-1   containerd://2.1.4\n',
      nodes: [
        ['n1', 'containerd', '1.7.13', '', '', []],
        ['n2', 'containerd', '2.1.4', '', '', []],
      ],
    },
    {
      name: 'a header word that is not a column name',
      text: 'NAME status\nn1 Ready\n',
      refused: /header column status is not a column name/,
    },
  ];
  it.each(cases)('$name', ({ text, nodes, refused }) => {
    const r = parseKubectlWide(text);
    if (refused) {
      // Refused as a whole: no node is reported from a table with a row that did not split.
      expect(r.nodes).toEqual([]);
      const d = r.diagnostics[0];
      expect(d?.code).toBe('kubectl.table.invalid');
      expect(`line ${d?.line}: ${d?.message}`).toMatch(refused);
      return;
    }
    expect(r.diagnostics).toEqual([]);
    if (nodes)
      expect(r.nodes.map((n) => [n.name, n.runtime, n.version, n.osImage, n.kernel, n.roles])).toEqual(nodes);
    else expect(r.nodes.map((n) => n.name)).toEqual(['cp-1', 'worker-crio-1', 'legacy-docker']);
  });
});

describe('detect --from-kubectl with a pasted table', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mirrorctl-kubectl-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads the squeezed seed rows; refuses a row that does not split with exit 2 and the line', async () => {
    writeFileSync(join(tmp, 'squeezed.txt'), `${SEED_ROWS.join('\n')}\n`);
    const ok = await runCli(['detect', '--from-kubectl', 'squeezed.txt', '-o', 'json'], { cwd: tmp });
    expect(ok.code).toBe(0);
    const items = JSON.parse(ok.stdout).items as { name: string; runtime: string; version: string }[];
    expect(items.map((i) => [i.name, i.runtime, i.version])).toEqual([
      ['node-1', 'containerd', '1.7.13'],
      ['node-2', 'crio', '1.25.4'],
      ['node-35', 'docker', '19.3.1'],
    ]);
    writeFileSync(
      join(tmp, 'short.txt'),
      `${SEED_ROWS.slice(0, 2).join('\n')}\nnode-3 Ready <none> 3y v1.23.17 10.0.0.31 CentOS 3.10.0 docker://19.3.1\n`,
    );
    const bad = await runCli(['detect', '--from-kubectl', 'short.txt'], { cwd: tmp });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(`${join(tmp, 'short.txt')}:3 `);
    expect(bad.stderr).toContain('9 cells for 10 columns: a cell is missing');
  });
});

const node = (name: string, runtime: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra.labels as object) } },
  spec: extra.spec ?? {},
  status: {
    nodeInfo: {
      containerRuntimeVersion: runtime,
      kubeletVersion: (extra.kubelet as string) ?? 'v1.29.2',
      osImage: (extra.osImage as string) ?? 'Debian GNU/Linux 12 (bookworm)',
      kernelVersion: '6.1.0-18-amd64',
      architecture: 'amd64',
    },
  },
});

describe('parseKubectlObjects', () => {
  it('reads a NodeList with roles from node-role labels and kind from the providerID', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        node('kind-control-plane', 'containerd://1.7.13', {
          labels: { 'node-role.kubernetes.io/control-plane': '' },
          spec: { providerID: 'kind://docker/kind/kind-control-plane' },
        }),
        node('w-legacy', 'docker://19.3.1', { labels: { 'kubernetes.io/role': 'worker' } }),
        node('w-unknown', 'containerd://Unknown'),
      ],
    };
    const { nodes, diagnostics } = parseKubectlNodes(JSON.stringify(list, null, 2));
    expect(diagnostics).toEqual([]);
    expect(nodes.map((n) => [n.name, n.roles, n.runtime, n.version, n.distribution])).toEqual([
      ['kind-control-plane', ['control-plane'], 'containerd', '1.7.13', 'kind'],
      ['w-legacy', ['worker'], 'docker', '19.3.1', 'plain'],
      ['w-unknown', [], 'containerd', undefined, 'plain'],
    ]);
  });

  it('reads a single Node and the YAML form', () => {
    const one = parseKubectlNodes(JSON.stringify(node('n', 'cri-o://1.29.1')));
    expect(one.nodes.map((n) => n.runtime)).toEqual(['crio']);
    const yaml = `kind: NodeList\nitems:\n- metadata: {name: y}\n  status:\n    nodeInfo: {containerRuntimeVersion: "containerd://2.1.4", kubeletVersion: v1.33.0, osImage: x, kernelVersion: k}\n`;
    expect(parseKubectlNodes(yaml).nodes.map((n) => n.version)).toEqual(['2.1.4']);
  });

  it('names the missing field of a malformed list', () => {
    const bad = { kind: 'NodeList', items: [{ metadata: { name: 'x' }, status: {} }] };
    const { nodes, diagnostics } = parseKubectlNodes(JSON.stringify(bad));
    expect(nodes).toEqual([]);
    expect(diagnostics[0]).toMatchObject({ code: 'kubectl.json.shape', field: 'items.0.status.nodeInfo' });
    expect(parseKubectlNodes('{ not json').diagnostics[0]?.code).toBe('kubectl.json.syntax');
  });
});

describe('rolesFromLabels', () => {
  it('sorts and de-duplicates', () => {
    expect(
      rolesFromLabels({
        'node-role.kubernetes.io/worker': '',
        'node-role.kubernetes.io/etcd': 'true',
        'kubernetes.io/role': 'worker',
        'node-role.kubernetes.io/': '',
      }),
    ).toEqual(['etcd', 'worker']);
  });
});

describe('parseKubectlWide on tabwriter, squeezed and tabbed output (property)', () => {
  const HEADER = [
    'NAME',
    'STATUS',
    'ROLES',
    'AGE',
    'VERSION',
    'INTERNAL-IP',
    'EXTERNAL-IP',
    'OS-IMAGE',
    'KERNEL-VERSION',
    'CONTAINER-RUNTIME',
  ];
  const word = fc.stringMatching(/^[A-Za-z0-9().+_-]{1,12}$/);
  const octet = fc.integer({ min: 0, max: 255 });
  const ip = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
  // Cells as kubectl's node printer fills them: only OS-IMAGE holds spaces.
  const row = fc.tuple(
    fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,10}[a-z0-9])?$/),
    fc.constantFrom('Ready', 'NotReady', 'Ready,SchedulingDisabled', 'Unknown'),
    fc.constantFrom('<none>', 'control-plane', 'worker', 'control-plane,master'),
    fc.constantFrom('5d', '412d', '3y', '10m', '2d3h', '<unknown>'),
    fc.constantFrom('v1.29.4', 'v1.28.5+k3s1', 'v1.23.17', 'v1.30.0-eks-1'),
    ip,
    fc.oneof(fc.constant('<none>'), ip),
    fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' ')),
    fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,3}(\.[0-9]{1,5})?[A-Za-z0-9._+-]{0,12}$/),
    fc.constantFrom('containerd://1.7.13', 'cri-o://1.25.4', 'docker://19.3.1', 'containerd://2.1.4-k3s1'),
  );
  // kubectl: text/tabwriter with minwidth 0, padding 3, last column unpadded.
  const aligned = (rows: string[][]): string => {
    const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
    return rows
      .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join(''))
      .join('\n');
  };
  const layouts = {
    aligned,
    squeezed: (rows: string[][]) => rows.map((r) => r.join(' ')).join('\n'),
    tabbed: (rows: string[][]) => rows.map((r) => r.join('\t')).join('\n'),
  };

  it.each(Object.keys(layouts) as (keyof typeof layouts)[])(
    '%s: recovers every cell, spaces included',
    (layout) => {
      fc.assert(
        fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), (rows) => {
          const { nodes, diagnostics } = parseKubectlWide(layouts[layout]([HEADER, ...rows]));
          expect(diagnostics).toEqual([]);
          expect(
            nodes.map((n) => [n.name, n.kubeletVersion, n.osImage, n.kernel, n.runtimeVersion.raw]),
          ).toEqual(rows.map((r) => [r[0], r[4], r[7], r[8], r[9]]));
        }),
      );
    },
  );
});
