// The auth-file merge for CRI-O: mirrorctl's entries in, everything else kept, only its own keys
// (recorded in the drop-in's ledger) removed, and a file that cannot be read left alone.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import { validateSpec } from '../spec/validate.js';
import { crioAuthEdits, ledgerLine, mergeAuthFile, readLedger } from './containers-auth.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const OURS = { auth: b64('alice:pw') };
const FILE = '/etc/containers/auth.json';

describe('mergeAuthFile', () => {
  it('creates the file with the mirror entries (tabs, as c/image writes it)', () => {
    const r = mergeAuthFile(FILE, null, { 'm:5000': OURS }, undefined);
    expect(r.text).toBe(`{\n\t"auths": {\n\t\t"m:5000": {\n\t\t\t"auth": "${OURS.auth}"\n\t\t}\n\t}\n}\n`);
    expect(r.ledger).toEqual({ file: FILE, keys: ['m:5000'] });
  });

  it('keeps every other entry and key, in order', () => {
    const current = JSON.stringify({
      auths: { 'quay.io': { auth: 'x' } },
      credHelpers: { 'gcr.io': 'gcloud' },
    });
    const r = mergeAuthFile(FILE, current, { 'm:5000': OURS }, undefined);
    expect(JSON.parse(r.text!)).toEqual({
      auths: { 'quay.io': { auth: 'x' }, 'm:5000': OURS },
      credHelpers: { 'gcr.io': 'gcloud' },
    });
  });

  it('removes only the keys the ledger says mirrorctl wrote', () => {
    const current = JSON.stringify({ auths: { 'quay.io': { auth: 'x' }, 'm:5000': OURS, 'old:1': OURS } });
    const r = mergeAuthFile(FILE, current, {}, { file: FILE, keys: ['old:1', 'm:5000'] });
    expect(JSON.parse(r.text!)).toEqual({ auths: { 'quay.io': { auth: 'x' } } });
    expect(r.ledger.keys).toEqual([]);
  });

  it('leaves an unchanged file byte for byte (its own formatting)', () => {
    const current = `{"auths":{"m:5000":{"auth":"${OURS.auth}"}}}`;
    expect(mergeAuthFile(FILE, current, { 'm:5000': OURS }, { file: FILE, keys: ['m:5000'] }).text).toBe(
      current,
    );
  });

  it('warns when it replaces an entry it did not write', () => {
    const r = mergeAuthFile(
      FILE,
      JSON.stringify({ auths: { 'm:5000': { auth: 'other' } } }),
      { 'm:5000': OURS },
      undefined,
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['render.crio.auth-replaces-entry']);
  });

  it.each([
    ['not JSON', '{oops'],
    ['auths not an object', '{"auths": []}'],
  ])('refuses a file that is %s and changes nothing', (_, text) => {
    const r = mergeAuthFile(FILE, text, { 'm:5000': OURS }, undefined);
    expect(r.text).toBe(text);
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'render.crio.auth-file']]);
  });
});

describe('ledger', () => {
  it('reads back what it wrote, and nothing from other text', () => {
    const l = { file: FILE, keys: ['m:5000'] };
    expect(readLedger(`# header\n${ledgerLine(l)}[[registry]]\n`)).toEqual(l);
    expect(readLedger('# mirrorctl auth entries: {bad')).toBeUndefined();
    expect(readLedger(undefined)).toBeUndefined();
  });
});

describe('crioAuthEdits', () => {
  const spec = (auth: string) =>
    validateSpec(
      `apiVersion: mirrorctl/v1\nkind: MirrorSet\nmetadata: { name: x }\nspec:\n  registries:\n    - source: icr.io/cpopen\n      mirrors:\n        - url: https://m:5000/dpod\n${auth}`,
      'm.yaml',
    ).spec!;
  const ctx = (assets: Record<string, string>) => ({ target: 'crio' as const, assets, paths: DEFAULT_PATHS });
  const auth = JSON.stringify({ auths: { 'm:5000': { auth: b64('alice:pw') } } });

  it('names the auth file in a crio.conf.d drop-in when CRI-O has no global_auth_file (restart)', () => {
    const r = crioAuthEdits(
      spec('          auth: { file: a.json }\n'),
      ctx({ 'a.json': auth }),
      { authText: null },
      '# h\n',
    );
    expect(r.edits.map((e) => [e.path, e.mode.toString(8), e.needs])).toEqual([
      [FILE, '600', 'none'],
      ['/etc/crio/crio.conf.d/99-mirrorctl-auth.conf', '644', 'restart'],
    ]);
    expect(r.edits[1]?.after).toContain('global_auth_file = "/etc/containers/auth.json"');
    expect(readLedger(r.ledger)).toEqual({ file: FILE, keys: ['m:5000'] });
  });

  it('merges into the global_auth_file CRI-O already names, and adds no drop-in', () => {
    const r = crioAuthEdits(
      spec('          auth: { file: a.json }\n'),
      ctx({ 'a.json': auth }),
      { globalAuthFile: '/var/lib/kubelet/config.json', authText: '{"auths":{}}' },
      '# h\n',
    );
    expect(r.edits.map((e) => e.path)).toEqual(['/var/lib/kubelet/config.json']);
  });

  it('refuses a registry token: containers/image reads only auth and identitytoken', () => {
    const tok = JSON.stringify({ auths: { 'm:5000': { registrytoken: 't' } } });
    const r = crioAuthEdits(
      spec('          auth: { file: a.json }\n'),
      ctx({ 'a.json': tok }),
      { authText: null },
      '',
    );
    expect(r.edits).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['render.crio.auth-registry-token']);
  });
});
