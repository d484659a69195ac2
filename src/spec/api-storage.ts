// What a spec must not hold once it is stored in the Kubernetes API (a MirrorSet object, which any
// reader of cluster-scoped objects can read): secret values inline (header values) and paths on the
// operator's machine (auth.file, tls.*File), which no pod can read. Both have a Secret form. The CLI
// path that publishes a spec and the controller (InvalidSpec) call this one function. Pure.
import type { Diagnostic } from '../diagnostics.js';
import { SECRET_NAMESPACE } from './schema.js';
import type { MirrorSet } from './types.js';

export function apiStorageFindings(set: MirrorSet, file?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (field: string, code: string, message: string, hint: string): void => {
    out.push({ severity: 'error', code, field, message, hint, ...(file ? { file } : {}) });
  };
  for (const e of set.registries)
    e.mirrors.forEach((m, j) => {
      const at = `spec.registries[${e.index}].mirrors[${j}]`;
      const names = Object.keys(m.headers);
      if (names.length > 0)
        push(
          `${at}.headers`,
          'spec.api.inline-headers',
          `header values (${names.join(', ')}) would be stored in the MirrorSet in plain text, readable by anyone who may read MirrorSets`,
          `put them in a Secret in ${SECRET_NAMESPACE} (kubectl -n ${SECRET_NAMESPACE} create secret generic NAME --from-literal=${names[0]}=…) and name it in headersFrom.secretRef`,
        );
      for (const f of ['caFile', 'certFile', 'keyFile'] as const)
        if (m.tls[f] !== undefined)
          push(
            `${at}.tls.${f}`,
            'spec.api.file-path',
            `tls.${f} is a path on the machine that runs mirrorctl; the controller and agents cannot read it`,
            `create a Secret in ${SECRET_NAMESPACE} with tls.crt/tls.key (kubectl create secret tls) and/or ca.crt, and name it in tls.secretRef`,
          );
      if (m.auth && 'file' in m.auth)
        push(
          `${at}.auth.file`,
          'spec.api.file-path',
          'auth.file is a path on the machine that runs mirrorctl; the controller and agents cannot read it',
          `create a kubernetes.io/dockerconfigjson Secret in ${SECRET_NAMESPACE} (kubectl -n ${SECRET_NAMESPACE} create secret docker-registry NAME --docker-server=${m.host} …) and name it in auth.secretRef`,
        );
    });
  return out;
}
