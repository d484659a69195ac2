// What `rollout` stores in the API: never a header value, a key, a password or a path on the operator's
// machine in the MirrorSet (readable by anyone who may read MirrorSets), and never in a ConfigMap —
// they go into Secrets in mirrorctl, named by the src/spec reference forms; --dry-run prints every
// Secret value redacted (issue 16 defect: header values in a ConfigMap and printed by --dry-run).
// Secrets are reused when their content is unchanged and pruned when no revision names them.
import { afterEach, describe, expect, it } from 'vitest';
import { specDocumentOf } from '../../../src/cluster/api/mirrorset.js';
import { apiStorageFindings } from '../../../src/spec/api-storage.js';
import { validateSpec } from '../../../src/spec/validate.js';
import type { Obj } from '../fake-apiserver.js';
import { makePki } from '../tls-pki.js';
import { cli, type Harness, specFile, startHarness } from './harness.js';

const HEADER = 'Bearer HEADER-SECRET-8d1f';
const PASSWORD = 'AUTH-PASSWORD-3a9c';
const pki = makePki();
const AUTH = JSON.stringify({
  auths: {
    'mirror.example.com': { auth: Buffer.from(`puller:${PASSWORD}`).toString('base64') },
    'unrelated.example.org': { auth: Buffer.from('someone:OTHER-SECRET-77e0').toString('base64') },
  },
});

const SPEC = (mirror = 'https://mirror.example.com') => `apiVersion: mirrorctl/v1
kind: MirrorSet
metadata: { name: lab }
spec:
  registries:
    - source: docker.io
      mirrors:
        - url: ${mirror}
          headers: { X-Api-Key: ["${HEADER}"] }
          tls: { caFile: ca.pem, certFile: client.pem, keyFile: client.key }
          auth: { file: auth.json }
  rollout: { soakSeconds: 0 }
`;
const files = { 'ca.pem': pki.ca, 'client.pem': pki.cert, 'client.key': pki.key, 'auth.json': AUTH };
const SECRETS = [HEADER, PASSWORD, 'OTHER-SECRET-77e0', pki.key.split('\n')[1] as string];
const b64 = (s: string) => Buffer.from(s).toString('base64');

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const decoded = (s: Obj | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries((s?.data ?? {}) as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString(),
    ]),
  );

describe('rollout and secret material', () => {
  it('--dry-run prints the MirrorSet and its Secrets with every value redacted, and writes nothing', async () => {
    h = await startHarness([]);
    const r = await cli(h, ['rollout', '-f', specFile(SPEC(), files), '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    for (const s of SECRETS) {
      expect(r.stdout).not.toContain(s);
      expect(r.stdout).not.toContain(b64(s));
    }
    expect(r.stdout).toContain('<redacted>');
    expect(r.stdout).toMatch(/headersFrom:\n\s+secretRef:\n\s+name: mirrorctl-lab-headers-<generated>/);
    expect(r.stdout).toContain('type: kubernetes.io/tls');
    expect(r.stdout).not.toContain('caFile');
    expect(h.cluster.server.accounting.writes.filter((w) => w.source === 'http')).toEqual([]);
  });

  it('stores only references: Secrets hold the values, no ConfigMap or MirrorSet does, and the stored spec passes the API-storage rules', async () => {
    h = await startHarness([{ name: 'w1' }]);
    await h.startController('c1');
    const file = specFile(SPEC(), files);
    const r = await cli(h, ['rollout', '-f', file, '--timeout', '30s']);
    expect(r.code, r.stderr).toBe(0);
    for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);

    const server = h.cluster.server;
    const set = server.get('mirrorsets', undefined, 'lab');
    const stored = JSON.stringify(set);
    for (const s of SECRETS) expect(stored).not.toContain(s);
    const configMaps = JSON.stringify(server.list('configmaps'));
    for (const s of SECRETS) {
      expect(configMaps).not.toContain(s);
      expect(configMaps).not.toContain(b64(s));
    }
    // What kubectl apply / the controller would check: nothing inline, no path.
    const checked = validateSpec(JSON.stringify(specDocumentOf(set as never)), 'stored');
    expect(checked.spec).toBeDefined();
    expect(apiStorageFindings(checked.spec!)).toEqual([]);

    const mirror = (
      (set?.spec ?? {}) as {
        registries: Array<{ mirrors: Array<Record<string, { secretRef?: { name: string } }>> }>;
      }
    ).registries[0]!.mirrors[0]!;
    const secret = (name?: string) => server.get('secrets', 'mirrorctl', name ?? '');
    expect(decoded(secret(mirror.headersFrom?.secretRef?.name))).toEqual({ 'X-Api-Key': HEADER });
    const tls = secret(mirror.tls?.secretRef?.name);
    expect(tls?.type).toBe('kubernetes.io/tls');
    expect(decoded(tls)).toEqual({ 'ca.crt': pki.ca, 'tls.crt': pki.cert, 'tls.key': pki.key });
    const auth = secret(mirror.auth?.secretRef?.name);
    expect(auth?.type).toBe('kubernetes.io/dockerconfigjson');
    // Only the mirror host's entry: the operator's other credentials stay on the operator's machine.
    expect(JSON.parse(decoded(auth)['.dockerconfigjson'] as string)).toEqual({
      auths: { 'mirror.example.com': { auth: b64(`puller:${PASSWORD}`) } },
    });
    expect(auth?.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'mirrorctl',
      'mirrorctl.io/mirrorset': 'lab',
    });

    // Same content again: the same Secrets, nothing new; a new header value: a new Secret (a new
    // revision reaches the nodes) and the old one stays while a kept revision names it.
    const names = server
      .list('secrets', 'mirrorctl')
      .map((s) => s.metadata.name)
      .sort();
    expect((await cli(h, ['rollout', '-f', file, '--timeout', '30s'])).code).toBe(0);
    expect(
      server
        .list('secrets', 'mirrorctl')
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(names);
    const changed = specFile(SPEC().replace(HEADER, 'Bearer ROTATED-1c2d'), files);
    expect((await cli(h, ['rollout', '-f', changed, '--timeout', '30s'])).code).toBe(0);
    const after = server
      .list('secrets', 'mirrorctl')
      .filter((s) => s.metadata.labels?.['app.kubernetes.io/component'] === 'secret-headers');
    expect(
      after
        .map(decoded)
        .map((d) => d['X-Api-Key'])
        .sort(),
    ).toEqual(['Bearer ROTATED-1c2d', HEADER].sort());
  });

  it('a Secret no kept revision names any more is deleted', async () => {
    h = await startHarness([{ name: 'w1' }]);
    await h.startController('c1');
    expect((await cli(h, ['rollout', '-f', specFile(SPEC(), files), '--timeout', '30s'])).code).toBe(0);
    // The controller keeps 5 revisions; once the first is pruned, its Secrets go with the next rollout.
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const r = await cli(h, [
        'rollout',
        '-f',
        specFile(SPEC().replace(HEADER, `Bearer v${n}`), files),
        '--timeout',
        '30s',
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    const headers = h.cluster.server
      .list('secrets', 'mirrorctl')
      .filter((s) => s.metadata.labels?.['app.kubernetes.io/component'] === 'secret-headers')
      .map((s) => decoded(s)['X-Api-Key']);
    expect(headers).not.toContain(HEADER);
    expect(headers).toContain('Bearer v6');
    expect(headers.length).toBeLessThanOrEqual(6);
  });
});
