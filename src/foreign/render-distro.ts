// `render --target k3s|rke2|openshift|talos|bottlerocket`: the distribution-native outputs as files
// under --out. k3s/RKE2 are node files (registries.yaml + TLS files, as apply would write them);
// OpenShift, Talos and Bottlerocket are documents for their own tools, written at the --out root.

import { stringify } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import type { MirrorSet, SpecAssets } from '../spec/types.js';
import { specToBottlerocket } from './bottlerocket.js';
import { DISTRO_TARGETS } from './format-names.js';
import { rancherDesiredState } from './k3s-node.js';
import { imageConfigPatch, specToOpenShift } from './openshift.js';
import { specToTalos, TALOS_PATCH_COMMAND, talosHeader } from './talos.js';
import { parseTalosVersion } from './talos-machine-config.js';
import { writeYamlDocs } from './yaml-docs.js';

export { DISTRO_TARGETS };
export type DistroTarget = (typeof DISTRO_TARGETS)[number];
export const isDistroTarget = (t: string): t is DistroTarget =>
  (DISTRO_TARGETS as readonly string[]).includes(t);

export interface DistroFile {
  /** Node path (k3s/rke2) or a file name relative to --out (documents). */
  path: string;
  content: string;
  mode: number;
}

export interface DistroRender {
  files: DistroFile[];
  diagnostics: Diagnostic[];
  /** What to run with the documents (mirrorctl does not apply them on the node). */
  next?: string;
}

export interface DistroOptions {
  /** Talos version of the nodes (`1.11`, `Talos (v1.11.2)`): below 1.12 the machine.registries patch. */
  talosVersion?: string;
}

export function renderDistro(
  target: DistroTarget,
  set: MirrorSet,
  assets: SpecAssets,
  base: string | null,
  opts: DistroOptions = {},
): DistroRender {
  switch (target) {
    case 'k3s':
    case 'rke2': {
      const s = rancherDesiredState({ set, assets, flavor: target, existing: base, service: target });
      return {
        files: [...s.files, ...s.edits.map((e) => ({ path: e.path, content: e.after, mode: e.mode }))],
        diagnostics: s.diagnostics,
        next: `restart ${target === 'k3s' ? 'k3s (or k3s-agent)' : 'rke2-server (or rke2-agent)'} after copying the files`,
      };
    }
    case 'openshift': {
      const out = specToOpenShift(set, assets);
      const patch = imageConfigPatch(out);
      const files: DistroFile[] = [
        { path: 'openshift-mirrors.yaml', content: writeYamlDocs(out.objects), mode: 0o644 },
      ];
      if (patch)
        files.push({ path: 'openshift-image-config-patch.yaml', content: stringify(patch), mode: 0o644 });
      return {
        files,
        diagnostics: out.diagnostics,
        next: `oc apply -f openshift-mirrors.yaml${patch ? ' && oc patch image.config.openshift.io/cluster --type=merge --patch-file openshift-image-config-patch.yaml (keep registries already listed)' : ''}, or mirrorctl rollout`,
      };
    }
    case 'talos': {
      const version = opts.talosVersion === undefined ? undefined : parseTalosVersion(opts.talosVersion);
      const r = specToTalos(set, assets, version ? { version } : {});
      const content = `${talosHeader(set, r.shape, version)}${writeYamlDocs(r.docs)}`;
      // Inline client keys make the patch a secret.
      return {
        files: [{ path: 'talos-registry-mirrors.yaml', content, mode: 0o600 }],
        diagnostics: r.diagnostics,
        next: TALOS_PATCH_COMMAND,
      };
    }
    case 'bottlerocket': {
      const r = specToBottlerocket(set, assets);
      return {
        files: [{ path: 'bottlerocket-settings.toml', content: r.text, mode: 0o644 }],
        diagnostics: r.diagnostics,
        next: 'apiclient apply --from-file file:///PATH/bottlerocket-settings.toml (admin or control container)',
      };
    }
  }
}
