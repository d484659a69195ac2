// What a spec can say that IDMS/ITMS cannot: errors keep an entry out of the objects, warnings name
// what is dropped (OpenShift mirrors are pull-only /v2 prefixes without headers or timeouts).
import type { Diagnostic } from '../diagnostics.js';
import type { RegistryEntry } from '../spec/types.js';

export function entryProblems(e: RegistryEntry): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = `spec.registries[${e.index}]`;
  const err = (
    code: string,
    field: string,
    message: string,
    hint: string,
    severity: 'error' | 'warning' = 'error',
  ) => out.push({ severity, code: `render.openshift.${code}`, field, target: 'openshift', message, hint });
  if (e.source === '*')
    err(
      'wildcard',
      `${at}.source`,
      'ImageDigestMirrorSet sources name a registry or repository; "*" cannot be expressed',
      'list the registries explicitly',
    );
  e.mirrors.forEach((m, j) => {
    const f = `${at}.mirrors[${j}]`;
    if (m.pathMode !== 'namespace')
      err(
        'path-mode',
        `${f}.path`,
        `OpenShift mirrors are repository prefixes reached at https://<host>/v2/; path mode ${m.pathMode} cannot be expressed`,
        'serve the mirror at /v2 of its host and use path: namespace',
      );
    if (Object.keys(m.headers).length > 0)
      err(
        'headers',
        `${f}.headers`,
        'IDMS/ITMS have no request headers',
        'put registry credentials in the cluster pull secret instead',
      );
    if (m.tls.certFile !== undefined || m.tls.keyFile !== undefined)
      err(
        'client-cert',
        `${f}.tls`,
        'OpenShift has no per-mirror client certificates in IDMS/ITMS',
        'drop tls.certFile/keyFile for this target',
        'warning',
      );
    if (m.dialTimeout !== undefined)
      err(
        'dial-timeout',
        `${f}.dialTimeout`,
        `IDMS/ITMS have no dial timeout; ${m.dialTimeout} is dropped`,
        'remove dialTimeout for this target',
        'warning',
      );
    if (m.auth)
      // CRI-O on OpenShift reads /var/lib/kubelet/config.json, which the Machine Config Operator
      // writes from the global pull secret; mirrorctl does not edit that cluster-wide Secret.
      out.push({
        severity: 'info',
        code: 'render.openshift.auth-pull-secret',
        field: `${f}.auth`,
        target: 'openshift',
        message: `OpenShift nodes take credentials for ${m.host} from the global pull secret (openshift-config/pull-secret); mirrorctl does not write it`,
        hint: `add an auths entry for ${m.host} to it: oc get secret/pull-secret -n openshift-config --template='{{index .data ".dockerconfigjson" | base64decode}}' > pull.json, merge the entry, then oc set data secret/pull-secret -n openshift-config --from-file=.dockerconfigjson=pull.json`,
      });
    if (m.capabilities.includes('push'))
      err(
        'capabilities',
        `${f}.capabilities`,
        'OpenShift mirrors are pull-only; the push capability is dropped',
        'remove push for this target',
        'warning',
      );
  });
  return out;
}
