// Injection: hostile registry names and URLs through validateSpec, and — defence in depth — straight
// into every renderer with hand-built MirrorSets. No path may leave its target dir; every rendered
// TOML/JSON file must re-parse to exactly the structure the MirrorSet means.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { validateSpec } from '../../src/spec/validate.js';
import { HOSTILE, placements } from './hostile-sets.js';
import { allProblems } from './render-checks.js';

const specText = (source: string, url: string): string =>
  JSON.stringify({
    apiVersion: 'mirrorctl/v1',
    kind: 'MirrorSet',
    metadata: { name: 'dpod' },
    spec: { registries: [{ source, mirrors: [{ url }] }] },
  });

const CASES = Object.entries(HOSTILE).flatMap(([name, s]) =>
  Object.entries(placements(s)).map(([where, set]) => ({ name: `${name} as ${where}`, set })),
);

describe('renderers hold on hostile MirrorSets (validator bypassed)', () => {
  test.each(CASES)('$name', ({ set }) => {
    expect(allProblems(set)).toEqual([]);
  });
});

describe('validateSpec rejects hostile sources and mirror URLs, or yields a spec the renderers hold on', () => {
  const inputs = Object.entries(HOSTILE).flatMap(([name, s]) => [
    { name: `${name} in source`, text: specText(s, 'https://mirror.example.com') },
    { name: `${name} in source path`, text: specText(`icr.io/${s}`, 'https://mirror.example.com') },
    { name: `${name} in mirror host`, text: specText('icr.io', `https://${s}`) },
    { name: `${name} in mirror path`, text: specText('icr.io', `https://mirror.example.com/${s}`) },
  ]);
  test.each(inputs)('$name', ({ text }) => {
    const r = validateSpec(text, 'mirrors.json');
    if (r.spec === undefined) {
      expect(r.diagnostics.some((d) => d.severity === 'error' && d.code.startsWith('spec.'))).toBe(true);
      return;
    }
    expect(allProblems(r.spec)).toEqual([]);
  });
  // Look-alikes are valid DNS text only as punycode; raw ones must never become a directory name.
  test.each([
    ['Cyrillic і', 'icr.\u0456o'],
    ['fullwidth dot', 'icr\uff0eio'],
    ['trailing dot', 'icr.io.'],
  ])('%s in a source host is rejected', (_n, host) => {
    expect(validateSpec(specText(host, 'https://mirror.example.com'), 'm.json').spec).toBeUndefined();
  });
});

const hostileChar = fc.constantFrom(
  '/',
  '\\',
  '.',
  '..',
  '\u0000',
  '"',
  "'",
  '\n',
  '\r',
  ']',
  '[',
  '#',
  '=',
  '\t',
  ' ',
  '\u0456',
  '\uff0e',
  '\u2028',
  '\u202e',
  '{',
  '}',
  ',',
  ':',
  '@',
  '%',
  '$',
  '\u007f',
  '\ud800',
);
const hostileString = fc
  .array(fc.oneof(hostileChar, fc.constantFrom('icr', 'io', 'a', 'v2', 'evil', 'etc', 'shadow')), {
    minLength: 1,
    maxLength: 12,
  })
  .map((parts) => parts.join(''));

describe('fast-check: hostile strings', () => {
  test('in every placement, renderers hold (6,000 runs)', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        for (const [where, set] of Object.entries(placements(s))) {
          const problems = allProblems(set);
          if (problems.length > 0) throw new Error(`${where} ${JSON.stringify(s)}: ${problems.join('; ')}`);
        }
      }),
      { numRuns: 6000 },
    );
  });
  test('through validateSpec: rejected or safe (4,000 runs)', () => {
    fc.assert(
      fc.property(hostileString, fc.constantFrom('source', 'path', 'host', 'url-path'), (s, where) => {
        const text =
          where === 'source'
            ? specText(s, 'https://mirror.example.com')
            : where === 'path'
              ? specText(`icr.io/${s}`, 'https://mirror.example.com')
              : where === 'host'
                ? specText('icr.io', `https://${s}`)
                : specText('icr.io', `https://mirror.example.com/${s}`);
        const r = validateSpec(text, 'm.json');
        if (r.spec === undefined) return r.diagnostics.some((d) => d.severity === 'error');
        const problems = allProblems(r.spec);
        if (problems.length > 0) throw new Error(`${JSON.stringify(s)}: ${problems.join('; ')}`);
        return true;
      }),
      { numRuns: 4000 },
    );
  });
});
