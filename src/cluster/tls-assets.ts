// TLS files named by the spec (tls.caFile/certFile/keyFile) live on the operator's machine; cluster
// mode ships them to the agent pods (pure): CA bundles and client certificates as keys of the spec
// ConfigMap (projected beside mirrors.yaml), anything holding a private key as a key of the
// mirrorctl-tls Secret (mounted read-only, 0400). Keys are named by content hash, and the spec text
// the agents read has each path rewritten relative to the mounted mirrors.yaml, so `loadSpec` in the
// pod resolves it exactly as it does on a workstation. Files stay in the cluster while a spec in the
// history names them, so `rollback --cluster` finds them again.
import { posix } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { SpecAssets } from '../spec/types.js';
import { POD_PATHS, shortHash } from './names.js';

const TLS_FIELDS = ['caFile', 'certFile', 'keyFile'] as const;
const CM_PREFIX = 'tls-';
const SECRET_PREFIX = 'key-';
/** From the spec's directory (/config) to the Secret's mount. */
const SECRET_REL = posix.relative(POD_PATHS.configDir, POD_PATHS.tlsKeyDir);

export interface TlsShipment {
  /** The spec as the agents read it: every TLS path rewritten to its file in the pod. */
  specText: string;
  /** Spec ConfigMap keys → PEM (CA bundles, client certificates). */
  configMapData: Record<string, string>;
  /** Secret keys → PEM (private keys, and certificates bundled with one). */
  secretData: Record<string, string>;
}

type YamlPath = Array<string | number>;

/** Every scalar tls.<field> of the raw document, with its path (the raw indices, not normalized ones). */
function tlsFields(specText: string): { doc: ReturnType<typeof parseDocument>; fields: YamlPath[] } {
  const doc = parseDocument(specText);
  const fields: YamlPath[] = [];
  const registries = doc.getIn(['spec', 'registries']);
  if (!isSeq(registries)) return { doc, fields };
  registries.items.forEach((_, i) => {
    const mirrors = doc.getIn(['spec', 'registries', i, 'mirrors']);
    if (!isSeq(mirrors)) return;
    mirrors.items.forEach((m, j) => {
      if (!isMap(m)) return;
      for (const f of TLS_FIELDS) {
        const path = ['spec', 'registries', i, 'mirrors', j, 'tls', f];
        const node = doc.getIn(path, true);
        if (isScalar(node) && typeof node.value === 'string') fields.push(path);
      }
    });
  });
  return { doc, fields };
}

const holdsPrivateKey = (pem: string): boolean => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem);

/** Rewrites the spec's TLS paths and sorts the files into ConfigMap and Secret data.
 *  `assets` is loadSpec's result: every referenced file, keyed by its path as written in the spec. */
export function shipTlsAssets(specText: string, assets: SpecAssets): TlsShipment {
  const { doc, fields } = tlsFields(specText);
  const configMapData: Record<string, string> = {};
  const secretData: Record<string, string> = {};
  for (const path of fields) {
    const written = String(doc.getIn(path));
    const pem = assets[written];
    if (pem === undefined) continue; // loadSpec refuses a spec whose files are unreadable
    const secret = path.at(-1) === 'keyFile' || holdsPrivateKey(pem);
    const key = `${secret ? SECRET_PREFIX : CM_PREFIX}${shortHash(pem)}.pem`;
    if (secret) secretData[key] = pem;
    else configMapData[key] = pem;
    doc.setIn(path, secret ? `${SECRET_REL}/${key}` : key);
  }
  if (fields.length === 0) return { specText, configMapData, secretData };
  return { specText: doc.toString(), configMapData, secretData };
}

/** ConfigMap and Secret keys a published (rewritten) spec refers to. */
export function referencedTlsKeys(specText: string): { configMap: string[]; secret: string[] } {
  const { doc, fields } = tlsFields(specText);
  const configMap: string[] = [];
  const secret: string[] = [];
  for (const path of fields) {
    const v = String(doc.getIn(path));
    if (v.startsWith(`${SECRET_REL}/${SECRET_PREFIX}`)) secret.push(v.slice(SECRET_REL.length + 1));
    else if (v.startsWith(CM_PREFIX) && !v.includes('/')) configMap.push(v);
  }
  return { configMap: [...new Set(configMap)], secret: [...new Set(secret)] };
}

/** Files a published spec needs beside it, as paths relative to the spec's directory (the agent
 *  waits until kubelet has projected them: ConfigMap and Secret volumes update independently). */
export function podTlsFiles(specText: string): string[] {
  const { configMap, secret } = referencedTlsKeys(specText);
  return [...configMap, ...secret.map((k) => `${SECRET_REL}/${k}`)];
}

/** Keys of `existing` that are mirrorctl TLS files no spec in `wanted` names (to delete with null). */
export function staleTlsKeys(
  existing: Record<string, string> | undefined,
  wanted: ReadonlySet<string>,
): string[] {
  return Object.keys(existing ?? {}).filter(
    (k) => (k.startsWith(CM_PREFIX) || k.startsWith(SECRET_PREFIX)) && k.endsWith('.pem') && !wanted.has(k),
  );
}

/** Secret `data` is base64. */
export const toSecretData = (files: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
