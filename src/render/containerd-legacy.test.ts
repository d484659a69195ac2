// The containerd-legacy renderer shares the hosts.toml lints that hold for a legacy endpoint too:
// an endpoint path is the API root verbatim (verified-on-debian12.md finding 6), so an api-root URL
// without /v2 gets the same warning from both containerd targets (issue 15 item 8).
import { describe, expect, it } from 'vitest';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import { validateSpec } from '../spec/validate.js';
import { renderContainerdHosts } from './containerd-hosts.js';
import { renderContainerdLegacy } from './containerd-legacy.js';

const spec = (url: string) => {
  const r = validateSpec(
    `apiVersion: mirrorctl/v1\nkind: MirrorSet\nmetadata: { name: t }\nspec:\n  registries:\n    - source: icr.io/cpopen\n      mirrors:\n        - url: ${url}\n          path: api-root\n`,
    'spec.yaml',
  );
  if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
  return r.spec;
};
const ctx = (target: 'containerd' | 'containerd-legacy') => ({
  target,
  runtimeVersion: '1.6.20',
  assets: {},
  paths: DEFAULT_PATHS,
});
const noV2 = (ds: { code: string; target?: string; field?: string }[]) =>
  ds.filter((d) => d.code === 'render.containerd.api-root-without-v2').map((d) => [d.target, d.field]);

describe('api-root without /v2, both containerd targets', () => {
  it('warns for the legacy endpoint as for hosts.toml, and still writes the endpoint', () => {
    const set = spec('https://icr.io/dpod');
    const legacy = renderContainerdLegacy(set, ctx('containerd-legacy'));
    expect(noV2(legacy.diagnostics)).toEqual([['containerd-legacy', 'spec.registries[0].mirrors[0].url']]);
    expect(noV2(renderContainerdHosts(set, ctx('containerd')).diagnostics)).toEqual([
      ['containerd', 'spec.registries[0].mirrors[0].url'],
    ]);
    // A warning, not a refusal: the URL is legal and a non-standard mirror may serve it.
    expect(legacy.ops.map((o) => ('value' in o ? o.value : undefined))).toContainEqual([
      'https://icr.io/dpod',
    ]);
  });

  it('says nothing when the API root holds /v2', () => {
    const set = spec('https://icr.io/v2/dpod');
    expect(noV2(renderContainerdLegacy(set, ctx('containerd-legacy')).diagnostics)).toEqual([]);
    expect(noV2(renderContainerdHosts(set, ctx('containerd')).diagnostics)).toEqual([]);
  });
});
