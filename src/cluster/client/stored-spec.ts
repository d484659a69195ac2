// A spec file as it may be stored in the API (pure). A MirrorSet is readable by anyone who may read
// MirrorSets, and no pod can read the operator's files, so what the file holds by path or inline
// moves into Secrets in the mirrorctl namespace and the document names them by the reference forms
// of src/spec (tls.secretRef, headersFrom.secretRef, auth.secretRef): TLS files → ca.crt/tls.crt/
// tls.key, header values → one key per header, an auth file → a dockerconfigjson holding only the
// mirror host's entry (never the operator's other credentials). Secret names are chosen later
// (secrets.ts); `needs` says where each name goes.
import type { Diagnostic } from '../../diagnostics.js';
import type { Credential } from '../../registry/credentials.js';
import { mirrorCredential } from '../../spec/mirror-auth.js';
import { DOCKERCONFIG_KEY, TLS_SECRET_KEYS } from '../../spec/secret-refs.js';
import type { Mirror, MirrorSet, SpecAssets } from '../../spec/types.js';
import { API_VERSION as SPEC_API_VERSION } from '../api/group.js';

export type SecretComponent = 'tls' | 'headers' | 'auth';

/** A Secret the stored document needs, and where its name goes in the document. */
export interface SecretNeed {
  component: SecretComponent;
  type: 'Opaque' | 'kubernetes.io/tls' | 'kubernetes.io/dockerconfigjson';
  /** Key → value (plain text). */
  data: Record<string, string>;
  /** Path of the `secretRef` object in the document; its `name` is set once chosen. */
  at: Array<string | number>;
  /** `spec.registries[0].mirrors[1].tls`: what the Secret replaces, for output. */
  field: string;
}

export interface StoredSpec {
  document: Record<string, unknown>;
  needs: SecretNeed[];
  diagnostics: Diagnostic[];
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Secret keys: kubernetes validation IsConfigMapKey. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** A docker config.json entry holding `c` (the fields registry/credentials.ts reads back). */
function authEntry(c: Credential): Rec {
  switch (c.kind) {
    case 'basic':
      return { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') };
    case 'identity-token':
      return { ...(c.username ? { username: c.username } : {}), identitytoken: c.token };
    case 'registry-token':
      return { registrytoken: c.token };
  }
}

export function storedSpec(doc: Rec, spec: MirrorSet, assets: SpecAssets, file: string): StoredSpec {
  const document = structuredClone(doc);
  document.apiVersion = SPEC_API_VERSION;
  const needs: SecretNeed[] = [];
  const diagnostics: Diagnostic[] = [];
  const error = (field: string, code: string, message: string, hint: string) =>
    diagnostics.push({ severity: 'error', code, file, field, message, hint });
  const registries =
    isRec(document.spec) && Array.isArray(document.spec.registries) ? document.spec.registries : [];
  for (const e of spec.registries)
    e.mirrors.forEach((m: Mirror, j: number) => {
      const raw = (registries[e.index] as Rec | undefined)?.mirrors;
      const mirror = Array.isArray(raw) && isRec(raw[j]) ? (raw[j] as Rec) : undefined;
      if (!mirror) return;
      const base: Array<string | number> = ['spec', 'registries', e.index, 'mirrors', j];
      const field = `spec.registries[${e.index}].mirrors[${j}]`;
      // TLS files → one Secret with the kubernetes.io/tls keys.
      const tls = isRec(mirror.tls) ? mirror.tls : undefined;
      const files = { ca: m.tls.caFile, cert: m.tls.certFile, key: m.tls.keyFile };
      if (tls && (files.ca ?? files.cert ?? files.key) !== undefined) {
        const data: Record<string, string> = {};
        for (const [k, p] of Object.entries(files))
          if (p !== undefined && assets[p] !== undefined)
            data[TLS_SECRET_KEYS[k as keyof typeof TLS_SECRET_KEYS]] = assets[p] as string;
        delete tls.caFile;
        delete tls.certFile;
        delete tls.keyFile;
        tls.secretRef = { name: '' };
        const pair = data[TLS_SECRET_KEYS.cert] !== undefined && data[TLS_SECRET_KEYS.key] !== undefined;
        needs.push({
          component: 'tls',
          type: pair ? 'kubernetes.io/tls' : 'Opaque',
          data,
          at: [...base, 'tls', 'secretRef'],
          field: `${field}.tls`,
        });
      }
      // Header values → one key per header name.
      const names = Object.keys(m.headers);
      if (names.length > 0) {
        if (mirror.headersFrom !== undefined)
          error(
            `${field}.headers`,
            'cluster.rollout.headers-and-headers-from',
            'inline headers and headersFrom on one mirror: a MirrorSet names one header Secret per mirror',
            'move the inline headers into the Secret headersFrom names, and drop headers',
          );
        const data: Record<string, string> = {};
        for (const [name, values] of Object.entries(m.headers)) {
          if (!SECRET_KEY.test(name))
            error(
              `${field}.headers.${name}`,
              'cluster.rollout.header-name',
              `header ${JSON.stringify(name)} cannot be a Secret key (letters, digits, "-", "_", ".")`,
              'rename the header, or configure it on the nodes with node-level `mirrorctl apply`',
            );
          if (values.length !== 1)
            error(
              `${field}.headers.${name}`,
              'cluster.rollout.header-values',
              `header ${JSON.stringify(name)} has ${values.length} values; a Secret key holds one`,
              'join them as one value ("a, b"), as HTTP allows for list-valued headers',
            );
          data[name] = values[0] ?? '';
        }
        delete mirror.headers;
        mirror.headersFrom = { secretRef: { name: '' } };
        needs.push({
          component: 'headers',
          type: 'Opaque',
          data,
          at: [...base, 'headersFrom', 'secretRef'],
          field: `${field}.headers`,
        });
      }
      // An auth file → a dockerconfigjson with the mirror host's entry only.
      if (m.auth && 'file' in m.auth) {
        const found = mirrorCredential(m, assets);
        if (!found.ok || !found.value) {
          error(
            `${field}.auth.file`,
            'cluster.rollout.auth-entry',
            found.ok ? 'no credentials found' : found.message,
            `the file needs an "auths" entry for ${m.host}`,
          );
          return;
        }
        const json = { auths: { [m.host]: authEntry(found.value.credential) } };
        mirror.auth = { secretRef: { name: '' } };
        needs.push({
          component: 'auth',
          type: 'kubernetes.io/dockerconfigjson',
          data: { [DOCKERCONFIG_KEY]: JSON.stringify(json) },
          at: [...base, 'auth', 'secretRef'],
          field: `${field}.auth`,
        });
      }
    });
  return { document, needs, diagnostics };
}

/** Sets the chosen Secret name at `need.at` in the document (a copy). */
export function nameSecrets(document: Rec, needs: readonly SecretNeed[], names: readonly string[]): Rec {
  const out = structuredClone(document);
  needs.forEach((n, i) => {
    let cur: unknown = out;
    for (const seg of n.at) cur = (cur as Rec)[seg as string];
    if (isRec(cur)) cur.name = names[i];
  });
  return out;
}
