// What to run instead on a node whose distribution owns the runtime files mirrorctl would write.
import type { Distribution } from '../detect/distribution.js';

export function nativeCommandHint(d: Distribution): string {
  switch (d) {
    case 'openshift':
      return 'run `mirrorctl render --target openshift -f SPEC --out DIR` (ImageDigestMirrorSet/ImageTagMirrorSet) or `mirrorctl rollout`, which applies them through the API';
    case 'talos':
      return 'run `mirrorctl render --target talos -f SPEC --out DIR`, then `talosctl patch mc --nodes NODE --patch @DIR/talos-registry-mirrors.yaml`';
    case 'bottlerocket':
      return 'run `mirrorctl render --target bottlerocket -f SPEC --out DIR`, then `apiclient apply --from-file file:///PATH/bottlerocket-settings.toml` on the node (or put it in user data)';
    case 'k3s':
    case 'rke2':
      return `mirrorctl writes /etc/rancher/${d}/registries.yaml on this node (plan/apply)`;
    case 'plain':
    case 'kind':
      return 'mirrorctl writes the runtime files directly';
  }
}
