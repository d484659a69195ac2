// Version numbers as runtimes print them (`1.6.20`, `v2.1.4`, `1.7.11-k3s2`, `1.6.20~ds1`,
// `20.10.24+dfsg1`): one parser and one comparison for detection, version gates, renderers and
// explain, so a version means the same thing everywhere.

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** Everything after the numeric core without its separator: `k3s1`, `5.rhaos4.16.git1a2b`, `''`. */
  pre: string;
}

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

/**
 * Version gate on a version string: true/false when it parses, undefined when the version is unknown
 * or unparsable, so callers pick the conservative behaviour (RenderContext.runtimeVersion: undefined =
 * the oldest supported version, no gated keys).
 */
export function versionAtLeast(
  version: string | undefined,
  [major, minor, patch]: readonly [number, number, number],
): boolean | undefined {
  const v = version === undefined ? undefined : parseVersion(version);
  return v === undefined ? undefined : atLeast(v, major, minor, patch);
}
