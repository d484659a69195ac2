// The controller's side of a revision, for agent tests: the ControllerRevision holding the MirrorSet
// document (what the agent reads), named and labelled as the controller names it.
import { parse } from 'yaml';
import { controllerRevisionName, NAMESPACE } from '../../../src/cluster/api/meta.js';
import { revisionOf, specDocumentOf } from '../../../src/cluster/api/mirrorset.js';
import { specHash } from '../../../src/spec/hash.js';
import { validateSpec } from '../../../src/spec/validate.js';
import type { FakeApiServer, Obj } from '../fake-apiserver.js';

export interface Revision {
  revision: string;
  name: string;
}

/** Stores `specYaml` as a ControllerRevision (once) and names it. */
export function revisionDoc(server: FakeApiServer, specYaml: string): Revision {
  const doc = parse(specYaml) as { metadata: { name: string }; spec: Record<string, unknown> };
  const checked = validateSpec(specYaml, 'spec.yaml');
  if (!checked.spec) throw new Error(`test spec invalid: ${JSON.stringify(checked.diagnostics)}`);
  const revision = revisionOf(specHash(checked.spec));
  const name = controllerRevisionName(doc.metadata.name, revision);
  if (!server.get('controllerrevisions', NAMESPACE, name))
    server.api.create('controllerrevisions', {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name, namespace: NAMESPACE, labels: { 'mirrorctl.io/revision': revision } },
      data: specDocumentOf(doc),
      revision: 1,
    } as Obj);
  return { revision, name };
}
