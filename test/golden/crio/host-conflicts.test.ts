// analyzeRegistriesConf: what already sits on a CRI-O/Podman node versus mirrorctl's drop-in. The
// merge rule it warns about (a later file replaces a whole [[registry]] entry by prefix, §2.3) is
// also replayed with the real skopeo, together with effectiveRegistriesConf.
import { describe, expect, it } from 'vitest';
import { effectiveRegistriesConf } from '../../../src/formats/registries-conf.js';
import { findRegistry } from '../../../src/formats/registries-conf-resolve.js';
import { analyzeRegistriesConf } from '../../../src/render/registries-conf-host.js';
import { skopeoAvailable, skopeoInspect } from './skopeo.js';

const DIR = '/etc/containers/registries.conf.d';
const own = {
  path: `${DIR}/50-mirrorctl-dpod.conf`,
  text: '[[registry]]\nprefix = "quay.io/org"\nlocation = "quay.io/org"\n[[registry.mirror]]\nlocation = "ours.example.com/org"\n',
};
const theirs = (name: string) => ({
  path: `${DIR}/${name}`,
  text: '[[registry]]\nprefix = "quay.io/org"\nlocation = "quay.io/org"\ninsecure = true\n[[registry.mirror]]\nlocation = "theirs.example.com/org"\n',
});

const codes = (main: string | null, dropIns: { path: string; text: string }[]) =>
  analyzeRegistriesConf(main, dropIns, { own }).map((d) => `${d.severity} ${d.code}`);

describe('analyzeRegistriesConf', () => {
  it('refuses a v1 main file and prints the v2 equivalent', () => {
    const ds = analyzeRegistriesConf(
      "[registries.search]\nregistries = ['docker.io']\n[registries.insecure]\nregistries = ['10.0.0.5:5000']\n",
      [],
      { own },
    );
    expect(ds.map((d) => d.code)).toEqual(['host.crio.v1-main']);
    expect(ds[0]?.hint).toContain('unqualified-search-registries = [ "docker.io" ]');
    expect(ds[0]?.hint).toContain('prefix = "10.0.0.5:5000"\nlocation = "10.0.0.5:5000"\ninsecure = true');
  });
  it('reports v1/v2 mixing with the hint to move the lists', () => {
    const ds = analyzeRegistriesConf(
      "[registries.block]\nregistries = ['a.io']\n[[registry]]\nlocation = 'b.io'\n",
      [],
    );
    expect(ds.map((d) => d.code)).toEqual(['host.crio.v1-v2-mixed']);
    expect(ds[0]?.message).toContain('mixing sysregistry v1/v2 is not supported');
  });
  it('reports a v1 drop-in and any file c/image refuses', () => {
    expect(
      codes(null, [
        { path: `${DIR}/10-old.conf`, text: "[registries.search]\nregistries = ['docker.io']\n" },
        { path: `${DIR}/20-bad.conf`, text: '[[registry]]\nlocation = "https://x.io"\n' },
        { path: `${DIR}/30-ignored.txt`, text: 'not toml [' },
      ]),
    ).toEqual(['error host.crio.v1-drop-in', 'error host.crio.invalid']);
  });
  it('warns when the main file or an earlier drop-in loses an entry to ours', () => {
    expect(codes(theirs('x').text, [theirs('10-site.conf')])).toEqual([
      'warning host.crio.prefix-replaced',
      'warning host.crio.prefix-replaced',
    ]);
  });
  it('is an error when a later drop-in replaces ours', () => {
    expect(codes(null, [theirs('99-site.conf')])).toEqual(['error host.crio.prefix-overridden']);
  });
  it('says nothing for identical or unrelated entries', () => {
    expect(
      codes(own.text, [{ path: `${DIR}/10-other.conf`, text: '[[registry]]\nlocation = "docker.io"\n' }]),
    ).toEqual([]);
  });
  it('computes the effective configuration in c/image order', () => {
    const eff = effectiveRegistriesConf(theirs('x').text, [own, theirs('99-site.conf')]);
    expect(eff.ok && findRegistry(eff.config, 'quay.io/org/app')?.mirrors.map((m) => m.location)).toEqual([
      'theirs.example.com/org',
    ]);
  });
});

describe.skipIf(!skopeoAvailable())('the merge rule, replayed with skopeo', () => {
  it('our drop-in replaces the main file entry whole (its mirror and insecure are gone)', () => {
    const run = skopeoInspect(theirs('x').text, { '50-mirrorctl-dpod.conf': own.text }, 'quay.io/org/app:1');
    expect(run.tried).toEqual(['ours.example.com/org/app:1', 'quay.io/org/app:1']);
    expect(run.pings).toEqual(['https://ours.example.com/v2/', 'https://quay.io/v2/']);
  });
  it('a later drop-in replaces ours', () => {
    const run = skopeoInspect(
      '',
      { '50-mirrorctl-dpod.conf': own.text, '99-site.conf': theirs('99').text },
      'quay.io/org/app:1',
    );
    expect(run.tried).toEqual(['theirs.example.com/org/app:1', 'quay.io/org/app:1']);
  });
});
