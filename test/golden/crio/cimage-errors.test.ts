// containers/image's registries.conf rules, ported in src/formats/registries-conf.ts: every
// refusal with its exact error string, checked against our loader and (as root) the real skopeo.
import { describe, expect, it } from 'vitest';
import { loadRegistriesConf } from '../../../src/formats/registries-conf.js';
import { skopeoAvailable, skopeoInspect } from './skopeo.js';

interface ErrorCase {
  name: string;
  text: string;
  /** Loaded as a drop-in (forceV2). */
  dropIn?: boolean;
  error: string;
}

const cases: ErrorCase[] = [
  {
    name: 'scheme in location',
    text: '[[registry]]\nlocation = "https://icr.io"\n',
    error: "invalid location 'https://icr.io': URI schemes are not supported",
  },
  {
    name: 'scheme in mirror location',
    text: '[[registry]]\nlocation = "icr.io"\n[[registry.mirror]]\nlocation = "http://m.example.com"\n',
    error: "invalid location 'http://m.example.com': URI schemes are not supported",
  },
  {
    name: 'v1 drop-in',
    text: '[registries.search]\nregistries = ["docker.io"]\n',
    dropIn: true,
    error: 'registry must be in v2 format but is in v1',
  },
  {
    name: 'v1 and v2 mixed',
    text: '[registries.insecure]\nregistries = ["10.0.0.5:5000"]\n[[registry]]\nlocation = "quay.io"\n',
    error: 'mixing sysregistry v1/v2 is not supported',
  },
  {
    name: 'pull-from-mirror on the primary',
    text: '[[registry]]\nprefix = "icr.io/cpopen"\nlocation = "icr.io/cpopen"\npull-from-mirror = "digest-only"\n',
    error: 'pull-from-mirror must not be set for a non-mirror registry "icr.io/cpopen"',
  },
  {
    name: 'mirror-by-digest-only with pull-from-mirror',
    text: '[[registry]]\nprefix = "icr.io/cpopen"\nlocation = "icr.io/cpopen"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = "m.example.com/dpod"\npull-from-mirror = "all"\n',
    error:
      'cannot set mirror usage mirror-by-digest-only for the registry ("icr.io/cpopen") and pull-from-mirror for per-mirror ("m.example.com/dpod") at the same time',
  },
  {
    name: 'unknown pull-from-mirror value',
    text: '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = "m.example.com"\npull-from-mirror = "never"\n',
    error: 'unsupported pull-from-mirror value "never" for mirror "m.example.com"',
  },
  {
    name: 'empty mirror location',
    text: '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = ""\n',
    error: 'invalid condition: mirror location is unset',
  },
  {
    name: 'neither prefix nor location',
    text: '[[registry]]\ninsecure = true\n',
    error: 'invalid condition: both location and prefix are unset',
  },
  {
    name: 'no location for a non-wildcard prefix',
    text: '[[registry]]\nprefix = "quay.io"\n',
    error: 'invalid condition: location is unset and prefix is not in the format: *.example.com',
  },
  {
    name: 'conflicting insecure',
    text: '[[registry]]\nprefix = "a.example.com/x"\nlocation = "quay.io"\ninsecure = true\n[[registry]]\nprefix = "a.example.com/y"\nlocation = "quay.io"\n',
    error: "registry 'quay.io' is defined multiple times with conflicting 'insecure' setting",
  },
  {
    name: 'conflicting blocked',
    text: '[[registry]]\nprefix = "a.example.com/x"\nlocation = "quay.io"\nblocked = true\n[[registry]]\nprefix = "a.example.com/y"\nlocation = "quay.io"\n',
    error: "registry 'quay.io' is defined multiple times with conflicting 'blocked' setting",
  },
  {
    name: 'wildcard with a path',
    text: '[[registry]]\nprefix = "*.example.com/x"\n',
    error:
      'Wildcarded prefix should be in the format: *.example.com. Current prefix "*.example.com/x" is incorrectly formatted',
  },
];

const valid: { name: string; text: string; prefixes: string[] }[] = [
  { name: 'empty file', text: '', prefixes: [] },
  {
    name: 'v1 main file converts (block before insecure)',
    text: '[registries.search]\nregistries = ["docker.io"]\n[registries.insecure]\nregistries = ["10.0.0.5:5000"]\n[registries.block]\nregistries = ["evil.example.com"]\n',
    prefixes: ['10.0.0.5:5000', 'evil.example.com'],
  },
  {
    name: 'same prefix twice: first wins, sorted',
    text: '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = "a.example.com"\n[[registry]]\nlocation = "quay.io"\n[[registry]]\nlocation = "docker.io/"\n',
    prefixes: ['docker.io', 'quay.io'],
  },
  {
    name: 'wildcard without location',
    text: '[[registry]]\nprefix = "*.example.com"\ninsecure = true\n',
    prefixes: ['*.example.com'],
  },
];

describe('registries.conf loader (port of c/image)', () => {
  it.each(cases)('refuses: $name', ({ text, dropIn, error }) => {
    expect(loadRegistriesConf(text, dropIn === true)).toEqual({ ok: false, error });
  });
  it.each(valid)('accepts: $name', ({ text, prefixes }) => {
    const r = loadRegistriesConf(text, false);
    expect(r.ok && r.config.registries.map((x) => x.prefix)).toEqual(prefixes);
  });
  it('keeps the first of two entries with the same prefix', () => {
    const r = loadRegistriesConf(valid[2]?.text ?? '', false);
    expect(r.ok && r.config.registries.find((x) => x.prefix === 'quay.io')?.mirrors).toEqual([
      { location: 'a.example.com', insecure: false, pullFromMirror: '' },
    ]);
  });
});

describe.skipIf(!skopeoAvailable())(
  'registries.conf loader agrees with skopeo 1.9.3 (c/image 5.23.1)',
  () => {
    it.each(cases)('same error: $name', ({ text, dropIn, error }) => {
      const run = dropIn
        ? skopeoInspect('', { 'x.conf': text }, 'quay.io/a/b:1')
        : skopeoInspect(text, {}, 'quay.io/a/b:1');
      const prefix = dropIn ? 'loading drop-in registries configuration' : 'loading registries configuration';
      expect(run.log).toContain(prefix);
      expect(run.log).toContain(error);
    });
  },
);
