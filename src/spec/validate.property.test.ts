// Property-based fuzzing of the spec pipeline (issue 7): 10,000+ generated specs per run.
// - valid specs validate, normalize idempotently (denormalize → validate gives the same spec) and
//   hash identically however their keys are ordered or serialized (YAML or JSON);
// - mutated specs and arbitrary text never make validateSpec throw or report an internal error,
//   and every diagnostic is well-formed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { specHash } from './hash.js';
import { CAPABILITIES, type MirrorSet, PATH_MODES, PULL_FROM, TARGETS } from './types.js';
import { validateSpec } from './validate.js';

/** 10,000 specs per run on a shared 2-core machine: a generous bound, not a timing assertion. */
const FUZZ_TIMEOUT_MS = 900_000;

const label = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?$/);
const dnsHost = fc
  .tuple(
    fc.array(label, { minLength: 1, maxLength: 3 }),
    fc.constantFrom('io', 'com', 'example.com', 'LOCAL'),
  )
  .map(([ls, tld]) => [...ls, tld].join('.'))
  .filter((h) => !/^[0-9.]+$/.test(h));
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const ipv6 = fc.ipV6().map((a) => `[${a}]`);
const host = fc.oneof(
  { weight: 6, arbitrary: dnsHost },
  { weight: 1, arbitrary: ipv4 },
  { weight: 1, arbitrary: ipv6 },
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const component = fc.stringMatching(/^[a-z0-9]{1,4}(?:(?:[._]|__|-+)[a-z0-9]{1,3}){0,2}$/);
const repoPath = fc.array(component, { minLength: 0, maxLength: 3 }).map((cs) => cs.join('/'));
const hostPort = fc.tuple(host, port).map(([h, p]) => (p === undefined ? h : `${h}:${p}`));

const source = fc.oneof(
  { weight: 1, arbitrary: fc.constant('*') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('docker.io', 'index.docker.io', 'registry-1.docker.io', 'Docker.IO/library'),
  },
  {
    weight: 8,
    arbitrary: fc
      .tuple(hostPort, repoPath, fc.boolean())
      .map(([h, p, slash]) => (p ? `${h}/${p}${slash ? '/' : ''}` : h)),
  },
);

const url = fc
  .tuple(fc.constantFrom('http', 'https', 'HTTPS'), hostPort, repoPath, fc.boolean())
  .map(([s, hp, p, slash]) => `${s}://${hp}${p ? `/${p}` : ''}${slash ? '/' : ''}`);

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/);
const headerValue = fc.string({ maxLength: 20 }).filter((v) => ![...v].some((c) => c < ' ' || c === '\x7f'));
const duration = fc
  .tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('ns', 'us', 'ms', 's', 'm', 'h'))
  .map(([n, u]) => `${n}${u}`);

const mirror = fc.record(
  {
    url,
    path: fc.constantFrom(...PATH_MODES),
    pullFrom: fc.constantFrom(...PULL_FROM),
    capabilities: fc.subarray([...CAPABILITIES], { minLength: 1 }).filter((cs) => cs.includes('pull')),
    tls: fc.record(
      { insecureSkipVerify: fc.boolean(), caFile: fc.constantFrom('ca.pem', 'certs/ca.pem') },
      { requiredKeys: [] },
    ),
    headers: fc
      .uniqueArray(fc.tuple(headerName, fc.array(headerValue, { minLength: 1, maxLength: 2 })), {
        selector: ([n]) => n.toLowerCase(),
        maxLength: 3,
      })
      .map((entries) => Object.fromEntries(entries)),
    dialTimeout: duration,
  },
  { requiredKeys: ['url'] },
);

/** Independent oracles for "same registry" and "same mirror", so generated specs have no duplicates. */
const DOCKER = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const sourceKey = (s: string): string => {
  const [h = '', ...rest] = s.toLowerCase().replace(/\/$/, '').split('/');
  return [DOCKER.has(h) ? 'docker.io' : h, ...rest].join('/');
};
const urlKey = (u: string): string =>
  u
    .toLowerCase()
    .replace(/\/$/, '')
    .replace(/^https:\/\/([^/]*):443(?=\/|$)/, 'https://$1')
    .replace(/^http:\/\/([^/]*):80(?=\/|$)/, 'http://$1');

const entry = fc.record(
  {
    source,
    fallback: fc.boolean(),
    mirrors: fc.uniqueArray(mirror, { minLength: 1, maxLength: 3, selector: (m) => urlKey(m.url) }),
    only: fc.subarray([...TARGETS], { minLength: 1 }),
  },
  { requiredKeys: ['source', 'mirrors'] },
);

const validInput = fc.record({
  apiVersion: fc.constant('mirrorctl/v1'),
  kind: fc.constant('MirrorSet'),
  metadata: fc.record({ name: fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/) }),
  spec: fc.record({
    registries: fc.uniqueArray(entry, { minLength: 1, maxLength: 4, selector: (e) => sourceKey(e.source) }),
  }),
});

