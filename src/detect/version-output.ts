// The version token in each runtime's `--version` output. Samples (kept in the fixtures):
//   containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3
//   containerd github.com/k3s-io/containerd v1.7.11-k3s2 64b8a811b07ba6288238eefc14d898ee0b5b99ba
//   crio version 1.29.1 / "Version:        1.29.1"   (CRI-O prints a key: value table)
//   Docker version 20.10.24+dfsg1, build 5d6db84
//   cri-dockerd 0.3.9 (c0a3c6c)
import type { VersionCommandId } from './facts.js';

const PATTERNS: Record<VersionCommandId, RegExp[]> = {
  containerd: [/^containerd\s+\S+\s+(\S+)/m],
  crio: [/^Version:\s+(\S+)/m, /^crio version\s+(\S+)/m],
  dockerd: [/^Docker version\s+([^,\s]+)/m],
  'cri-dockerd': [/^cri-dockerd\s+(\S+)/m],
};

/** The raw version token (`1.6.20~ds1`, `v1.7.11-k3s2`), or undefined when the output has none. */
export function versionFromOutput(id: VersionCommandId, output: string): string | undefined {
  for (const re of PATTERNS[id]) {
    const m = re.exec(output);
    if (m?.[1]) return m[1];
  }
  return undefined;
}
