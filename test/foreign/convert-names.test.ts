// convert keeps the input's own name (issue 19 item 2): IDMS/ITMS/ICSP objects keep their
// metadata.name across formats as `oc adm migrate icsp` does, a spec made from them is named after
// them, and --name overrides both. Formats without a name (k3s, Talos, …) give `imported`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../src/cli/testing.js';

const tmp = mkdtempSync(join(tmpdir(), 'mirrorctl-convert-names-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const icsp = (name: string, source = 'icr.io/cpopen') => `apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata: { name: ${name} }
spec:
  repositoryDigestMirrors:
    - source: ${source}
      mirrors: [mirror.example.com/cpopen]
`;
const itms = (name: string) => `apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
metadata: { name: ${name} }
spec:
  imageTagMirrors:
    - source: quay.io
      mirrors: [mirror.example.com/quay]
`;

async function convert(input: string, args: string[]) {
  const file = join(tmp, `in-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, input);
  const r = await runCli(['convert', ...args, file], { cwd: tmp });
  const names = parseAllDocuments(r.stdout).map(
    (d) => (d.toJS() as { kind?: string; metadata?: { name?: string } } | null) ?? {},
  );
  return { ...r, names: names.map((o) => `${o.kind}/${o.metadata?.name}`) };
}

describe('convert keeps names', () => {
  it('ICSP → IDMS, ITMS, ICSP, openshift and spec keep metadata.name', async () => {
    expect((await convert(icsp('ibm-cp-icsp'), ['--from', 'icsp', '--to', 'idms'])).names).toEqual([
      'ImageDigestMirrorSet/ibm-cp-icsp',
    ]);
    expect((await convert(icsp('ibm-cp-icsp'), ['--from', 'icsp', '--to', 'icsp'])).names).toEqual([
      'ImageContentSourcePolicy/ibm-cp-icsp',
    ]);
    expect((await convert(itms('tags'), ['--from', 'itms', '--to', 'itms'])).names).toEqual([
      'ImageTagMirrorSet/tags',
    ]);
    expect((await convert(itms('tags'), ['--from', 'itms', '--to', 'spec'])).names).toEqual([
      'MirrorSet/tags',
    ]);
  });

  it('--name names the result exactly, for objects and for the spec', async () => {
    const idms = await convert(icsp('ibm-cp-icsp'), ['--from', 'icsp', '--to', 'idms', '--name', 'cp']);
    expect(idms.names).toEqual(['ImageDigestMirrorSet/cp']);
    const spec = await convert(icsp('ibm-cp-icsp'), ['--from', 'icsp', '--to', 'spec', '--name', 'cp']);
    expect(spec.names).toEqual(['MirrorSet/cp']);
  });

  it('several names: the first, and a warning that says so', async () => {
    const r = await convert(`${icsp('first')}---\n${icsp('second', 'quay.io')}`, [
      '--from',
      'icsp',
      '--to',
      'idms',
    ]);
    expect(r.code).toBe(0);
    expect(r.names).toEqual(['ImageDigestMirrorSet/first']);
    expect(r.stderr).toContain("the input's objects are named first, second; the result is named first");
  });

  it('a Kubernetes name that is no spec name: objects keep it, the spec is imported', async () => {
    const idms = await convert(icsp('cp.icr.io-mirrors'), ['--from', 'icsp', '--to', 'idms']);
    expect(idms.names).toEqual(['ImageDigestMirrorSet/cp.icr.io-mirrors']);
    const spec = await convert(icsp('cp.icr.io-mirrors'), ['--from', 'icsp', '--to', 'spec']);
    expect(spec.code).toBe(0);
    expect(spec.names).toEqual(['MirrorSet/imported']);
    expect(spec.stderr).toContain('is not a DNS-1123 label: the spec is named imported');
  });

  it('from a spec: objects stay mirrorctl-<name> unless --name; a bad --name is refused', async () => {
    const mirrors = `apiVersion: mirrorctl/v1\nkind: MirrorSet\nmetadata: { name: corp }\nspec:\n  registries:\n    - source: quay.io\n      mirrors: [{ url: https://mirror.example.com/quay }]\n`;
    expect((await convert(mirrors, ['--to', 'idms'])).names).toEqual(['ImageDigestMirrorSet/mirrorctl-corp']);
    expect((await convert(mirrors, ['--to', 'idms', '--name', 'x'])).names).toEqual([
      'ImageDigestMirrorSet/x',
    ]);
    expect((await convert(mirrors, ['--to', 'spec', '--name', 'x'])).names).toEqual(['MirrorSet/x']);
    const bad = await convert(mirrors, ['--to', 'spec', '--name', 'Not_A_Label']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--name: name "Not_A_Label" is not a DNS-1123 label');
  });
});
