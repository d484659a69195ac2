// Version gates for renderers and explain: "does this runtime version have feature X?". Undefined
// versions answer undefined so callers pick the conservative behaviour the contract asks for
// (RenderContext.runtimeVersion: undefined = the oldest supported version, no gated keys).
const CORE = /^v?(\d+)\.(\d+)(?:\.(\d+))?/;

export type VersionTriple = readonly [number, number, number];

export function parseVersionTriple(version: string | undefined): VersionTriple | undefined {
  const m = version === undefined ? null : CORE.exec(version.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
}

export function compareTriples(a: VersionTriple, b: VersionTriple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** true/false when the version is known and parses, undefined otherwise. */
export function versionAtLeast(version: string | undefined, min: VersionTriple): boolean | undefined {
  const v = parseVersionTriple(version);
  return v === undefined ? undefined : compareTriples(v, min) >= 0;
}
