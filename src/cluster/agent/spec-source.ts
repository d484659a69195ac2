// Where the agent's spec comes from: the ControllerRevision the MirrorNode names (its data is the
// MirrorSet document, checked against the revision the controller asked for), and the TLS files
// the spec names, from the Secret mirrorctl-tls in the mirrorctl namespace: a relative path names
// the key of its file name, as `kubectl create secret generic --from-file=<path>` keys it. The
// content of a file is not part of the revision: it is read when the revision is first applied.
import { basename, dirname, isAbsolute, relative } from 'node:path/posix';
import { specHash } from '../../spec/hash.js';
import type { ReadText } from '../../spec/load.js';
import type { SecretResolver } from '../../spec/secret-refs.js';
import { validateSpec } from '../../spec/validate.js';
import { NAMESPACE, SECRETS } from '../api/meta.js';
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
  /** loadSpec's reader: the spec itself, and its TLS files from the Secret (read once). */
  read: ReadText;
  /** The Secrets the spec names (tls/auth/headersFrom secretRef, as `mirrorctl rollout` stores
   *  them), read from the mirrorctl namespace — the only one a spec may name. */
  resolveSecret?: SecretResolver;
}

export type SpecFetch = { ok: true; spec: RevisionSpec } | { ok: false; message: string };

const specFile = (crName: string): string => `/${NAMESPACE}/controllerrevisions/${crName}/mirrors.yaml`;

const createHint = (key: string): string =>
  `kubectl -n ${NAMESPACE} create secret generic ${SECRETS.tls} --from-file=${key} (add every file the spec names)`;

/** The TLS reader: relative paths → keys of the mirrorctl-tls Secret. The Secret is read once while
 *  it holds what is asked; a missing Secret or key is read again next time (the operator adds it). */
function secretReader(api: SpecApi, file: string): (path: string) => Promise<string | null> {
  let secret: Promise<Record<string, string> | undefined> | undefined;
  const base = dirname(file);
  return async (path) => {
    const rel = relative(base, path);
    if (isAbsolute(rel) || rel.startsWith('../'))
      throw new Error(
        `in a cluster, TLS files come from the Secret ${NAMESPACE}/${SECRETS.tls}: name the file by a relative path (its key), not ${path}`,
      );
    const key = basename(rel);
    secret ??= api.secretData(SECRETS.tls);
    const data = await secret.catch((e: unknown) => {
      secret = undefined;
      throw e;
    });
    if (!data) {
      secret = undefined;
      throw new Error(`the Secret ${NAMESPACE}/${SECRETS.tls} does not exist; create it: ${createHint(key)}`);
    }
    const value = data[key];
    if (value === undefined) {
      secret = undefined;
      throw new Error(`the Secret ${NAMESPACE}/${SECRETS.tls} has no key "${key}"; ${createHint(key)}`);
    }
    return value;
  };
}

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
  const tls = secretReader(api, file);
  const resolveSecret: SecretResolver = (ref) =>
    ref.namespace === NAMESPACE ? api.secretData(ref.name) : Promise.resolve(undefined);
  return {
    ok: true,
    spec: { revision, file, text, read: async (p) => (p === file ? text : tls(p)), resolveSecret },
  };
}
