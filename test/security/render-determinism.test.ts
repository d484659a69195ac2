// Generated VALID specs (fast-check) through validateSpec and every renderer: rendering never
// throws, is deterministic (same bytes twice), and the unsafe-name guard never refuses a spec the
// validator accepted — defence in depth must not cost a legitimate configuration.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { rancherDesiredState } from '../../src/foreign/k3s-node.js';
import { DEFAULT_PATHS } from '../../src/formats/node-paths.js';
import { renderContainerdHosts } from '../../src/render/containerd-hosts.js';
import { renderContainerdLegacy } from '../../src/render/containerd-legacy.js';
import { renderDockerDaemon } from '../../src/render/docker-daemon.js';
import { unsafeNames } from '../../src/render/name-guard.js';
import { renderRegistriesConf } from '../../src/render/registries-conf.js';
import type { RenderContext } from '../../src/render/types.js';
import type { MirrorSet, Target } from '../../src/spec/types.js';
import { validateSpec } from '../../src/spec/validate.js';

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const host = fc.oneof(
  fc.tuple(label, fc.constantFrom('io', 'com', 'example.org', 'local')).map(([a, b]) => `${a}.${b}`),
  fc.constantFrom(
    'docker.io',
    'quay.io',
    'registry.k8s.io',
    'localhost',
    '127.0.0.1',
    '[fd00::1]',
    '10.0.0.7',
  ),
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const repoPath = fc.array(fc.stringMatching(/^[a-z0-9]+([._-][a-z0-9]+)?$/), { maxLength: 3 });
const source = fc.oneof(
  fc.tuple(host, port, repoPath).map(([h, p, r]) => [`${h}${p ? `:${p}` : ''}`, ...r].join('/')),
  fc.constant('*'),
);
const mirror = fc.record({
  url: fc
    .tuple(fc.constantFrom('https', 'http'), host, port, repoPath)
    .map(([s, h, p, r]) => `${s}://${h}${p ? `:${p}` : ''}${r.length ? `/${r.join('/')}` : ''}`),
  path: fc.constantFrom('namespace', 'api-root', 'mount'),
  pullFrom: fc.constantFrom('all', 'digest-only', 'tag-only'),
  headers: fc.option(
    fc.dictionary(
      fc.stringMatching(/^X-[A-Za-z]{1,8}$/),
      fc.array(fc.stringMatching(/^[ -~]{1,12}$/), { minLength: 1, maxLength: 2 }),
      { maxKeys: 2 },
    ),
    { nil: undefined },
  ),
});
const spec = fc.record({
  name: label,
  registries: fc.uniqueArray(
    fc.record({ source, fallback: fc.boolean(), mirrors: fc.array(mirror, { minLength: 1, maxLength: 3 }) }),
    { minLength: 1, maxLength: 4, selector: (r) => r.source },
  ),
});

const ctx = (target: Target, runtimeVersion: string): RenderContext => ({
  target,
  runtimeVersion,
  assets: {},
  paths: DEFAULT_PATHS,
});
const renderAll = (set: MirrorSet): string =>
  JSON.stringify([
    renderContainerdHosts(set, ctx('containerd', '1.7.27')),
    renderContainerdLegacy(set, ctx('containerd-legacy', '1.6.20')),
    renderRegistriesConf(set, ctx('crio', '1.30.0')),
    renderDockerDaemon(set, ctx('docker', '27.0.0'), '{"log-level":"warn"}'),
    rancherDesiredState({ set, assets: {}, flavor: 'k3s', existing: null, service: 'k3s' }),
  ]);

describe('valid generated specs', () => {
  test('render deterministically, never throw, and pass the unsafe-name guard (2,000 runs)', () => {
    let validated = 0;
    fc.assert(
      fc.property(spec, (s) => {
        const text = JSON.stringify({
          apiVersion: 'mirrorctl/v1',
          kind: 'MirrorSet',
          metadata: { name: s.name },
          spec: {
            registries: s.registries.map((r) => ({
              ...r,
              mirrors: r.mirrors.map((m) => ({ ...m, headers: m.headers ?? {} })),
            })),
          },
        });
        const r = validateSpec(text, 'm.json');
        if (!r.spec) return;
        validated++;
        expect(unsafeNames(r.spec, 'containerd')).toEqual([]);
        expect(renderAll(r.spec)).toBe(renderAll(structuredClone(r.spec)));
      }),
      { numRuns: 2000 },
    );
    // The generator mostly produces specs the validator accepts (the property is not vacuous).
    expect(validated).toBeGreaterThan(1000);
  });
});
