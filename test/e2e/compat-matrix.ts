// The compatibility matrix as data: every runtime version × config format mirrorctl supports, and
// either the e2e file whose real pull proves it or the reason nothing here can. The e2e cases take
// their titles from `compatCase` (so an undeclared version or format fails the run), and
// scripts/compat-table.ts renders README.md's table from this list (its unit test fails when the
// README is stale or a declared file lost its case).

export interface CompatRow {
  runtime: string;
  version: string;
  format: string;
  /** Test file under test/e2e/ whose case pulls through a real runtime with the applied files. */
  provedBy?: string;
  /** Why there is no real pull for this combination (set exactly when provedBy is not). */
  reason?: string;
}

export const COMPAT_MATRIX: readonly CompatRow[] = [
  {
    runtime: 'containerd',
    version: '1.6.20',
    format: 'config v2',
    provedBy: 'apply-containerd-matrix.test.ts',
  },
  {
    runtime: 'containerd',
    version: '1.6.20',
    format: 'legacy registry.mirrors',
    provedBy: 'apply-containerd-cases.test.ts',
  },
  {
    runtime: 'containerd',
    version: '1.6.20',
    format: 'config v3',
    reason: 'containerd 1.x rejects config version 3 (introduced in 2.0)',
  },
  {
    runtime: 'containerd',
    version: '1.7.24',
    format: 'config v2',
    provedBy: 'apply-containerd-matrix.test.ts',
  },
  {
    runtime: 'containerd',
    version: '1.7.24',
    format: 'config v3',
    reason: 'containerd 1.x rejects config version 3 (introduced in 2.0)',
  },
  {
    runtime: 'containerd',
    version: '2.1.9',
    format: 'config v3',
    provedBy: 'apply-containerd-matrix.test.ts',
  },
  {
    runtime: 'containerd',
    version: '2.1.9',
    format: 'config v2',
    provedBy: 'apply-containerd-matrix.test.ts',
  },
  {
    runtime: 'containerd',
    version: '2.1.9',
    format: 'colon-list config_path',
    provedBy: 'apply-containerd-cases.test.ts',
  },
  {
    runtime: 'containerd',
    version: '2.1.9',
    format: 'dial_timeout',
    provedBy: 'apply-containerd-cases.test.ts',
  },
  {
    runtime: 'containers/image',
    version: '5.23.1 (skopeo 1.9.3, podman 4.3.1)',
    format: 'registries.conf.d',
    provedBy: 'apply-crio-docker.test.ts',
  },
  {
    runtime: 'CRI-O',
    version: 'any',
    format: 'registries.conf.d',
    reason:
      'no CRI-O package in Debian 12; proved through skopeo/podman, which link the same containers/image',
  },
  {
    runtime: 'Docker Engine',
    version: '20.10',
    format: 'daemon.json',
    provedBy: 'apply-crio-docker.test.ts',
  },
];

/** The declared row for a case (throws for an undeclared combination: declare it first). */
export function compatCase(version: string, format: string): CompatRow & { title: string } {
  const row = COMPAT_MATRIX.find((r) => r.version === version && r.format === format);
  if (!row) throw new Error(`compat-matrix.ts declares no row for ${version} × ${format}: add it`);
  return { ...row, title: `${row.runtime} ${row.version} · ${row.format}` };
}
