// The bridge every conversion goes through: foreign formats are read into the user-facing spec
// document (mirrors.yaml) and then validated by the one spec validator, so an imported spec is
// exactly as strict as a hand-written one; the spec is written back out with defaults left implicit.
import { stringify } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, MirrorSet, PathMode, PullFrom } from '../spec/types.js';
import { validateSpec } from '../spec/validate.js';

/** One auths entry as containers/image and docker read it (credentials-doc.ts builds them). */
export interface AuthJsonEntry {
  auth: string;
  identitytoken?: string;
}

/** Mirror host[:port] → its auths entry. */
export type Credentials = Record<string, AuthJsonEntry>;

export interface MirrorDoc {
  url: string;
  path?: PathMode;
  pullFrom?: PullFrom;
  capabilities?: string[];
  tls?: { insecureSkipVerify?: boolean; caFile?: string; certFile?: string; keyFile?: string };
  headers?: Record<string, string[]>;
  dialTimeout?: string;
  /** A reference only (foreign/credentials-doc.ts), never the credential. */
  auth?: { file: string } | { secretRef: { name: string; namespace?: string; key?: string } };
}

export interface EntryDoc {
  source: string;
  fallback?: boolean;
  mirrors: MirrorDoc[];
  only?: string[];
}

export interface SpecDoc {
  apiVersion: 'mirrorctl/v1';
  kind: 'MirrorSet';
  metadata: { name: string };
  spec: { registries: EntryDoc[] };
}

/** What a foreign format's reader returns: spec entries, and a Diagnostic for each thing it lost. */
export interface ReadResult {
  entries: EntryDoc[];
  diagnostics: Diagnostic[];
  /** The input's own name (metadata.name of its objects), for the formats that have one. */
  name?: string;
  /** Credentials found, by mirror host: never put in the spec inline (credentials-doc.ts). */
  credentials?: Credentials;
}

/** A reader's answer when the text does not parse: no entries, one `convert.parse` error naming the file. */
export const parseFailure = (file: string, message: string): ReadResult => ({
  entries: [],
  diagnostics: [{ severity: 'error', code: 'convert.parse', file, message }],
});

/** What a writer needs beyond the spec: object names (else mirrorctl-<spec name>), the Talos version. */
export interface WriteOptions {
  /** The exact metadata.name of written objects: the input's own name, or --name. */
  objectName?: string;
  /** Talos version of the nodes (`1.11`, `v1.11.2`, `Talos (v1.11.2)`): picks the patch shape. */
  talosVersion?: string;
  /** Write mirror credentials into the output (it goes to a 0600 file, never to stdout). */
  withCredentials?: boolean;
}

/** What a foreign format's writer returns: the file, and a Diagnostic for each spec field it lost. */
export interface Written {
  text: string;
  diagnostics: Diagnostic[];
}

export const specDoc = (name: string, registries: EntryDoc[]): SpecDoc => ({
  apiVersion: 'mirrorctl/v1',
  kind: 'MirrorSet',
  metadata: { name },
  spec: { registries },
});

function mirrorDoc(m: Mirror): MirrorDoc {
  const d: MirrorDoc = { url: m.url };
  if (m.pathMode !== 'namespace') d.path = m.pathMode;
  if (m.pullFrom !== 'all') d.pullFrom = m.pullFrom;
  if (m.capabilities.join() !== 'pull,resolve') d.capabilities = [...m.capabilities];
  const tls: NonNullable<MirrorDoc['tls']> = {};
  if (m.tls.insecureSkipVerify) tls.insecureSkipVerify = true;
  if (m.tls.caFile !== undefined) tls.caFile = m.tls.caFile;
  if (m.tls.certFile !== undefined) tls.certFile = m.tls.certFile;
  if (m.tls.keyFile !== undefined) tls.keyFile = m.tls.keyFile;
  if (Object.keys(tls).length > 0) d.tls = tls;
  if (Object.keys(m.headers).length > 0) d.headers = m.headers;
  if (m.dialTimeout !== undefined) d.dialTimeout = m.dialTimeout;
  if (m.auth) d.auth = 'file' in m.auth ? { file: m.auth.file } : { secretRef: { ...m.auth.secretRef } };
  return d;
}

export function specToDoc(set: MirrorSet): SpecDoc {
  return specDoc(
    set.name,
    set.registries.map((e) => ({
      source: e.source,
      ...(e.fallback ? {} : { fallback: false }),
      mirrors: e.mirrors.map(mirrorDoc),
      ...(e.only ? { only: [...e.only] } : {}),
    })),
  );
}

export const docToYaml = (doc: SpecDoc): string => stringify(doc, { lineWidth: 0 });

/** Validates a converted document like a mirrors.yaml; `file` names the input it came from. */
export function docToSpec(doc: SpecDoc, file: string): { spec?: MirrorSet; diagnostics: Diagnostic[] } {
  if (doc.spec.registries.length === 0)
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'convert.empty',
          file,
          message: 'the input holds no registry mirrors, so there is no spec to write',
          hint: 'check that the file is the format given with --from',
        },
      ],
    };
  const r = validateSpec(docToYaml(doc), `${file} (converted)`);
  return { ...(r.spec ? { spec: r.spec } : {}), diagnostics: r.diagnostics };
}
