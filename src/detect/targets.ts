// Which mirrorctl target a runtime version takes: an ordered table, first matching row wins
// (runtime-semantics.md §0.1/§0.2/§6). Shared by host detection and by `detect --from-kubectl`.
import type { Diagnostic } from '../diagnostics.js';
import type { Target } from '../spec/types.js';
import { atLeast, formatVersion, type Version } from '../util/version.js';
import type { RuntimeKind } from './version.js';

export interface TargetDecision {
  /** undefined when the runtime is unknown. */
  target?: Target;
  /** Every target this runtime version can take; `target` is the preferred one. */
  possible: Target[];
  reason: string;
  diagnostics: Diagnostic[];
}

interface TargetRule {
  runtime: RuntimeKind;
  matches(v: Version | undefined): boolean;
  target: Target;
  possible: Target[];
  reason(v: Version | undefined): string;
  warn?(v: Version | undefined): Omit<Diagnostic, 'severity'> | undefined;
}

const show = (v: Version | undefined): string => (v ? formatVersion(v) : 'unknown');

// Order matters: version-gated rows come before the catch-all row of the same runtime.
export const TARGET_RULES: readonly TargetRule[] = [
  {
    runtime: 'containerd',
    // config_path arrived in 1.5; older containerd only knows registry.mirrors.
    matches: (v) => v !== undefined && !atLeast(v, 1, 5),
    target: 'containerd-legacy',
    possible: ['containerd-legacy'],
    reason: (v) => `containerd ${show(v)} < 1.5 has no config_path: only legacy registry.mirrors is possible`,
  },
  {
    runtime: 'containerd',
    matches: (v) => v !== undefined,
    target: 'containerd',
    possible: ['containerd', 'containerd-legacy'],
    reason: (v) => `containerd ${show(v)} ≥ 1.5 reads certs.d/<host>/hosts.toml through config_path`,
  },
  {
    runtime: 'containerd',
    matches: () => true,
    target: 'containerd',
    possible: ['containerd', 'containerd-legacy'],
    reason: () => 'containerd of unknown version: assuming ≥ 1.5 (hosts.toml through config_path)',
    warn: () => ({
      code: 'detect.version.unknown',
      message: 'containerd version unknown; hosts.toml needs containerd ≥ 1.5',
      hint: 'pass --containerd-bin PATH or check `containerd --version` on the node',
    }),
  },
  {
    runtime: 'crio',
    matches: () => true,
    target: 'crio',
    possible: ['crio'],
    reason: (v) => `CRI-O ${show(v)} reads /etc/containers/registries.conf(.d)`,
    // Drop-ins need c/image 5.3 (CRI-O 1.18); reload by SIGHUP needs 1.16.
    warn: (v) =>
      v && !atLeast(v, 1, 18)
        ? {
            code: 'detect.crio.old',
            message: `CRI-O ${show(v)} < 1.18 does not read registries.conf.d drop-ins`,
            hint: 'upgrade CRI-O, or edit /etc/containers/registries.conf itself',
          }
        : undefined,
  },
  {
    runtime: 'docker',
    matches: () => true,
    target: 'docker',
    possible: ['docker'],
    reason: (v) =>
      `Docker Engine ${show(v)} (cri-dockerd/dockershim): daemon.json registry-mirrors, Docker Hub only`,
  },
];

/** The runtime a target writes for (`--runtime crio` → CRI-O): detection asks only that one. */
export function runtimeOfTarget(target: Target): 'containerd' | 'crio' | 'docker' {
  return target === 'containerd-legacy' ? 'containerd' : target;
}

export function selectTarget(runtime: RuntimeKind, version: Version | undefined): TargetDecision {
  const rule = TARGET_RULES.find((r) => r.runtime === runtime && r.matches(version));
  if (!rule) {
    return {
      possible: [],
      reason: 'no supported container runtime found',
      diagnostics: [
        {
          severity: 'error',
          code: 'detect.runtime.unknown',
          message: 'no supported container runtime (containerd, CRI-O, Docker) was found',
          hint: 'pass --runtime explicitly, or check that the runtime is installed under --root',
        },
      ],
    };
  }
  const warning = rule.warn?.(version);
  return {
    target: rule.target,
    possible: [...rule.possible],
    reason: rule.reason(version),
    diagnostics: warning ? [{ severity: 'warning', target: rule.target, ...warning }] : [],
  };
}
