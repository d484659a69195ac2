// explainImage for crio on a node that already has registries.conf files: c/image merges them with
// mirrorctl's drop-in by prefix, and the explanation follows the merged result. Replayed with skopeo.
import { describe, expect, it } from 'vitest';
import { explainImage } from '../../../src/explain/explain-image.js';
import { DEFAULT_PATHS } from '../../../src/formats/node-paths.js';
import { registriesConfDropInPath, renderRegistriesConf } from '../../../src/render/registries-conf.js';
import { entry, mirror, mirrorSet } from '../explain/spec-builder.js';
import { skopeoAvailable, skopeoInspect } from './skopeo.js';

const set = mirrorSet('dpod', [entry('quay.io/org', [mirror('https://ours.example.com/org')])]);
const ctx = { target: 'crio' as const, runtimeVersion: '1.25.4', assets: {}, paths: DEFAULT_PATHS };
const DIR = DEFAULT_PATHS.registriesConfDir;
const main =
  '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = "site.example.com"\ninsecure = true\n';
const later = {
  path: `${DIR}/99-site.conf`,
  text: '[[registry]]\nprefix = "quay.io/org"\nlocation = "quay.io/org"\nblocked = true\n[[registry.mirror]]\nlocation = "late.example.com/org"\n',
};

const cases = [
  { name: 'our longer prefix wins over the main file entry', image: 'quay.io/org/app:1', dropIns: [] },
  { name: 'other repositories still use the main file entry', image: 'quay.io/other/app:1', dropIns: [] },
  { name: 'a later drop-in replaces ours (blocked source)', image: 'quay.io/org/app:1', dropIns: [later] },
];

describe('explain crio against the node files', () => {
  it.each(cases)('$name', ({ image, dropIns }) => {
    const r = explainImage(set, image, 'crio', { runtimeVersion: '1.25.4', crioHost: { main, dropIns } });
    if (!('image' in r)) throw new Error('invalid');
    const urls = r.requests.map((q) => q.url);
    if (image.includes('/other/'))
      expect(urls).toEqual([
        'https://site.example.com/v2/other/app/manifests/1',
        'http://site.example.com/v2/other/app/manifests/1',
        'https://quay.io/v2/other/app/manifests/1',
      ]);
    else if (dropIns.length === 0)
      expect(urls).toEqual([
        'https://ours.example.com/v2/org/app/manifests/1',
        'https://quay.io/v2/org/app/manifests/1',
      ]);
    else expect(urls).toEqual(['https://late.example.com/v2/org/app/manifests/1']);
  });

  it.skipIf(!skopeoAvailable()).each(cases)('skopeo agrees: $name', ({ image, dropIns }) => {
    const ours = renderRegistriesConf(set, ctx).files[0];
    const files = Object.fromEntries(
      [...dropIns, { path: registriesConfDropInPath(set, ctx), text: ours?.content ?? '' }].map((f) => [
        f.path.split('/').pop() ?? '',
        f.text,
      ]),
    );
    const r = explainImage(set, image, 'crio', { runtimeVersion: '1.25.4', crioHost: { main, dropIns } });
    if (!('image' in r)) throw new Error('invalid');
    const run = skopeoInspect(main, files, image);
    expect(run.pings).toEqual(r.requests.map((q) => q.url.replace(/(^https?:\/\/[^/]+\/v2\/).*$/, '$1')));
  });
});
