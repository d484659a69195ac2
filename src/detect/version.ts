// Runtime version strings as kubelet reports them in `status.nodeInfo.containerRuntimeVersion`
// ("<name>://<version>", runtime-semantics.md §4) and as the runtimes' `--version` flags print them.
// kubelet drops a leading `v`, keeps semver pre-release/build suffixes and reports `Unknown` when
// the CRI version does not parse (k8s.io/apimachinery util/version).
import type { Distribution } from './distribution.js';

export type RuntimeKind = 'containerd' | 'crio' | 'docker' | 'unknown';

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** Everything after the numeric core without its separator: `k3s1`, `5.rhaos4.16.git1a2b`, `''`. */
  pre: string;
}

export interface RuntimeVersionInfo {
  runtime: RuntimeKind;
  /** The name kubelet got from the CRI (`containerd`, `cri-o`, `docker`, or anything else). */
  name: string;
  /** Undefined for `Unknown` or garbage. */
  version?: Version;
  raw: string;
  /** Distribution that builds this runtime (suffix `-k3s`, `-rke2`, `rhaos`), when the string says so. */
  distributionHint?: Distribution;
}

const RUNTIME_NAMES: Record<string, RuntimeKind> = {
  containerd: 'containerd',
  'cri-o': 'crio',
  crio: 'crio',
  docker: 'docker',
};

// Numeric core with an optional third component (ParseGeneric accepts `1.25`), then any suffix.
// Debian's `1.6.20~ds1` uses `~`; kubelet would report it as `1.6.20`.
const VERSION_RE = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+~.](.*))?$/;

/** Parses one version token (`1.6.20`, `v1.7.11-k3s2`, `1.6.20~ds1`, `20.10.24+dfsg1`). */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] === undefined ? 0 : Number(m[3]),
    pre: m[4] ?? '',
  };
}

/** `1.7.11` (or `1.7.11-k3s2` with the suffix). */
export function formatVersion(v: Version, withPre = false): string {
  const core = `${v.major}.${v.minor}.${v.patch}`;
  return withPre && v.pre !== '' ? `${core}-${v.pre}` : core;
}

/** Compares the numeric cores only: distribution suffixes (`-k3s1`) are builds, not pre-releases. */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export const atLeast = (v: Version, major: number, minor: number, patch = 0): boolean =>
  compareVersions(v, { major, minor, patch, pre: '' }) >= 0;

/** Which distribution a version suffix names (k3s/RKE2 ship their own containerd; OpenShift its CRI-O). */
export function distributionFromSuffix(pre: string): Distribution | undefined {
  if (/(^|[.-])k3s\d*/.test(pre)) return 'k3s';
  if (/(^|[.-])rke2r?\d*/.test(pre)) return 'rke2';
  if (/rhaos/.test(pre)) return 'openshift';
  return undefined;
}

/** Parses `containerRuntimeVersion` (`containerd://1.7.15-k3s1`, `cri-o://1.25.4`, `docker://19.3.1`). */
export function parseRuntimeVersion(raw: string): RuntimeVersionInfo {
  const text = raw.trim();
  const sep = text.indexOf('://');
  if (sep <= 0) return { runtime: 'unknown', name: '', raw };
  const name = text.slice(0, sep);
  const runtime = RUNTIME_NAMES[name.toLowerCase()] ?? 'unknown';
  const version = parseVersion(text.slice(sep + 3));
  const info: RuntimeVersionInfo = { runtime, name, raw };
  if (version) {
    info.version = version;
    const hint = distributionFromSuffix(version.pre);
    if (hint) info.distributionHint = hint;
  }
  return info;
}
