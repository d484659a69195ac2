import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVersions, formatVersion, parseVersion } from '../util/version.js';
import { parseRuntimeVersion } from './version.js';

// containerRuntimeVersion strings as kubelet reports them (runtime-semantics.md §4).
const cases = [
  { raw: 'containerd://1.6.20', runtime: 'containerd', v: [1, 6, 20, ''], hint: undefined },
  { raw: 'containerd://1.7.15-k3s1', runtime: 'containerd', v: [1, 7, 15, 'k3s1'], hint: 'k3s' },
  { raw: 'containerd://v1.7.11-k3s2', runtime: 'containerd', v: [1, 7, 11, 'k3s2'], hint: 'k3s' },
  { raw: 'containerd://1.7.13-rke2r1', runtime: 'containerd', v: [1, 7, 13, 'rke2r1'], hint: 'rke2' },
  { raw: 'containerd://2.1.4', runtime: 'containerd', v: [2, 1, 4, ''], hint: undefined },
  { raw: 'cri-o://1.25.4', runtime: 'crio', v: [1, 25, 4, ''], hint: undefined },
  {
    raw: 'cri-o://1.29.1-5.rhaos4.16.git78e179b.el9',
    runtime: 'crio',
    v: [1, 29, 1, '5.rhaos4.16.git78e179b.el9'],
    hint: 'openshift',
  },
  { raw: 'docker://19.3.1', runtime: 'docker', v: [19, 3, 1, ''], hint: undefined },
  { raw: 'docker://24.0.7', runtime: 'docker', v: [24, 0, 7, ''], hint: undefined },
  { raw: 'containerd://Unknown', runtime: 'containerd', v: undefined, hint: undefined },
  { raw: 'remote://1.0.0', runtime: 'unknown', v: [1, 0, 0, ''], hint: undefined },
  { raw: 'containerd:1.6.20', runtime: 'unknown', v: undefined, hint: undefined },
  { raw: '', runtime: 'unknown', v: undefined, hint: undefined },
  { raw: 'garbage', runtime: 'unknown', v: undefined, hint: undefined },
] as const;

describe('parseRuntimeVersion', () => {
  it.each(cases)('$raw', (c) => {
    const info = parseRuntimeVersion(c.raw);
    expect(info.runtime).toBe(c.runtime);
    expect(info.raw).toBe(c.raw);
    expect(info.distributionHint).toBe(c.hint);
    if (c.v === undefined) expect(info.version).toBeUndefined();
    else expect(info.version).toEqual({ major: c.v[0], minor: c.v[1], patch: c.v[2], pre: c.v[3] });
  });

  it('keeps the CRI name kubelet reported', () => {
    expect(parseRuntimeVersion('cri-o://1.25.4').name).toBe('cri-o');
  });
});

describe('parseVersion', () => {
  it.each([
    ['1.6.20~ds1', '1.6.20', 'ds1'],
    ['20.10.24+dfsg1', '20.10.24', 'dfsg1'],
    ['v2.1.4', '2.1.4', ''],
    ['1.25', '1.25.0', ''],
    ['1.6.28+bottlerocket', '1.6.28', 'bottlerocket'],
  ])('%s', (text, core, pre) => {
    const v = parseVersion(text);
    expect(v && formatVersion(v)).toBe(core);
    expect(v?.pre).toBe(pre);
  });

  it('rejects non-versions', () => {
    for (const t of ['', 'Unknown', '1', 'v', 'x.y.z', '1.x']) expect(parseVersion(t)).toBeUndefined();
  });

  it('round-trips any formatted version, and orders by the numeric core', () => {
    const ver = fc.record({
      major: fc.nat(999),
      minor: fc.nat(999),
      patch: fc.nat(999),
      pre: fc.constantFrom('', 'k3s1', 'rke2r1', 'rc.1'),
    });
    fc.assert(
      fc.property(ver, ver, (a, b) => {
        expect(parseVersion(formatVersion(a, true))).toEqual(a);
        const byTuple = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
        expect(Math.sign(compareVersions(a, b))).toBe(Math.sign(byTuple));
      }),
    );
  });
});
