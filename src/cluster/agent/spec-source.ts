// Where the agent's spec comes from: the ControllerRevision the MirrorNode names (its data is the
// MirrorSet document, checked against the revision the controller asked for), and the Secrets the
// spec names (tls/auth/headersFrom secretRef) from the mirrorctl namespace. A spec in the API holds
// no file paths (src/spec/api-storage.ts; the controller refuses them as InvalidSpec), so a path
// that still reaches the agent is refused with the same fix, never looked up elsewhere.
import { apiStorageFindings } from '../../spec/api-storage.js';
import { specHash } from '../../spec/hash.js';
import type { ReadText } from '../../spec/load.js';
import type { SecretResolver } from '../../spec/secret-refs.js';
import { validateSpec } from '../../spec/validate.js';
import { NAMESPACE } from '../api/meta.js';
import { revisionOf } from '../api/mirrorset.js';

/** The reads the spec source needs (AgentApi implements them). */
export interface SpecApi {
  /** ControllerRevision `data`, undefined when it does not exist. */
  revisionData(name: string): Promise<unknown>;
  /** A Secret's decoded data, undefined when it does not exist. */
  secretData(name: string): Promise<Record<string, string> | undefined>;
}

export interface RevisionSpec {
  revision: string;
  /** A virtual path naming the ControllerRevision (diagnostics name it; TLS paths are relative to it). */
  file: string;
  text: string;
  /** loadSpec's reader: the spec itself (a MirrorSet in the API names no other file). */
  read: ReadText;
  /** The Secrets the spec names (tls/auth/headersFrom secretRef, as `mirrorctl rollout` stores
   *  them), read from the mirrorctl namespace — the only one a spec may name. */
  resolveSecret?: SecretResolver;
}

export type SpecFetch = { ok: true; spec: RevisionSpec } | { ok: false; message: string };

const specFile = (crName: string): string => `/${NAMESPACE}/controllerrevisions/${crName}/mirrors.yaml`;

/** Reads and checks the spec of `crName`, which must hold `revision`. API failures throw. */
export async function fetchRevisionSpec(api: SpecApi, crName: string, revision: string): Promise<SpecFetch> {
  const data = await api.revisionData(crName);
  if (data === undefined)
    return {
      ok: false,
      message: `ControllerRevision ${NAMESPACE}/${crName} (revision ${revision}) does not exist; the controller writes it before naming it, so it was deleted or pruned`,
    };
  const file = specFile(crName);
  // JSON is YAML: the spec loader reads the document as a file would hold it.
  const text = `${JSON.stringify(data, null, 2)}\n`;
  const checked = validateSpec(text, file);
  if (!checked.spec) {
    const e = checked.diagnostics.find((d) => d.severity === 'error');
    return {
      ok: false,
      message: `ControllerRevision ${NAMESPACE}/${crName} holds no valid spec: ${e ? `${e.field ?? ''} ${e.message}`.trim() : 'unreadable'}`,
    };
  }
  const held = revisionOf(specHash(checked.spec));
  if (held !== revision)
    return {
      ok: false,
      message: `ControllerRevision ${NAMESPACE}/${crName} holds revision ${held}, not ${revision}; nothing applied`,
    };
  const stored = apiStorageFindings(checked.spec, file)[0];
  if (stored)
    return {
      ok: false,
      message: `ControllerRevision ${NAMESPACE}/${crName}: ${stored.field} — ${stored.message}; ${stored.hint}`,
    };
  const resolveSecret: SecretResolver = (ref) =>
    ref.namespace === NAMESPACE ? api.secretData(ref.name) : Promise.resolve(undefined);
  return {
    ok: true,
    spec: { revision, file, text, read: async (p) => (p === file ? text : null), resolveSecret },
  };
}
