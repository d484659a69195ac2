// Runtime version strings as kubelet reports them in `status.nodeInfo.containerRuntimeVersion`
// ("<name>://<version>", runtime-semantics.md §4) and as the runtimes' `--version` flags print them.
// kubelet drops a leading `v`, keeps semver pre-release/build suffixes and reports `Unknown` when
// the CRI version does not parse (k8s.io/apimachinery util/version).
import { parseVersion, type Version } from '../util/version.js';
import type { Distribution } from './distribution.js';

export type RuntimeKind = 'containerd' | 'crio' | 'docker' | 'unknown';

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
