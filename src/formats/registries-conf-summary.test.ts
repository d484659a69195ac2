// detect's registries.conf summary follows the reader: c/image's v1 rule, its parse error text.
import { describe, expect, it } from 'vitest';
import { loadRegistriesConf } from './registries-conf.js';
import { summarizeRegistriesConf } from './registries-conf-summary.js';

const summarize = (text: string | undefined) =>
  summarizeRegistriesConf('/etc/containers/registries.conf', text, '/etc/containers/registries.conf.d', [
    '50-a.conf',
    'README',
  ]);

describe('summarizeRegistriesConf', () => {
  it('lists each [[registry]] prefix (or its location) as written, and only *.conf drop-ins', () => {
    const r = summarize(
      '[[registry]]\nlocation = "quay.io"\n[[registry]]\nprefix = "icr.io/cp"\nlocation = "m.example.com"\n',
    );
    expect(r.summary).toMatchObject({
      format: 'v2',
      prefixes: ['quay.io', 'icr.io/cp'],
      dropIns: ['50-a.conf'],
    });
    expect(r.diagnostics).toEqual([]);
  });
  it('calls a file v1 exactly when c/image converts it', () => {
    const v1 = '[registries.search]\nregistries = []\n';
    expect(loadRegistriesConf(v1, false)).toMatchObject({ ok: true, config: { convertedFromV1: true } });
    expect(summarize(v1).summary.format).toBe('v1');
    expect(summarize(v1).diagnostics.map((d) => d.code)).toEqual(['detect.registries-conf.v1']);
    // A [registries] table without any list is v2 to c/image.
    expect(summarize('[registries.search]\n').summary.format).toBe('v2');
  });
  it('a syntax error quotes the parser, as the loader does, and leaves the format unset', () => {
    const text = '[[registry]\n';
    const r = summarize(text);
    const loaded = loadRegistriesConf(text, false);
    expect(r.summary.format).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['detect.registries-conf.syntax']);
    expect(!loaded.ok && r.diagnostics[0]?.message).toBe(
      `registries.conf does not parse: ${loaded.ok ? '' : loaded.error}`,
    );
  });
});
