// kube-apiserver's namespace rule for Events (k8s.io/kubernetes pkg/apis/core/validation/events.go,
// legacyValidateEvent, applied to core/v1 and events.k8s.io/v1 Events alike): with eventTime set, an
// Event about a cluster-scoped object (no involvedObject/regarding namespace) must live in `default`
// or `kube-system`; without it, in `default` (or no namespace); an Event about a namespaced object
// in that object's namespace. Anything else is 422 Invalid.
import { invalid, isRecord, type Obj, type ResourceDef } from './types.js';

export function validateEventNamespace(def: Pick<ResourceDef, 'group' | 'plural' | 'kind'>) {
  const key = def.group === 'events.k8s.io' ? 'regarding' : 'involvedObject';
  return (o: Obj): void => {
    const about = isRecord(o[key]) ? (o[key] as Record<string, unknown>) : {};
    const aboutNs = typeof about.namespace === 'string' ? about.namespace : '';
    const ns = o.metadata.namespace ?? '';
    const timed = typeof o.eventTime === 'string' && o.eventTime !== '';
    const ok = timed
      ? aboutNs !== '' || ns === 'default' || ns === 'kube-system'
      : aboutNs === ''
        ? ns === '' || ns === 'default'
        : ns === aboutNs;
    if (!ok)
      throw invalid(
        def as ResourceDef,
        o.metadata.name,
        'involvedObject.namespace',
        `Invalid value: "${aboutNs}": does not match event.namespace`,
      );
  };
}