/** Same data, keys in a different order at every level. */
function reorder(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => reorder(v, seed + i));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const rotated = entries.map((_, i) => entries[(i + seed) % entries.length] as [string, unknown]);
  if (seed % 2 === 1) rotated.reverse();
  return Object.fromEntries(rotated.map(([k, v]) => [k, reorder(v, seed * 7 + 3)]));
}

const serialize = (value: unknown, asJson: boolean): { text: string; file: string } =>
  asJson
    ? { text: JSON.stringify(value, null, 1), file: 'spec.json' }
    : { text: stringify(value), file: 'spec.yaml' };

/** A normalized spec written back as input: validating it must give the same spec (idempotence). */
function denormalize(set: MirrorSet): unknown {
  return {
    apiVersion: set.apiVersion,
    kind: set.kind,
    metadata: { name: set.name },
    spec: {
      registries: set.registries.map((r) => ({
        source: r.source,
        fallback: r.fallback,
        ...(r.only ? { only: r.only } : {}),
        mirrors: r.mirrors.map((m) => ({
          url: m.url,
          path: m.pathMode,
          pullFrom: m.pullFrom,
          capabilities: m.capabilities,
          tls: m.tls,
          headers: m.headers,
          ...(m.dialTimeout ? { dialTimeout: m.dialTimeout } : {}),
        })),
      })),
    },
  };
}

function expectWellFormed(ds: readonly Diagnostic[], file: string): void {
  for (const d of ds) {
    expect(d.code).toMatch(/^spec\.[a-z0-9.-]+$/);
    expect(d.code).not.toBe('spec.internal');
    expect(d.file).toBe(file);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

describe('validateSpec properties', () => {
  it(
    'valid specs validate, normalize idempotently and hash the same under reordering (3,000 specs)',
    () => {
      fc.assert(
        fc.property(validInput, fc.boolean(), fc.nat(100), (input, asJson, seed) => {
          const { text, file } = serialize(input, asJson);
          const r = validateSpec(text, file);
          expectWellFormed(r.diagnostics, file);
          expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          const spec = r.spec;
          if (!spec) throw new Error('valid input produced no spec');
          const again = serialize(denormalize(spec), !asJson);
          const r2 = validateSpec(again.text, again.file);
          expect(r2.spec).toEqual(spec);
          const shuffled = serialize(reorder(input, seed + 1), !asJson);
          const r3 = validateSpec(shuffled.text, shuffled.file);
          expect(r3.spec && specHash(r3.spec)).toBe(specHash(spec));
        }),
        { numRuns: 3000 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  const junk = fc.oneof(
    fc.anything({ maxDepth: 2 }),
    fc.constantFrom(
      '',
      '*',
      '../..',
      '/',
      '\\',
      '\0',
      '"',
      "'",
      '\n',
      ']',
      '#',
      'іcr.io',
      'icr.io.',
      'fd00::1',
      ':0',
      ':65536',
    ),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );

  /** Replace, delete or add one field somewhere in a valid spec. */
  function mutate(input: unknown, where: number, how: number, value: unknown): unknown {
    const copy = structuredClone(input) as Record<string, unknown>;
    const holders: Array<Record<string, unknown> | unknown[]> = [];
    const walk = (v: unknown): void => {
      if (v && typeof v === 'object') {
        holders.push(v as Record<string, unknown>);
        for (const c of Object.values(v)) walk(c);
      }
    };
    walk(copy);
    const target = holders[where % holders.length] as Record<string, unknown>;
    const keys = Object.keys(target);
    const key = keys.length > 0 ? (keys[how % keys.length] as string) : 'x';
    if (how % 3 === 0) delete target[key];
    else if (how % 3 === 1) target[key] = value;
    else target[`unknown${how}`] = value;
    return copy;
  }

  it(
    'mutated specs never throw and report well-formed diagnostics (5,000 specs)',
    () => {
      fc.assert(
        fc.property(
          validInput,
          fc.nat(),
          fc.nat(),
          junk,
          fc.boolean(),
          (input, where, how, value, asJson) => {
            const mutated = mutate(input, where, how, value);
            let text: string;
            try {
              text = asJson ? JSON.stringify(mutated) : stringify(mutated);
            } catch {
              return; // the serializer itself refused (e.g. BigInt in JSON): nothing to validate
            }
            const file = asJson ? 'spec.json' : 'spec.yaml';
            const r = validateSpec(text ?? '', file);
            expectWellFormed(r.diagnostics, file);
            const hasError = r.diagnostics.some((d) => d.severity === 'error');
            expect(r.spec === undefined).toBe(hasError);
          },
        ),
        { numRuns: 5000 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'arbitrary text never throws (2,000 inputs)',
    () => {
      const texts = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({
          unit: fc.constantFrom(
            '[',
            ']',
            '{',
            '}',
            ':',
            '-',
            ' ',
            '\n',
            '&a',
            '*a',
            '"',
            "'",
            '#',
            'a',
            '!!',
            '---',
          ),
          maxLength: 200,
        }),
      );
      fc.assert(
        fc.property(texts, fc.boolean(), (text, asJson) => {
          const file = asJson ? 'x.json' : 'x.yaml';
          expectWellFormed(validateSpec(text, file).diagnostics, file);
        }),
        { numRuns: 2000 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
